"""Administrative divisions (GB/T 2260): the published code list, and the province-level units.

A division code in a message names an office or a business location that exists now, so it is
checked against the published list (``is_listed``): a dated copy of 民政部's 县以上行政区划代码
shipped in ``data/`` (its source is in the file's header). The list changes every year (counties
are renamed and merged); updating it is replacing the file and ``LIST_DATE``.

The region parts of citizen ID numbers and credit codes are checked only against the 34
province-level units (``PROVINCES``, stable since Chongqing was created in 1997): they record
where an identifier was issued, possibly in a county that no longer exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Final

LIST_DATE: Final = "2021-12-31"  # the state of the shipped list
_LIST_FILE: Final = "data/gb2260-2021.tsv"

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


@cache
def listed_divisions() -> Mapping[str, str]:
    """Code → name of every division in the shipped list (read once)."""
    text = files("gateway.domain").joinpath(_LIST_FILE).read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {code: name for code, name in rows}


@cache
def _known_codes() -> frozenset[str]:
    # The list leaves out the prefecture-level rows of municipalities and of counties directly
    # under a province (110100 市辖区, 469000 省直辖县级行政区划) that GB/T 2260 itself carries.
    listed = listed_divisions()
    return frozenset(listed) | {code[:4] + "00" for code in listed}


def is_listed(code: str) -> bool:
    """Whether the six-digit ``code`` is a division of the shipped GB/T 2260 list."""
    return code in _known_codes()
