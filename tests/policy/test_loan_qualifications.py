"""POST /v1/loan-qualifications (86号-16): HR is asked, the rule set decides, the record is signed."""

from __future__ import annotations

import requests

from tests.support.ids import credit_code
from tests.support.samples import APPLICANT
from tests.support.samples import individual_loan as individual
from tests.support.world import citizen_id, hr_answers


def test_a_registered_unemployed_person_qualifies(world, clock, container):
    world.hr_facts[APPLICANT] = ["registered_unemployed"]
    with hr_answers(world, clock):
        response = world.bank.post("/v1/loan-qualifications", json=individual())
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["qualified"] is True
    assert record["max_amount_fen"] == 20_000_000 and record["max_term_months"] == 36
    assert record["extension_allowed"] is True and record["rule_set_version"] == "loan-2022.1"
    assert record["groups_found"] == [{"citizen_id": APPLICANT, "groups": ["registered_unemployed"]}]
    assert record["hr_partner_id"] == world.hr.id  # found for 150502 through its prefecture 150500
    assert world.hr_queries[0]["citizen_ids"] == [APPLICANT]
    assert response.headers["signature"].startswith("govgate=")  # the record is the signed receipt
    with container.uow() as uow:
        assert uow.qualifications.get(record["id"]).qualified


def test_small_loans_need_no_counter_guarantee(world, clock):
    world.hr_facts[APPLICANT] = ["college_graduate"]
    with hr_answers(world, clock):
        response = world.bank.post("/v1/loan-qualifications", json=individual(requested_amount_fen=10_000_000))
    assert response.json()["counter_guarantee_exempt"] is True
    assert response.json()["counter_guarantee_ground"] == "small_loan"


def test_someone_hr_does_not_know_is_refused_with_reasons(world, clock):
    with hr_answers(world, clock):
        response = world.bank.post("/v1/loan-qualifications", json=individual())
    assert response.status_code == 201
    record = response.json()
    assert record["qualified"] is False and record["max_amount_fen"] == 0
    assert [r["reason"] for r in record["refusals"]] == ["no_eligible_group"]
    assert record["refusals"][0]["measure"] == "86号-16"


def test_partnership_cap_grows_by_at_most_ten_percent(world, clock):
    partners = [citizen_id(2), citizen_id(3)]
    for pid in [APPLICANT, *partners]:
        world.hr_facts[pid] = ["veteran"]
    body = individual(loan_type="partnership", requested_amount_fen=60_000_000,
                      partners=[{"citizen_id": p, "name": "合伙人"} for p in partners])
    with hr_answers(world, clock):
        record = world.bank.post("/v1/loan-qualifications", json=body).json()
    assert record["qualified"] is True
    assert record["max_amount_fen"] == 3 * 20_000_000 * 110 // 100


def test_enterprise_hiring_threshold(world, clock):
    hires = [{"citizen_id": citizen_id(10 + i), "hired_on": "2026-01-15", "contract_months": 12} for i in range(3)]
    for hire in hires:
        world.hr_facts[hire["citizen_id"]] = ["college_graduate"]
    body = individual(loan_type="enterprise", requested_amount_fen=200_000_000, requested_term_months=24,
                      enterprise={"credit_code": credit_code(900), "name": "通辽某科技有限公司",
                                  "size_class": "small", "current_staff": 20, "hires": hires,
                                  "wage_arrears": False, "premium_arrears": False})
    with hr_answers(world, clock):
        qualified = world.bank.post("/v1/loan-qualifications", json=body).json()
    assert qualified["qualified"] is True and qualified["qualifying_hires"] == 3  # 3/20 = 15 %
    body["enterprise"]["wage_arrears"] = True
    with hr_answers(world, clock):
        refused = world.bank.post("/v1/loan-qualifications", json=body).json()
    assert refused["qualified"] is False and "wage_arrears" in [r["reason"] for r in refused["refusals"]]


def test_bad_citizen_id_is_pointed_at(world, clock):
    bad = APPLICANT[:-1] + ("0" if APPLICANT[-1] != "0" else "1")
    response = world.bank.post("/v1/loan-qualifications", json=individual(
        applicant={"citizen_id": bad, "name": "张三"}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/body/applicant/citizen_id"


def test_hr_unreachable_is_503_never_a_guess(world, clock, container):
    with hr_answers(world, clock, exception=requests.ConnectionError("refused")):
        response = world.bank.post("/v1/loan-qualifications", json=individual())
    assert response.status_code == 503
    assert response.json()["reason"] == "hr_unreachable" and int(response.headers["retry-after"]) > 0
    with container.uow() as uow:
        assert uow.message_log.count() == 0


def test_hr_too_slow_is_504(world, clock):
    with hr_answers(world, clock, exception=requests.ReadTimeout("slow")):
        response = world.bank.post("/v1/loan-qualifications", json=individual())
    assert response.status_code == 504
    assert response.json()["reason"] == "hr_timeout"


def test_hr_answer_signed_by_someone_else_is_not_trusted(world, clock):
    world.partners["hr"], real = world.tax, world.hr  # sign the answer with the tax partner's key
    try:
        world.tax.partner["endpoint_url"] = real.partner["endpoint_url"]
        with hr_answers(world, clock):
            response = world.bank.post("/v1/loan-qualifications", json=individual())
    finally:
        world.partners["hr"] = real
    assert response.status_code == 503
    assert response.json()["reason"] == "hr_answer_invalid"


def test_no_hr_partner_for_the_division(world):
    response = world.bank.post("/v1/loan-qualifications", json=individual(business_division_code="110105"))
    assert response.status_code == 422
    assert response.json()["reason"] == "no_recipient"


def test_a_business_in_an_unknown_division_is_refused_before_hr_is_asked(world, clock):
    with hr_answers(world, clock):
        response = world.bank.post("/v1/loan-qualifications", json=individual(business_division_code="159999"))
    assert response.status_code == 422, response.text
    assert response.json()["reason"] == "validation_failed"  # not no_recipient: the code is unknown
    assert response.json()["errors"][0]["pointer"] == "/body/business_division_code"
    assert "GB/T 2260" in response.json()["errors"][0]["detail"]
    assert world.hr_queries == []
