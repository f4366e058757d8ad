"""The national social insurance public service platform's code tables (国家社会保险公共服务平台,
si.12333.gov.cn), as the adapter's own: the platform and the province agreed them for the
benefit claims it forwards (86号-12…15 name it as channel ④; 86号-11 does not).

A code missing from a table is refused, never guessed.
"""

from __future__ import annotations

# head.busiCode → what the message is. Only benefit claims (社保待遇申领) are taken.
CLAIM = "SBDY0001"
BUSI_CODES = {CLAIM: "社保待遇申领"}

# body.benefitType → the measure claimed.
BENEFITS: dict[str, str] = {
    "JN01": "86号-11",  # 技能提升补贴 (not taken through this channel: 403 in the idiom)
    "SY01": "86号-12",  # 失业保险金
    "SY02": "86号-13",  # 农牧民工一次性生活补助
    "SY03": "86号-14",  # 失业补助金
    "SY04": "86号-15",  # 临时生活补助
}

ACCOUNT_TYPES = {"01": "bank_account", "02": "social_security_card"}  # accountType
SKILL_LEVELS = {str(level): level for level in range(1, 6)}  # skillLevel: 1 高级技师 … 5 初级工
AUDIT_RESULTS = {"01": "eligible", "02": "refused", "03": "eligible_no_account"}  # auditResult

OK = ("0000", "成功")
# head.retCode of a refused message, by HTTP status.
RET_CODES: dict[int, tuple[str, str]] = {
    400: ("1001", "报文格式错误"), 413: ("1001", "报文格式错误"), 415: ("1001", "报文格式错误"),
    401: ("2001", "身份认证失败"), 403: ("2002", "无权办理"), 404: ("1004", "业务不存在"),
    405: ("1004", "业务不存在"), 409: ("3002", "业务冲突"), 422: ("3001", "业务校验不通过"),
    429: ("9001", "系统繁忙"), 503: ("9001", "系统繁忙"), 504: ("9001", "系统繁忙"),
}
INTERNAL = ("9999", "系统异常")
