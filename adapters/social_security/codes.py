"""The ``hr_coded`` adapter's code tables (the adapter's own: the values are not public).

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
