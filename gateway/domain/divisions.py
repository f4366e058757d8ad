"""Province-level administrative divisions (GB/T 2260) and the central-registration marker.

Only the first two digits of a division code are checked against a table: the prefecture and
county parts change every year (the State Council renames and merges counties), so a full list
would go stale and reject real identifiers. The 34 province-level units have been stable since
Chongqing was created in 1997.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

PROVINCES: Final[Mapping[str, str]] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}

# Not in GB/T 2260, but the region part of credit codes issued to central state organs and
# nationally registered bodies (e.g. 11100000000013127D, 国务院办公厅).
CENTRAL_REGISTRATION: Final = "100000"

# Residence permits for Taiwan residents (港澳台居民居住证) are GB 11643 numbers with region
# 830000; Hong Kong and Macau permits use 810000 / 820000, already in PROVINCES.
TAIWAN_RESIDENCE_PERMIT_PREFIX: Final = "83"
