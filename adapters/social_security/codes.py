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


# -- Person facts of the people measures (86号-11…15): gateway/policy/measures/people.py ---------
#
# One service per fact kind (serviceCode of the query); a query names the year (AAE001) and the
# people (AAC002). Answer fields, national elements first, then this adapter's own (Y…):
#
#   unemployment_insurance (social insurance, 社保经办)
#     AAC008  参保状态            "1" 参保缴费 → insured; "2" 暂停缴费, "3" 终止参保 → not insured
#     YAC211  单位缴费月数        digits → employer_paid_months
#     YAC212  个人缴费月数        digits → person_paid_months
#     AAE041  本次就业缴费起始年月 yyyyMM ┐ → continuous_months (both months counted)
#     AAE042  本次就业缴费截止年月 yyyyMM ┘   (the last month paid so far while contributing)
#     AAE031  停保日期            yyyyMMdd | absent → stopped_on (null: still contributing)
#     AJC093  中断就业原因        LEAVING_REASONS | absent → leaving_reason, contract_end (null)
#     AAC028  农民工标识          "1" / "0" → rural_migrant
#     YAC214  领取失业保险金标识   "1" / "0" → drawing_benefit
#     YAC215  停保后再就业标识     "1" / "0" → employed_since_stop
#     YAC220  已享受待遇          [{YAD101 BENEFITS (below), AAE041 first, AAE042 last yyyyMM}]
#                                 → benefit_periods [{measure, first_month, last_month "yyyy-MM"}]
#     YAC230  社保卡金融账户       {AAE008 开户银行, AAE010 银行账号, AAE009 户名} | absent
#                                 → card_account {bank_name, account_number, account_name} | null
#   unemployment_registration (HR, 公共就业服务)
#     YAC301  失业登记状态        "1" 已登记 → registered; "0" 未登记, "2" 已注销, "3" 已就业 → not
#     AAE030  登记日期            yyyyMMdd | absent → registered_on (null)
#     YAC302  求职状态            "1" 求职中 / "0" → job_seeking
#
# Every code is looked up here; an unknown one refuses the whole answer (facts_answer_invalid):
# a leaving reason this table does not know could be the one that decides eligibility.

FACT_SERVICES = {"unemployment_insurance": "QRY_UI_PERSON",        # 失业保险参保缴费查询
                 "unemployment_registration": "QRY_UNEMP_REG"}     # 失业登记查询

INSURED_STATUSES = {"1": True, "2": False, "3": False}
FLAGS = {"1": True, "0": False}
# 中断就业原因 → (leaving_reason, contract_end) as people.py names them; one code per pair, so the
# table reads both ways (the simulator writes the codes back).
LEAVING_REASONS: dict[str, tuple[str, str]] = {
    "11": ("involuntary", "expired_not_renewed"),  # 劳动合同期满终止，用人单位不续订
    "12": ("involuntary", "ended_early"),          # 用人单位解除劳动合同（含经济性裁员）
    "13": ("involuntary", "other"),                # 用人单位破产、关闭、撤销等终止
    "21": ("voluntary", "ended_early"),            # 本人提出解除劳动合同
    "22": ("voluntary", "expired_not_renewed"),    # 期满本人不愿续订
    "23": ("voluntary", "other"),                  # 其他本人原因
}
LEAVING_CODE = {pair: code for code, pair in LEAVING_REASONS.items()}
REGISTRATION_STATUSES = {"1": True, "0": False, "2": False, "3": False}
# The system's error codes (ERRORS above) as facts failures: same codes, the facts reasons.
FACT_ERRORS = {code: (reason.replace("hr_", "facts_", 1), retry) for code, (reason, retry) in ERRORS.items()}

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
BENEFIT_CODE = {measure: code for code, measure in BENEFITS.items()}  # the facts' periods, written back
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
