"""Loan qualification (资格审核), 86号-16: HR's facts + the versioned rules → a signed record."""

from __future__ import annotations

import datetime as dt

from ...domain.identifiers import validate_citizen_id, validate_credit_code, validate_division_code
from ...domain.partners import Partner, Role
from ...observability.spans import NO_TRACING, Tracer
from ...policy.borrowers import ExemptionGround, LoanType
from ...policy.industries import SizeClass
from ...policy.loan_facts import EnterpriseEmployment, HrFindings, LoanRequest, NewHire
from ...policy.loans import qualify
from ...policy.rulesets import LoanRuleBook
from ...queries.ports import HrFactsSource
from ...storage.policy_repositories import StoredMessage, StoredQualification
from .common import Checks, Outcome, china_today, finding_json
from .recipients import nearest

KIND = "loan_qualification"


def _people(body: dict, checks: Checks) -> tuple[list[str], list[str]]:
    """(applicant ids the rules look at, every id HR is asked about), all checked."""
    loan_type = LoanType(body["loan_type"])
    applicant = checks.identifier(validate_citizen_id, body["applicant"]["citizen_id"], "/applicant/citizen_id")
    partners = [checks.identifier(validate_citizen_id, p["citizen_id"], f"/partners/{i}/citizen_id")
                for i, p in enumerate(body.get("partners", []))]
    hires = [checks.identifier(validate_citizen_id, h["citizen_id"], f"/enterprise/hires/{i}/citizen_id")
             for i, h in enumerate((body.get("enterprise") or {}).get("hires", []))]
    if loan_type is LoanType.PARTNERSHIP and not partners:
        checks.fail("/partners", "a partnership loan lists the other partners")
    if loan_type is LoanType.ENTERPRISE and not body.get("enterprise"):
        checks.fail("/enterprise", "an enterprise loan describes the enterprise")
    if loan_type is not LoanType.ENTERPRISE and body.get("enterprise"):
        checks.fail("/enterprise", "only enterprise loans describe an enterprise")
    ids = lambda values: [v.number for v in values if v is not None]
    borrowers = [] if loan_type is LoanType.ENTERPRISE else ids([applicant, *partners])
    return borrowers, list(dict.fromkeys(ids([applicant, *partners, *hires])))


def _hire(hire: dict, groups: dict) -> NewHire:
    person = validate_citizen_id(hire["citizen_id"]).number  # checked already: normalises x → X
    return NewHire(person, dt.date.fromisoformat(hire["hired_on"]), hire["contract_months"],
                   groups.get(person, frozenset()))


def decide(uow_factory, sender: Partner, body: dict, hr_source: HrFactsSource, rules: LoanRuleBook,
           message_id: str, now: dt.datetime, *, tracer: Tracer = NO_TRACING) -> Outcome:
    """Takes a unit-of-work factory, not a unit of work: no transaction stays open while HR is asked."""
    checks = Checks()
    borrowers, asked = _people(body, checks)
    enterprise = body.get("enterprise")
    credit_code = None
    if enterprise:
        credit_code = checks.identifier(validate_credit_code, enterprise["credit_code"], "/enterprise/credit_code")
    division = checks.identifier(validate_division_code, body["business_division_code"], "/business_division_code")
    checks.raise_if_any("the loan qualification request is not valid")

    with uow_factory(readonly=True) as uow:
        hr = nearest(uow, Role.HR, division, "/business_division_code")
    facts = hr_source.person_facts(hr, asked, credit_code)  # Unavailable → 503/504, nothing guessed
    groups = {pid: facts.persons[pid].groups for pid in asked if pid in facts.persons}
    employment = None
    if enterprise:
        premium_arrears = enterprise["premium_arrears"]
        if facts.enterprise is not None and facts.enterprise.premium_arrears is not None:
            premium_arrears = premium_arrears or facts.enterprise.premium_arrears  # HR's record counts
        employment = EnterpriseEmployment(
            size_class=SizeClass(enterprise["size_class"]),
            current_staff=enterprise["current_staff"],
            new_hires=tuple(_hire(h, groups) for h in enterprise["hires"]),
            wage_arrears=enterprise["wage_arrears"],
            premium_arrears=premium_arrears,
            serious_credit_violation=enterprise.get("serious_credit_violation", False),
        )
    request = LoanRequest(
        loan_type=LoanType(body["loan_type"]),
        requested_amount_fen=body["requested_amount_fen"],
        requested_term_months=body["requested_term_months"],
        applicant_ids=tuple(borrowers),
        exemption_grounds_claimed=frozenset(ExemptionGround(g) for g in body.get("exemption_grounds_claimed", [])),
    )
    with tracer.span("govgate.rules", {"govgate.policy.measure": "86号-16"}) as span:
        decision = qualify(request, HrFindings(groups, employment), rules, china_today(now))
        span.set_attribute("govgate.rules.version", decision.rule_set_version)
    record = {
        "id": message_id,
        "message_id": message_id,
        "qualified": decision.qualified,
        "loan_type": decision.loan_type.value,
        "groups_found": [{"citizen_id": g.person_id, "groups": sorted(x.value for x in g.groups)}
                         for g in decision.groups_found],
        "qualifying_hires": decision.qualifying_hires,
        "max_amount_fen": decision.max_amount_fen,
        "max_term_months": decision.max_term_months,
        "extension_allowed": decision.extension_allowed,
        "extension_max_months": decision.extension_max_months,
        "counter_guarantee_exempt": decision.counter_guarantee_exempt,
        "counter_guarantee_ground": decision.counter_guarantee_ground.value if decision.counter_guarantee_ground else None,
        "refusals": [finding_json(f) for f in decision.refusals],
        "notices": [finding_json(f) for f in decision.notices],
        "rule_set_version": decision.rule_set_version,
        "decided_on": decision.decided_on.isoformat(),
        "valid_until": decision.valid_until.isoformat(),
        "hr_partner_id": hr.id,
    }
    message = StoredMessage(message_id, KIND, sender.id, division, None, body, now)
    stored = StoredQualification(message_id, message_id, sender.id, division, decision.qualified, record,
                                 record["valid_until"], now)
    return Outcome(message, [], answer=record, extra_writes=[lambda u: u.qualifications.add(stored)])
