"""The tax adapter's code tables: message numbers, result codes, and the business code lists.

No public CFX message exists for a premium-deferral conclusion, so the numbers and code lists
below are this adapter's own, chosen inside the families the TIPS idiom uses
(partner-formats.md): 1xxx tax-originated, 2xxx bank returns, 3xxx centre-originated,
5xxx finance, 9xxx system/common. A tax partner that adopts the format adopts these tables.

Message numbers
    3101  DeferralConclusion3101   the gateway (a data-exchange centre) → tax: an HR deferral
                                   conclusion (认定结论) copied to the tax office
    3201  PremiumQuery3201         the gateway → tax: the unemployment premiums a list of
                                   employers (CorpCode) actually paid in a year (86号-6 比对)
    1201  PremiumReturn1201        tax → the gateway: the answer, one Corp per employer on
                                   record (CorpPaidAmt, StaffPaidAmt as 2-decimal yuan)
    9120  MsgReturn9120            the generic answer: {OriMsgNo, Result, AddWord, Information}

Result codes of a 9120 answer (what the delivery worker does with each)
    90000  delivered
    91007  duplicate MsgID: the tax system already holds this message (our retries reuse the
           MsgID), so it counts as delivered
    91001 91002 91003 91004 91005 91006  non-retryable: the same bytes would be refused again
           (91005 = 校验电子签名错 → reason ``tax_signature_rejected``)
    93xxx  retryable: the tax side is busy, switching its business day, or down for upkeep
    other  non-retryable ``tax_refused`` with the code in the detail (a refusal we do not know
           is safer left to an operator than repeated)
"""

from __future__ import annotations

from dataclasses import dataclass

DEFERRAL_CONCLUSION_MSGNO = "3101"
GENERIC_REPLY_MSGNO = "9120"
PREMIUM_QUERY_MSGNO = "3201"
PREMIUM_RETURN_MSGNO = "1201"
BLOCK_NAMES = {DEFERRAL_CONCLUSION_MSGNO: "DeferralConclusion3101",
               GENERIC_REPLY_MSGNO: "MsgReturn9120",
               PREMIUM_QUERY_MSGNO: "PremiumQuery3201",
               PREMIUM_RETURN_MSGNO: "PremiumReturn1201"}

# Canonical message kind → the CFX message number that carries it.
MSGNO_FOR_KIND = {"deferral_conclusion": DEFERRAL_CONCLUSION_MSGNO}

RESULT_OK = "90000"
RESULT_DUPLICATE = "91007"


@dataclass(frozen=True)
class ResultMeaning:
    delivered: bool
    retryable: bool
    reason: str  # the delivery reason slug when not delivered
    text: str  # the code's meaning, for details and for the simulator's Information


RESULTS: dict[str, ResultMeaning] = {
    "90000": ResultMeaning(True, False, "", "处理成功"),
    "91001": ResultMeaning(False, False, "tax_message_malformed", "报文格式错"),
    "91002": ResultMeaning(False, False, "tax_header_rejected", "报文头错（节点、应用或日期）"),
    "91003": ResultMeaning(False, False, "tax_msgno_unsupported", "报文编号不支持"),
    "91004": ResultMeaning(False, False, "tax_content_rejected", "业务要素错"),
    "91005": ResultMeaning(False, False, "tax_signature_rejected", "校验电子签名错"),
    "91006": ResultMeaning(False, False, "tax_encoding_rejected", "报文编码错"),
    "91007": ResultMeaning(True, False, "", "重复报文"),
    "93001": ResultMeaning(False, True, "tax_busy", "系统忙"),
    "93002": ResultMeaning(False, True, "tax_day_switch", "日切处理中"),
    "93003": ResultMeaning(False, True, "tax_maintenance", "系统维护"),
}


def result_meaning(code: str) -> ResultMeaning:
    """What a 9120 ``Result`` means; codes outside the table follow their family."""
    known = RESULTS.get(code)
    if known is not None:
        return known
    if code.startswith("93"):
        return ResultMeaning(False, True, "tax_unavailable", "税务系统暂不可用")
    return ResultMeaning(False, False, "tax_refused", "税务系统拒绝")


# Why the gateway (or the tax simulator) refuses a CFX document → the Result code that says so
# in the partner's idiom. Keys are ``CfxRejected`` reasons (adapters.tax.errors).
RESULT_FOR_REJECTION = {
    "cfx_too_large": "91001",
    "cfx_malformed": "91001",
    "cfx_forbidden_construct": "91001",
    "cfx_missing_field": "91004",
    "cfx_unexpected_field": "91004",
    "cfx_field_invalid": "91004",
    "cfx_header_invalid": "91002",
    "cfx_msgno_unsupported": "91003",
    "cfx_encoding_declaration": "91006",
    "cfx_not_gbk": "91006",
    "cfx_signature_missing": "91005",
    "cfx_signature_invalid": "91005",
}

# ---- business code lists (DeferralConclusion3101) -------------------------------------------

# IndustryType: the 5 special-hardship industries, then the 17 hardship industries, in the
# order of 人社部发〔2022〕31号; 99 = any other industry.
INDUSTRY_CODES = {
    "catering": "01", "retail": "02", "tourism": "03", "civil_aviation": "04",
    "road_water_rail_transport": "05", "agri_food_processing": "06", "textiles": "07",
    "textile_apparel": "08", "paper": "09", "printing_recorded_media": "10",
    "pharmaceuticals": "11", "chemical_fibres": "12", "rubber_plastics": "13",
    "general_equipment": "14", "automobiles": "15", "rail_ship_aerospace_equipment": "16",
    "instruments": "17", "social_work": "18", "broadcasting_film_recording": "19",
    "culture_arts": "20", "sports": "21", "entertainment": "22", "other": "99",
}

# CorpScale: enterprise size class; 5–7 are the non-enterprise units treated as SMEs.
SIZE_CODES = {
    "large": "1", "medium": "2", "small": "3", "micro": "4", "individual_business": "5",
    "public_institution": "6", "social_organisation": "7",
}

# InsureType: the insurance type codes HR systems commonly send as AAE140.
INSURANCE_CODES = {"pension": "110", "unemployment": "210", "work_injury": "410"}

# DecisionCode: 1 approved (准予缓缴), 2 rejected (不予缓缴).
DECISION_CODES = {"approved": "1", "rejected": "2"}


def inverse(table: dict[str, str]) -> dict[str, str]:
    return {code: name for name, code in table.items()}
