"""The entrepreneurship guarantee loan qualification engine (创业担保贷款资格审核, 86号-16).

Readings of the text, as implemented:

- Partnerships: "对符合条件的个人创业担保贷款借款人合伙创业的，可根据合伙创业人数适当提高
  贷款额度，最多不超过符合条件个人贷款总额度的10%". The *increase* is at most 10% of the
  combined caps of the qualifying partners, so the cap is n × 200,000 × 1.10 CNY for n
  qualifying partners (3 partners: 660,000). Partners HR finds in no eligible group add
  nothing (a notice says so); with none qualifying the partnership is refused.
- Enterprises: "当年新招用符合创业担保贷款申请条件的人数达到企业现有在职职工人数15%（超过
  100人的企业达到8%），并与其签订1年以上劳动合同": a hire counts when hired in the decision's
  calendar year, in an eligible group, on a contract of ≥ 12 months; the share is compared
  exactly in integers (3 of 20 = 15% passes, 8 of 101 passes 8%).
- Counter-guarantee: "10万元及以下的个人创业担保贷款" waives it for individual and
  partnership loans whose amount — the request, bounded by the cap — is ≤ 10,000,000 fen.
  Other grounds are claimed by the applicant and verified by the guarantee fund.
- A request above the amount or term cap is not refused: the decision states the caps and a
  notice; only eligibility failures refuse. The bank lends within the caps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gateway.errors import FieldError, InvalidInput
from gateway.policy.borrowers import BorrowerGroup, ExemptionGround, LoanType
from gateway.policy.findings import Finding
from gateway.policy.loan_facts import (
    EnterpriseEmployment,
    HrFindings,
    LoanRequest,
    PersonGroups,
    QualificationDecision,
)
from gateway.policy.rulesets import LoanRuleBook, LoanRuleSet


@dataclass
class _Eligibility:
    groups_found: list[PersonGroups] = field(default_factory=list)
    refusals: list[Finding] = field(default_factory=list)
    notices: list[Finding] = field(default_factory=list)
    qualifying_hires: int | None = None
    max_amount_fen: int = 0


def qualify(
    request: LoanRequest, findings: HrFindings, book: LoanRuleBook, decided_on: dt.date
) -> QualificationDecision:
    """Decide under the rule set in force on ``decided_on``. Raises ``NoRuleSetEffective``
    when there is none and ``InvalidInput`` for a malformed request."""
    return qualify_under(book.effective_on(decided_on), request, findings, decided_on)


def qualify_under(
    rules: LoanRuleSet, request: LoanRequest, findings: HrFindings, decided_on: dt.date
) -> QualificationDecision:
    _validate(request, findings)
    if request.loan_type is LoanType.ENTERPRISE:
        assert findings.enterprise is not None
        found = _enterprise(rules, findings.enterprise, decided_on)
        term, extension = rules.enterprise.max_term_months, 0
    else:
        found = _individuals(rules, request, findings)
        term, extension = rules.individual.max_term_months, rules.individual.extension_months
    qualified = not found.refusals
    if not qualified:
        found.max_amount_fen, term, extension = 0, 0, 0
    else:
        found.notices.extend(_above_caps(rules, request, found.max_amount_fen, term))
    ground = _exemption(rules, request, found) if qualified else None
    return QualificationDecision(
        qualified=qualified,
        loan_type=request.loan_type,
        groups_found=tuple(found.groups_found),
        qualifying_hires=found.qualifying_hires,
        max_amount_fen=found.max_amount_fen,
        max_term_months=term,
        extension_allowed=extension > 0,
        extension_max_months=extension,
        counter_guarantee_exempt=ground is not None,
        counter_guarantee_ground=ground,
        refusals=tuple(found.refusals),
        notices=tuple(found.notices),
        rule_set_version=rules.version,
        decided_on=decided_on,
        valid_until=decided_on + dt.timedelta(days=rules.decision_validity_days),
    )


def partnership_cap_fen(rules: LoanRuleSet, qualifying_partners: int) -> int:
    """Combined individual caps plus at most ``uplift_percent`` of them (floored to a fen)."""
    combined = qualifying_partners * rules.individual.max_amount_fen
    return combined + combined * rules.partnership.uplift_percent // 100


def hiring_threshold_met(rules: LoanRuleSet, qualifying_hires: int, current_staff: int) -> bool:
    hiring = rules.enterprise.hiring
    percent = (
        hiring.large_staff_percent if current_staff > hiring.large_staff_above else hiring.percent
    )
    return qualifying_hires * 100 >= percent * current_staff


def _individuals(rules: LoanRuleSet, request: LoanRequest, findings: HrFindings) -> _Eligibility:
    found, measure = _Eligibility(), rules.individual.measure
    # A partner outside every group only adds nothing to the cap; a lone borrower is refused.
    misses = found.notices if request.loan_type is LoanType.PARTNERSHIP else found.refusals
    for person_id in request.applicant_ids:
        groups = _eligible(rules, findings.groups_by_person.get(person_id, frozenset()))
        found.groups_found.append(PersonGroups(person_id, groups))
        if not groups:
            misses.append(
                Finding(
                    "no_eligible_group",
                    measure,
                    "HR found the person in none of the eligible groups",
                    person_id,
                )
            )
    qualifying = sum(1 for p in found.groups_found if p.groups)
    if request.loan_type is LoanType.INDIVIDUAL:
        found.max_amount_fen = rules.individual.max_amount_fen
    elif qualifying:
        found.max_amount_fen = partnership_cap_fen(rules, qualifying)
    else:
        found.refusals.append(
            Finding(
                "no_qualifying_partner",
                rules.partnership.measure,
                "no partner is in an eligible group",
            )
        )
    return found


def _enterprise(
    rules: LoanRuleSet, employment: EnterpriseEmployment, decided_on: dt.date
) -> _Eligibility:
    found, enterprise = _Eligibility(), rules.enterprise
    if employment.size_class not in enterprise.size_classes:
        found.refusals.append(
            Finding(
                "enterprise_not_small_or_micro",
                enterprise.measure,
                f"size class {employment.size_class.value} is not eligible",
            )
        )
    qualifying = 0
    for hire in employment.new_hires:
        groups = _eligible(rules, hire.groups)
        found.groups_found.append(PersonGroups(hire.person_id, groups))
        hired_this_year = hire.hired_on.year == decided_on.year
        long_contract = hire.contract_months >= enterprise.hiring.min_contract_months
        if groups and hired_this_year and long_contract:
            qualifying += 1
    found.qualifying_hires = qualifying
    if not hiring_threshold_met(rules, qualifying, employment.current_staff):
        found.refusals.append(
            Finding(
                "hiring_share_below_threshold",
                enterprise.measure,
                f"{qualifying} qualifying new hires this year for {employment.current_staff} staff",
            )
        )
    for flag, reason, detail in (
        (employment.wage_arrears, "wage_arrears", "the enterprise owes wages"),
        (
            employment.premium_arrears,
            "premium_arrears",
            "the enterprise owes social-insurance premiums",
        ),
        (
            employment.serious_credit_violation,
            "serious_credit_violation",
            "the enterprise has a serious credit violation on record",
        ),
    ):
        if flag:
            found.refusals.append(Finding(reason, enterprise.measure, detail))
    found.max_amount_fen = enterprise.max_amount_fen
    return found


def _eligible(rules: LoanRuleSet, groups: frozenset[BorrowerGroup]) -> frozenset[BorrowerGroup]:
    return frozenset(groups) & rules.individual.eligible_groups


def _above_caps(
    rules: LoanRuleSet, request: LoanRequest, max_amount: int, term: int
) -> list[Finding]:
    enterprise = request.loan_type is LoanType.ENTERPRISE
    measure = rules.enterprise.measure if enterprise else rules.individual.measure
    notices = []
    if request.requested_amount_fen > max_amount:
        notices.append(
            Finding(
                "requested_amount_above_cap",
                measure,
                f"requested {request.requested_amount_fen} fen, cap {max_amount} fen",
            )
        )
    if request.requested_term_months > term:
        notices.append(
            Finding(
                "requested_term_above_cap",
                measure,
                f"requested {request.requested_term_months} months, cap {term} months",
            )
        )
    return notices


def _exemption(
    rules: LoanRuleSet, request: LoanRequest, found: _Eligibility
) -> ExemptionGround | None:
    cg = rules.counter_guarantee
    amount = min(request.requested_amount_fen, found.max_amount_fen)
    if request.loan_type in cg.small_loan_types and amount <= cg.small_loan_max_fen:
        return ExemptionGround.SMALL_LOAN
    chosen = None
    for ground in sorted(request.exemption_grounds_claimed, key=list(ExemptionGround).index):
        if request.loan_type in cg.grounds.get(ground, frozenset()):
            chosen = chosen or ground
        else:
            found.notices.append(
                Finding(
                    "exemption_ground_not_applicable",
                    cg.measure,
                    f"{ground.value} does not apply to this loan",
                    ground.value,
                )
            )
    return chosen


def _validate(request: LoanRequest, findings: HrFindings) -> None:
    errors = []
    if request.requested_amount_fen < 1:
        errors.append(FieldError("/requested_amount_fen", "must be a positive number of fen"))
    if request.requested_term_months < 1:
        errors.append(FieldError("/requested_term_months", "must be at least 1 month"))
    ids = request.applicant_ids
    if len(set(ids)) != len(ids):
        errors.append(FieldError("/applicant_ids", "lists a person twice"))
    if request.loan_type is LoanType.INDIVIDUAL and len(ids) != 1:
        errors.append(FieldError("/applicant_ids", "an individual loan has exactly one applicant"))
    if request.loan_type is LoanType.PARTNERSHIP and len(ids) < 2:
        errors.append(FieldError("/applicant_ids", "a partnership has at least two partners"))
    if request.loan_type is LoanType.ENTERPRISE:
        if findings.enterprise is None:
            errors.append(
                FieldError("/enterprise", "HR findings about the enterprise are required")
            )
        elif findings.enterprise.current_staff < 1:
            errors.append(FieldError("/enterprise/current_staff", "must be at least 1"))
    if errors:
        raise InvalidInput(
            "the loan request is malformed", reason="invalid_loan_request", errors=errors
        )
