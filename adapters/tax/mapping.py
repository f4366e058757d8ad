"""Canonical ``DeferralConclusion`` ⇄ ``DeferralConclusion3101`` (pure: tables and functions).

    canonical (openapi policy.yaml)          CFX field            format
    enterprise.credit_code                   CorpCode             18 characters
    enterprise.name                          CorpName             GBK text ≤ 200
    enterprise.industry                      IndustryType         codes.INDUSTRY_CODES
    enterprise.size_class                    CorpScale            codes.SIZE_CODES
    enterprise.severely_affected_area?       SevereArea?          1 / 0
    enterprise.headcount?                    HeadCount?           digits
    application_date                         ApplyDate            yyyyMMdd
    decision_date                            DecideDate           yyyyMMdd
    decision.outcome                         DecisionCode         codes.DECISION_CODES
    decision.refusal_reason?                 RefuseReason?        GBK text ≤ 500
    issuing_office.name                      IssueOrgName         GBK text ≤ 200
    issuing_office.division_code             IssueDivCode         6 digits
    deferred_amount_fen?                     DeferAmt?            2-decimal yuan
    len(insurance)                           DetailNum            1–3
    insurance[i]                             Detail (repeated)
      .type                                  InsureType           codes.INSURANCE_CODES
      .fee_period_from / .fee_period_to      FeeStartMonth / FeeEndMonth   yyyyMM
      .deferred_until                        DeferEndDate         yyyyMMdd
      .deferred_amount_fen?                  DeferAmt?            2-decimal yuan

``?`` marks optional members: absent in one form means absent in the other, so a message
survives the round trip exactly. Fields are written in the order above.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from .codes import (
    BLOCK_NAMES,
    DECISION_CODES,
    DEFERRAL_CONCLUSION_MSGNO,
    INDUSTRY_CODES,
    INSURANCE_CODES,
    SIZE_CODES,
    inverse,
)
from .errors import CfxRejected
from .fields import (
    Block,
    amount_from_fen,
    compact_date,
    compact_month,
    fen_from_amount,
    iso_date,
    iso_month,
)
from .xml import Node

BLOCK = BLOCK_NAMES[DEFERRAL_CONCLUSION_MSGNO]
_PATH = f"CFX/MSG/{BLOCK}"
_ENTERPRISE_FIELDS = ("CorpCode", "CorpName", "IndustryType", "CorpScale")
_REQUIRED = (*_ENTERPRISE_FIELDS, "ApplyDate", "DecideDate", "DecisionCode", "IssueOrgName",
             "IssueDivCode", "DetailNum")
_OPTIONAL = ("SevereArea", "HeadCount", "RefuseReason", "DeferAmt")


def conclusion_block(payload: dict[str, Any]) -> Node:
    """The ``DeferralConclusion3101`` block for a canonical conclusion; raises ``CfxRejected``
    (cfx_missing_field, cfx_field_invalid) for a payload that is not one."""
    try:
        return _block(payload)
    except (KeyError, TypeError, AttributeError) as exc:
        raise CfxRejected(f"the payload is not a deferral conclusion (missing {exc})",
                          reason="cfx_missing_field") from None


def _block(payload: dict[str, Any]) -> Node:
    enterprise, decision = payload["enterprise"], payload["decision"]
    office, insurance = payload["issuing_office"], payload["insurance"]
    fields: list[Node] = [
        ("CorpCode", enterprise["credit_code"]),
        ("CorpName", enterprise["name"]),
        ("IndustryType", _code(INDUSTRY_CODES, enterprise["industry"], "industry")),
        ("CorpScale", _code(SIZE_CODES, enterprise["size_class"], "size class")),
    ]
    if "severely_affected_area" in enterprise:
        fields.append(("SevereArea", "1" if enterprise["severely_affected_area"] else "0"))
    if "headcount" in enterprise:
        fields.append(("HeadCount", str(int(enterprise["headcount"]))))
    fields += [
        ("ApplyDate", compact_date(payload["application_date"])),
        ("DecideDate", compact_date(payload["decision_date"])),
        ("DecisionCode", _code(DECISION_CODES, decision["outcome"], "decision")),
    ]
    if "refusal_reason" in decision:
        fields.append(("RefuseReason", decision["refusal_reason"]))
    fields += [("IssueOrgName", office["name"]), ("IssueDivCode", office["division_code"])]
    if "deferred_amount_fen" in payload:
        fields.append(("DeferAmt", amount_from_fen(payload["deferred_amount_fen"])))
    fields.append(("DetailNum", str(len(insurance))))
    fields += [("Detail", _detail(item)) for item in insurance]
    return (BLOCK, fields)


def _detail(item: dict[str, Any]) -> list[Node]:
    detail: list[Node] = [
        ("InsureType", _code(INSURANCE_CODES, item["type"], "insurance type")),
        ("FeeStartMonth", compact_month(item["fee_period_from"])),
        ("FeeEndMonth", compact_month(item["fee_period_to"])),
        ("DeferEndDate", compact_date(item["deferred_until"])),
    ]
    if "deferred_amount_fen" in item:
        detail.append(("DeferAmt", amount_from_fen(item["deferred_amount_fen"])))
    return detail


def _code(table: dict[str, str], value: str, what: str) -> str:
    if value not in table:
        raise CfxRejected(f"{what} {value!r} has no code in the tax format",
                          reason="cfx_field_invalid")
    return table[value]


def conclusion_from_block(element: Element) -> dict[str, Any]:
    """The canonical conclusion a ``DeferralConclusion3101`` element carries."""
    block = Block(element, _PATH, required=_REQUIRED, optional=_OPTIONAL, repeated=("Detail",))
    enterprise: dict[str, Any] = {
        "credit_code": block.matching("CorpCode", r"[0-9A-Za-z]{18}", "18 letters or digits"),
        "name": block.text("CorpName"),
        "industry": block.coded("IndustryType", inverse(INDUSTRY_CODES)),
        "size_class": block.coded("CorpScale", inverse(SIZE_CODES)),
    }
    if block.has("SevereArea"):
        enterprise["severely_affected_area"] = block.matching("SevereArea", "[01]", "1 or 0") == "1"
    if block.has("HeadCount"):
        headcount = int(block.matching("HeadCount", r"0|[1-9][0-9]{0,7}", "a whole number"))
        if headcount > 10_000_000:
            block.invalid("HeadCount", "is beyond 10,000,000")
        enterprise["headcount"] = headcount
    decision: dict[str, Any] = {"outcome": block.coded("DecisionCode", inverse(DECISION_CODES))}
    if block.has("RefuseReason"):
        decision["refusal_reason"] = block.text("RefuseReason", max_length=500)
    conclusion: dict[str, Any] = {
        "enterprise": enterprise,
        "insurance": _insurance(block),
        "application_date": iso_date(block, "ApplyDate"),
        "decision_date": iso_date(block, "DecideDate"),
        "decision": decision,
        "issuing_office": {"name": block.text("IssueOrgName"),
                           "division_code": block.matching("IssueDivCode", "[0-9]{6}", "6 digits")},
    }
    if block.has("DeferAmt"):
        conclusion["deferred_amount_fen"] = fen_from_amount(block, "DeferAmt")
    return conclusion


def _insurance(block: Block) -> list[dict[str, Any]]:
    details = block.children("Detail")
    count = block.matching("DetailNum", "[1-3]", "1, 2 or 3")
    if int(count) != len(details):
        block.invalid("DetailNum", f"says {count} but the message holds {len(details)} Detail")
    items = []
    types = inverse(INSURANCE_CODES)
    for i, element in enumerate(details):
        detail = Block(element, f"{_PATH}/Detail[{i + 1}]", optional=("DeferAmt",),
                       required=("InsureType", "FeeStartMonth", "FeeEndMonth", "DeferEndDate"))
        item: dict[str, Any] = {
            "type": detail.coded("InsureType", types),
            "fee_period_from": iso_month(detail, "FeeStartMonth"),
            "fee_period_to": iso_month(detail, "FeeEndMonth"),
            "deferred_until": iso_date(detail, "DeferEndDate"),
        }
        if detail.has("DeferAmt"):
            item["deferred_amount_fen"] = fen_from_amount(detail, "DeferAmt")
        items.append(item)
    return items
