"""The loan-qualification engine (86号-16)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.errors import InvalidInput
from gateway.policy.borrowers import BorrowerGroup, ExemptionGround, LoanType
from gateway.policy.errors import NoRuleSetEffective
from gateway.policy.industries import SizeClass
from gateway.policy.loan_facts import EnterpriseEmployment, HrFindings, LoanRequest, NewHire
from gateway.policy.loans import partnership_cap_fen, qualify
from gateway.policy.rulesets import load_rule_book

D = dt.date
DECIDED = D(2022, 8, 1)
CNY = 100  # fen
BOOK = load_rule_book()
RULES = BOOK.effective_on(DECIDED)
GRADUATE = frozenset({BorrowerGroup.COLLEGE_GRADUATE})


def individual(amount=150_000 * CNY, term=36, grounds=(), person="p1") -> LoanRequest:
    return LoanRequest(LoanType.INDIVIDUAL, amount, term, (person,), frozenset(grounds))


def hr(**groups) -> HrFindings:
    return HrFindings({person: frozenset(g) for person, g in groups.items()})


def enterprise_facts(
    staff=20,
    hires=3,
    contract=12,
    size=SizeClass.SMALL,
    hired_on=D(2022, 3, 1),
    wages=False,
    premiums=False,
    credit=False,
) -> HrFindings:
    new_hires = tuple(NewHire(f"h{i}", hired_on, contract, GRADUATE) for i in range(hires))
    return HrFindings(
        enterprise=EnterpriseEmployment(size, staff, new_hires, wages, premiums, credit)
    )


def enterprise_loan(amount=1_000_000 * CNY, term=24, grounds=()) -> LoanRequest:
    return LoanRequest(LoanType.ENTERPRISE, amount, term, (), frozenset(grounds))


def refusal_reasons(decision) -> set[str]:
    return {f.reason for f in decision.refusals}


# --- individuals -----------------------------------------------------------------------------


def test_eligible_individual_gets_caps_and_extension():
    decision = qualify(individual(), hr(p1={BorrowerGroup.VETERAN}), BOOK, DECIDED)
    assert decision.qualified and not decision.refusals
    assert decision.max_amount_fen == 20_000_000 and decision.max_term_months == 36
    assert decision.extension_allowed and decision.extension_max_months == 12
    assert decision.groups_found[0].groups == {BorrowerGroup.VETERAN}
    assert decision.rule_set_version == "loan-2022.1"
    assert decision.valid_until == DECIDED + dt.timedelta(days=RULES.decision_validity_days)
    assert not decision.counter_guarantee_exempt  # 150,000 CNY > 100,000


def test_person_without_group_is_refused_with_citation():
    decision = qualify(individual(), hr(), BOOK, DECIDED)
    assert not decision.qualified
    [refusal] = decision.refusals
    assert (refusal.reason, refusal.measure, refusal.subject) == (
        "no_eligible_group",
        "86号-16",
        "p1",
    )
    assert (decision.max_amount_fen, decision.max_term_months, decision.extension_allowed) == (
        0,
        0,
        False,
    )
    assert not decision.counter_guarantee_exempt


def test_request_above_caps_is_a_notice_not_a_refusal():
    decision = qualify(individual(amount=250_000 * CNY, term=48), hr(p1=GRADUATE), BOOK, DECIDED)
    assert decision.qualified
    assert {f.reason for f in decision.notices} == {
        "requested_amount_above_cap",
        "requested_term_above_cap",
    }


@pytest.mark.parametrize(("amount", "exempt"), [(10_000_000, True), (10_000_001, False)])
def test_small_loan_exemption_boundary(amount, exempt):
    decision = qualify(individual(amount=amount), hr(p1=GRADUATE), BOOK, DECIDED)
    assert decision.counter_guarantee_exempt is exempt
    assert decision.counter_guarantee_ground == (ExemptionGround.SMALL_LOAN if exempt else None)


def test_claimed_ground_exempts_larger_loan():
    decision = qualify(
        individual(grounds={ExemptionGround.CITY_LEVEL_HONOUR}), hr(p1=GRADUATE), BOOK, DECIDED
    )
    assert decision.counter_guarantee_ground is ExemptionGround.CITY_LEVEL_HONOUR


def test_ground_not_applicable_to_enterprise_is_noticed():
    decision = qualify(
        enterprise_loan(grounds={ExemptionGround.STABLE_SECOND_TIME_FOUNDER}),
        enterprise_facts(),
        BOOK,
        DECIDED,
    )
    assert decision.qualified and not decision.counter_guarantee_exempt
    assert [f.reason for f in decision.notices] == ["exemption_ground_not_applicable"]


def test_amount_exemption_is_for_individual_loans_only():
    decision = qualify(enterprise_loan(amount=50_000 * CNY), enterprise_facts(), BOOK, DECIDED)
    assert decision.qualified and not decision.counter_guarantee_exempt


# --- partnerships ----------------------------------------------------------------------------


def partnership(n: int, amount=500_000 * CNY) -> LoanRequest:
    return LoanRequest(LoanType.PARTNERSHIP, amount, 36, tuple(f"p{i}" for i in range(n)))


def test_partnership_cap_is_combined_caps_plus_ten_percent():
    decision = qualify(partnership(3), hr(p0=GRADUATE, p1=GRADUATE, p2=GRADUATE), BOOK, DECIDED)
    assert decision.max_amount_fen == 660_000 * CNY and decision.extension_allowed


def test_ineligible_partner_adds_nothing_and_is_noticed():
    decision = qualify(partnership(3, 400_000 * CNY), hr(p0=GRADUATE, p2=GRADUATE), BOOK, DECIDED)
    assert decision.qualified and decision.max_amount_fen == 440_000 * CNY
    assert [(f.reason, f.subject) for f in decision.notices] == [("no_eligible_group", "p1")]


def test_partnership_with_no_eligible_partner_is_refused():
    decision = qualify(partnership(2), hr(), BOOK, DECIDED)
    assert refusal_reasons(decision) == {"no_qualifying_partner"}


@given(n=st.integers(min_value=1, max_value=50))
def test_partnership_cap_grows_but_never_beyond_ten_percent(n):
    cap = partnership_cap_fen(RULES, n)
    combined = n * RULES.individual.max_amount_fen
    assert combined < cap <= combined * 110 // 100
    assert partnership_cap_fen(RULES, n + 1) > cap


# --- enterprises -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("staff", "hires", "qualified"),
    [
        (20, 3, True),
        (20, 2, False),  # 15% exactly / below
        (100, 15, True),
        (100, 14, False),  # 100 staff is not "超过100人": still 15%
        (101, 9, True),
        (101, 8, False),  # 8% of 101 = 8.08: 9 needed
        (200, 16, True),
        (200, 15, False),
    ],  # 8% exactly / below
)
def test_hiring_threshold_boundaries(staff, hires, qualified):
    decision = qualify(enterprise_loan(), enterprise_facts(staff=staff, hires=hires), BOOK, DECIDED)
    assert decision.qualified is qualified
    assert decision.qualifying_hires == hires
    if not qualified:
        assert refusal_reasons(decision) == {"hiring_share_below_threshold"}


@pytest.mark.parametrize(("contract", "qualified"), [(11, False), (12, True)])
def test_contract_of_at_least_a_year(contract, qualified):
    decision = qualify(enterprise_loan(), enterprise_facts(contract=contract), BOOK, DECIDED)
    assert decision.qualified is qualified


def test_hires_of_previous_years_and_without_group_do_not_count():
    last_year = qualify(
        enterprise_loan(), enterprise_facts(hired_on=D(2021, 12, 31)), BOOK, DECIDED
    )
    assert last_year.qualifying_hires == 0 and not last_year.qualified
    facts = enterprise_facts()
    plain = NewHire("x", D(2022, 3, 1), 24, frozenset())
    staff = EnterpriseEmployment(
        SizeClass.SMALL, 20, facts.enterprise.new_hires[:2] + (plain,), False, False, False
    )
    assert (
        qualify(enterprise_loan(), HrFindings(enterprise=staff), BOOK, DECIDED).qualifying_hires
        == 2
    )


@pytest.mark.parametrize(
    ("flag", "reason"),
    [
        ("wages", "wage_arrears"),
        ("premiums", "premium_arrears"),
        ("credit", "serious_credit_violation"),
    ],
)
def test_arrears_and_credit_flags_refuse(flag, reason):
    decision = qualify(enterprise_loan(), enterprise_facts(**{flag: True}), BOOK, DECIDED)
    assert refusal_reasons(decision) == {reason}


def test_medium_enterprise_is_refused_and_all_reasons_are_listed():
    decision = qualify(
        enterprise_loan(),
        enterprise_facts(size=SizeClass.MEDIUM, hires=0, wages=True),
        BOOK,
        DECIDED,
    )
    assert refusal_reasons(decision) == {
        "enterprise_not_small_or_micro",
        "hiring_share_below_threshold",
        "wage_arrears",
    }


def test_qualified_enterprise_caps():
    decision = qualify(enterprise_loan(), enterprise_facts(), BOOK, DECIDED)
    assert (decision.max_amount_fen, decision.max_term_months) == (300_000_000, 24)
    assert not decision.extension_allowed


# --- malformed requests and rule-set selection ---------------------------------------------


@pytest.mark.parametrize(
    ("request_", "findings", "pointer"),
    [
        (individual(amount=0), hr(p1=GRADUATE), "/requested_amount_fen"),
        (individual(term=0), hr(p1=GRADUATE), "/requested_term_months"),
        (LoanRequest(LoanType.INDIVIDUAL, 1, 1, ("a", "b")), hr(), "/applicant_ids"),
        (partnership(1), hr(), "/applicant_ids"),
        (LoanRequest(LoanType.PARTNERSHIP, 1, 1, ("a", "a")), hr(), "/applicant_ids"),
        (enterprise_loan(), hr(), "/enterprise"),
        (enterprise_loan(), enterprise_facts(staff=0, hires=0), "/enterprise/current_staff"),
    ],
)
def test_malformed_requests_raise_invalid_input(request_, findings, pointer):
    with pytest.raises(InvalidInput) as caught:
        qualify(request_, findings, BOOK, DECIDED)
    assert pointer in [e.pointer for e in caught.value.errors]


def test_no_rule_set_in_force():
    with pytest.raises(NoRuleSetEffective):
        qualify(individual(), hr(p1=GRADUATE), BOOK, D(2021, 1, 1))


# --- properties ------------------------------------------------------------------------------

groups = st.frozensets(st.sampled_from(BorrowerGroup))
grounds = st.frozensets(st.sampled_from(ExemptionGround))
amounts = st.integers(min_value=1, max_value=10_000_000 * CNY)
terms = st.integers(min_value=1, max_value=120)


@st.composite
def person_loans(draw):
    loan_type = draw(st.sampled_from([LoanType.INDIVIDUAL, LoanType.PARTNERSHIP]))
    n = 1 if loan_type is LoanType.INDIVIDUAL else draw(st.integers(2, 8))
    ids = tuple(f"p{i}" for i in range(n))
    findings = HrFindings({pid: draw(groups) for pid in ids})
    return LoanRequest(loan_type, draw(amounts), draw(terms), ids, draw(grounds)), findings


@st.composite
def enterprise_loans(draw):
    staff = draw(st.integers(1, 400))
    hires = tuple(
        NewHire(
            f"h{i}",
            draw(st.dates(D(2021, 6, 1), D(2022, 12, 31))),
            draw(st.integers(1, 36)),
            draw(groups),
        )
        for i in range(draw(st.integers(0, 40)))
    )
    facts = EnterpriseEmployment(
        draw(st.sampled_from(SizeClass)),
        staff,
        hires,
        draw(st.booleans()),
        draw(st.booleans()),
        draw(st.booleans()),
    )
    request = LoanRequest(LoanType.ENTERPRISE, draw(amounts), draw(terms), (), draw(grounds))
    return request, HrFindings(enterprise=facts)


@given(case=st.one_of(person_loans(), enterprise_loans()))
def test_caps_are_never_exceeded(case):
    request, findings = case
    decision = qualify(request, findings, BOOK, DECIDED)
    if request.loan_type is LoanType.ENTERPRISE:
        amount_cap, term_cap = RULES.enterprise.max_amount_fen, RULES.enterprise.max_term_months
        assert not decision.extension_allowed
    else:
        qualifying = sum(1 for p in request.applicant_ids if findings.groups_by_person[p])
        amount_cap = (
            RULES.individual.max_amount_fen
            if request.loan_type is LoanType.INDIVIDUAL
            else qualifying * RULES.individual.max_amount_fen * 110 // 100
        )
        term_cap = RULES.individual.max_term_months
        assert decision.extension_max_months <= RULES.individual.extension_months
    assert 0 <= decision.max_amount_fen <= amount_cap
    assert 0 <= decision.max_term_months <= term_cap
    assert decision.qualified == (not decision.refusals)
    if decision.counter_guarantee_ground is ExemptionGround.SMALL_LOAN:
        assert min(request.requested_amount_fen, decision.max_amount_fen) <= 10_000_000


@given(case=person_loans())
def test_nobody_without_an_eligible_group_qualifies(case):
    request, findings = case
    decision = qualify(request, findings, BOOK, DECIDED)
    anyone_eligible = any(findings.groups_by_person[p] for p in request.applicant_ids)
    everyone_eligible = all(findings.groups_by_person[p] for p in request.applicant_ids)
    if request.loan_type is LoanType.INDIVIDUAL:
        assert decision.qualified == everyone_eligible
    else:
        assert decision.qualified == anyone_eligible


@given(case=enterprise_loans())
def test_enterprise_qualifies_only_when_every_condition_holds(case):
    request, findings = case
    facts = findings.enterprise
    decision = qualify(request, findings, BOOK, DECIDED)
    counted = sum(
        1
        for h in facts.new_hires
        if h.groups and h.contract_months >= 12 and h.hired_on.year == 2022
    )
    percent = 8 if facts.current_staff > 100 else 15
    expected = (
        facts.size_class in {SizeClass.SMALL, SizeClass.MICRO}
        and counted * 100 >= percent * facts.current_staff
        and not (facts.wage_arrears or facts.premium_arrears or facts.serious_credit_violation)
    )
    assert decision.qualified == expected
    assert decision.qualifying_hires == counted
