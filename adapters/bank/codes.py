"""The bank front-end idiom's code tables: function names, return codes, enumerations.

FUNNAM — the function a package carries (``<INFO><FUNNAM>``):

    GVLNQUAL   in   loan qualification request (贷款资格审核)   → canonical submit_loan_qualification
    GVGRTREV   in   guarantee review request (担保审查申请)     → canonical submit_guarantee_review
    GVSUBCLM   in   interest-subsidy claim (贴息申请)           → canonical submit_subsidy_claim
    GVGRTDEC   out  guarantee fund's decision (担保审查结果)    ← canonical guarantee_decision
    GVSUBDEC   out  finance's subsidy decision (贴息审核结果)   ← canonical subsidy_decision

RETCOD — ``"0"`` is success; each family of gateway problem has one negative code (the front-end
convention: 0 ok, negative = refused). The family is chosen from the problem's ``reason`` first,
then from its HTTP status; ERRMSG is ``中文(English): detail``.
"""

from __future__ import annotations

FUNCTIONS_IN = {
    "GVLNQUAL": "submit_loan_qualification",
    "GVGRTREV": "submit_guarantee_review",
    "GVSUBCLM": "submit_subsidy_claim",
    "GVPAYRES": "submit_payout_results",
}
FUNCTIONS_OUT = {"guarantee_decision": "GVGRTDEC", "subsidy_decision": "GVSUBDEC",
                 "payout_instructions": "GVPAYINS"}

DATTYP = "2"  # the front-end's "XML data" type
CNY = "10"  # CCYNBR: 10 = 人民币

OK = "0"

# ACCKND — the kind of account a payout line pays into (GVPAYINS PAYLINZ; people's payees,
# gateway/policy/measures/people.payee): a bank account the claim named, or the financial
# account of the person's social security card (社保卡金融账户). Absent on employers' lines.
ACCOUNT_KINDS = {"1": "bank_account", "2": "social_security_card"}


class RetCode:
    """One family of outcome: its RETCOD and its ERRMSG prefix."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        self.code, self.zh, self.en = code, zh, en

    def message(self, detail: str) -> str:
        return f"{self.zh}({self.en}): {detail}" if detail else f"{self.zh}({self.en})"


XML_REFUSED = RetCode("-1", "报文格式错误", "package refused")
FIELD_INVALID = RetCode("-2", "字段校验失败", "field invalid")
POLICY_REFUSED = RetCode("-3", "政策审核不通过", "refused by policy")
DUPLICATE = RetCode("-4", "业务参考号重复", "duplicate or conflicting YURREF")
AUTHENTICATION = RetCode("-5", "签名验证失败", "authentication failed")
FORBIDDEN = RetCode("-6", "无权办理该业务", "not permitted")
NOT_FOUND = RetCode("-7", "业务不存在", "not found")
TOO_LARGE = RetCode("-8", "报文过大", "package too large")
BUSY = RetCode("-9", "系统繁忙请稍后重试", "rate limited, retry later")
UNAVAILABLE = RetCode("-10", "系统暂不可用请稍后重试", "unavailable, retry later")
INTERNAL = RetCode("-99", "系统内部错误", "internal error")

RET_CODES = (XML_REFUSED, FIELD_INVALID, POLICY_REFUSED, DUPLICATE, AUTHENTICATION, FORBIDDEN,
             NOT_FOUND, TOO_LARGE, BUSY, UNAVAILABLE, INTERNAL)

# Reasons whose family is not implied by their status (422 is both "bad field" and "policy").
BY_REASON = {
    "policy_violation": POLICY_REFUSED,
    "above_qualification": POLICY_REFUSED,
    "qualification_refused": POLICY_REFUSED,
    "qualification_expired": POLICY_REFUSED,
    "qualification_unknown": POLICY_REFUSED,
    "no_recipient": POLICY_REFUSED,
    "idempotency_key_reused": DUPLICATE,
    "reference_mismatch": FIELD_INVALID,
}
BY_STATUS = {400: FIELD_INVALID, 401: AUTHENTICATION, 403: FORBIDDEN, 404: NOT_FOUND,
             409: DUPLICATE, 413: TOO_LARGE, 415: XML_REFUSED, 422: FIELD_INVALID, 429: BUSY,
             503: UNAVAILABLE, 504: UNAVAILABLE}


def ret_code(status: int, reason: str) -> RetCode:
    if reason in BY_REASON:
        return BY_REASON[reason]
    if reason.startswith("xml_"):
        return XML_REFUSED
    return BY_STATUS.get(status) or (INTERNAL if status >= 500 else FIELD_INVALID)


# Enumerations the front-end spells with short codes (other enumerations keep the canonical
# slug, upper-cased: see mapping.py).
LOAN_TYPES = {"1": "individual", "2": "partnership", "3": "enterprise"}  # LONTYP
GUARANTEE_OUTCOMES = {"A": "accepted", "D": "declined"}  # OUTCOM of GVGRTDEC
SUBSIDY_OUTCOMES = {"A": "approved", "R": "rejected"}  # OUTCOM of GVSUBDEC
FINDING_KINDS = {"R": "refusals", "N": "notices"}  # FNDTYP of a qualification's finding
FLAGS = {"Y": True, "N": False}

# Acknowledgement codes a bank answers a delivery with (channel.py): RETCOD → meaning.
ACK_DUPLICATE = {"-4", "DUPREF"}  # the bank already holds this YURREF: delivered before
ACK_RETRYABLE = {"-9", "-10", "-99"}
