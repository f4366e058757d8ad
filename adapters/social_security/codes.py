"""The ``hr_coded`` adapter's code tables (the adapter's own: the values are not public):
person-facts answers (below) and the counter's benefit claims (the end of the module).

Field names follow the national HR / social-insurance data elements (partner-formats.md):
``AAC002`` citizen ID, ``AAC003`` name, ``AAB001`` employer number (here the unified social
credit code), ``AAB004`` employer name. Provincial extensions (``Y`` prefix) carry what no
national element names:

    YAC101  person registry type (人员认定类别)   → our BorrowerGroup (86号-16)
    YAC102  registry status (认定状态)            only "1" (in effect) grants the group
    YAB201  employer premium arrears (欠费标志)   "1" arrears, "0" none, absent = not known

Unknown codes are refused (``hr_answer_invalid``), never guessed: a registry type missing from
this table could be a borrower group the loan engine would then wrongly deny.
"""

from __future__ import annotations

from gateway.policy.borrowers import BorrowerGroup

NO_REGISTRY = "00"  # a person HR knows, with no special registry

REGISTRY_TYPES: dict[str, BorrowerGroup | None] = {
    NO_REGISTRY: None,                                    # 无认定类别
    "01": BorrowerGroup.REGISTERED_UNEMPLOYED,            # 城镇登记失业人员
    "02": BorrowerGroup.EMPLOYMENT_DIFFICULTY,            # 就业困难人员（含残疾人）
    "03": BorrowerGroup.VETERAN,                          # 复员转业退役人员
    "04": BorrowerGroup.RELEASED_PRISONER,                # 刑满释放人员
    "05": BorrowerGroup.COLLEGE_GRADUATE,                 # 高校毕业生
    "06": BorrowerGroup.CAPACITY_REDUCTION_WORKER,        # 化解过剩产能企业职工和失业人员
    "07": BorrowerGroup.RETURNING_MIGRANT_WORKER,         # 返乡创业农牧民工
    "08": BorrowerGroup.ONLINE_MERCHANT,                  # 网络商户
    "09": BorrowerGroup.REGISTERED_POOR_HOUSEHOLD,        # 建档立卡贫困人口
    "10": BorrowerGroup.RURAL_SELF_EMPLOYED,              # 农村自主创业农民
}
TYPE_FOR_GROUP = {group: code for code, group in REGISTRY_TYPES.items() if group is not None}

IN_EFFECT = "1"
REGISTRY_STATUSES = {IN_EFFECT: "有效", "2": "已注销", "3": "已过期", "4": "暂停"}

ARREARS = {"1": True, "0": False}

# The HR system's answer codes → (Unavailable reason, Retry-After seconds). "0" is success.
OK = "0"
ERRORS: dict[str, tuple[str, int]] = {
    "1001": ("hr_request_refused", 3600),  # 参数错误: our query or settings are wrong
    "1002": ("hr_request_refused", 3600),  # 应用未授权: appId not (or no longer) authorised
    "2001": ("hr_unavailable", 60),        # 系统繁忙
    "2002": ("hr_unavailable", 600),       # 系统维护
    "9999": ("hr_unavailable", 60),        # 系统内部错误
}


# ── Benefit claims taken at the insurance agency's counter (86号-11…15, claims.py) ──────────
# The counter system names the benefit claimed with the provincial element YAD101 (待遇申领项目);
# the codes are this adapter's table (the province's counter systems agreed them with the
# gateway; no national element lists these measures). A code missing here is refused
# (``benefit_unknown``), never guessed.
BENEFITS: dict[str, str] = {
    "0601": "86号-11",  # 技能提升补贴
    "0201": "86号-12",  # 失业保险金
    "0202": "86号-13",  # 农牧民工一次性生活补助
    "0203": "86号-14",  # 失业补助金
    "0204": "86号-15",  # 临时生活补助
}
CLAIM_SERVICES = {"BENEFIT_CLAIM"}  # serviceCode of a claim (待遇申领)

# YAE101 账户类别: where the benefit is paid.
ACCOUNT_KINDS = {"1": "bank_account", "2": "social_security_card"}
# YCA112 技能等级 (国家职业资格等级): 1 高级技师 … 5 初级工.
SKILL_LEVELS = {str(level): level for level in range(1, 6)}
# YAD103 审核结论 of an answer.
OUTCOMES = {"1": "eligible", "2": "refused", "3": "eligible_no_account"}
# YAD109 重复申领: "1" when the answer is an earlier claim's decision (HTTP 200).
EARLIER_CLAIM = {"1": True}

# The reply's ``code`` for a refused claim, by HTTP status; "0" is success (OK above).
CLAIM_REPLY_CODES: dict[int, tuple[str, str]] = {
    400: ("1001", "参数错误"), 413: ("1001", "参数错误"), 415: ("1001", "参数错误"),
    401: ("1002", "认证失败"), 403: ("1003", "无权办理"), 404: ("1004", "服务不存在"),
    405: ("1004", "服务不存在"), 409: ("3002", "业务冲突"), 422: ("3001", "业务校验不通过"),
    429: ("2001", "系统繁忙"), 503: ("2001", "系统繁忙"), 504: ("2001", "系统繁忙"),
}
INTERNAL = ("9999", "系统内部错误")
