"""The electronic social security card services' code tables (电子社保卡 in Alipay and WeChat), as
the adapter's own: the open-platform envelope's codes and the benefit codes the card services
agreed with the province (86号-12…15 name them as channel ⑤; 86号-11 does not).
"""

from __future__ import annotations

CHANNELS = {"ALIPAY": "支付宝", "WECHAT": "微信"}  # channel_no
CLAIM_METHOD = "ecard.benefit.claim.apply"
METHODS = {CLAIM_METHOD: "待遇申领"}
CHARSET = "utf-8"

# biz_content.benefit_code → the measure claimed.
BENEFITS: dict[str, str] = {
    "SKILL_UPGRADE": "86号-11",  # 技能提升补贴 (not taken through this channel: 403 in the idiom)
    "UNEMPLOYMENT_BENEFIT": "86号-12",  # 失业保险金
    "MIGRANT_ALLOWANCE": "86号-13",  # 农牧民工一次性生活补助
    "UNEMPLOYMENT_SUBSIDY": "86号-14",  # 失业补助金
    "TEMPORARY_ALLOWANCE": "86号-15",  # 临时生活补助
}
ACCOUNT_TYPES = {"BANK_CARD": "bank_account", "SSCARD": "social_security_card"}
SKILL_LEVELS = {str(level): level for level in range(1, 6)}  # 1 高级技师 … 5 初级工
RESULTS = {"ELIGIBLE": "eligible", "REFUSED": "refused", "ELIGIBLE_NO_ACCOUNT": "eligible_no_account"}

SUCCESS = ("10000", "Success")
# The envelope's code of a refused request, by HTTP status; sub_code is "govgate.<reason>".
CODES: dict[int, tuple[str, str]] = {
    400: ("40002", "Invalid Arguments"), 413: ("40002", "Invalid Arguments"),
    415: ("40002", "Invalid Arguments"), 401: ("20001", "Insufficient Token Permissions"),
    403: ("40006", "Insufficient Permissions"), 404: ("40004", "Business Failed"),
    405: ("40004", "Business Failed"), 409: ("40004", "Business Failed"),
    422: ("40004", "Business Failed"), 429: ("20000", "Service Currently Unavailable"),
    503: ("20000", "Service Currently Unavailable"), 504: ("20000", "Service Currently Unavailable"),
}
UNKNOWN = ("20000", "Service Currently Unavailable")
SUB_CODE_PREFIX = "govgate."
