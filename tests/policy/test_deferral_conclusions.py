"""POST /v1/deferral-conclusions: 86号-1..3 limits, the 7-working-day count, copies to tax and finance."""

from __future__ import annotations

import pytest

from tests.support.ids import credit_code
from tests.support.samples import deferral_conclusion as conclusion


def test_accepted_and_copied_to_tax_and_finance(world, container):
    response = world.hr.post("/v1/deferral-conclusions", json=conclusion())
    assert response.status_code == 202, response.text
    answer = response.json()
    assert sorted(answer["recipients"]) == sorted([world.tax.id, world.finance.id])
    assert answer["status_url"] == f"/v1/messages/{answer['message_id']}"
    # 2022-09-29 → 2022-10-13 across National Day: 10-08 and 10-09 were working weekend days.
    assert answer["working_days"] == 7 and answer["late"] is False and answer["due_on"] == "2022-10-13"
    with container.uow() as uow:
        assert sorted(uow.messages.recipients(answer["message_id"])) == sorted(answer["recipients"])
        assert uow.message_log.by_message_id(answer["message_id"])  # the evidence entry


def test_a_late_decision_is_accepted_but_flagged(world):
    response = world.hr.post("/v1/deferral-conclusions", json=conclusion(decision_date="2022-10-14"))
    assert response.status_code == 202
    assert response.json()["working_days"] == 8 and response.json()["late"] is True


def test_limits_per_insurance_type(world):
    body = conclusion()
    body["insurance"][1]["deferred_until"] = "2023-12-31"  # unemployment: ≤ 1 year for catering
    response = world.hr.post("/v1/deferral-conclusions", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["reason"] == "policy_violation"
    assert problem["errors"][0]["pointer"] == "/body/insurance/1/deferred_until"
    assert "86号-3" in problem["errors"][0]["detail"]
    assert problem["findings"][0]["measure"] == "86号-3"


def test_a_large_firm_outside_the_industries_cannot_defer(world):
    body = conclusion()
    body["enterprise"].update(industry="other", size_class="large")
    response = world.hr.post("/v1/deferral-conclusions", json=body)
    assert response.status_code == 422
    assert {f["reason"] for f in response.json()["findings"]} == {"insurance_not_deferrable"}


def test_a_rejection_must_give_its_reason(world):
    body = conclusion(decision={"outcome": "rejected"})
    response = world.hr.post("/v1/deferral-conclusions", json=body)
    assert response.status_code == 422
    assert "refusal_reason_missing" in {f["reason"] for f in response.json()["findings"]}
    body["decision"]["refusal_reason"] = "申请材料中银行流水不能证明生产经营困难"
    assert world.hr.post("/v1/deferral-conclusions", json=body).status_code == 202


@pytest.mark.parametrize("field,value,pointer", [
    ("application_date", "2022-10-20", "/body/decision_date"),
    ("decision_date", "2030-01-01", "/body/decision_date"),
])
def test_dates_are_checked(world, field, value, pointer):
    response = world.hr.post("/v1/deferral-conclusions", json=conclusion(**{field: value}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == pointer


def test_identifiers_are_checked(world):
    body = conclusion()
    body["enterprise"]["credit_code"] = credit_code(501)[:-1] + ("0" if credit_code(501)[-1] != "0" else "1")
    response = world.hr.post("/v1/deferral-conclusions", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/body/enterprise/credit_code"


def test_a_year_no_calendar_covers_is_reported_not_guessed(world, clock):
    clock.now = clock.now.replace(year=2027, month=2)  # chinese-calendar knows up to 2026
    response = world.hr.post("/v1/deferral-conclusions", json=conclusion(
        application_date="2026-12-28", decision_date="2027-01-06"))
    assert response.status_code == 503
    assert response.json()["reason"] == "calendar_year_unknown"
    assert response.headers["retry-after"]


def test_no_finance_partner_means_nothing_is_sent(world, client, admin_headers, container):
    client.post(f"/v1/admin/partners/{world.finance.id}/suspend", headers=admin_headers)
    response = world.hr.post("/v1/deferral-conclusions", json=conclusion())
    assert response.status_code == 422
    assert response.json()["reason"] == "no_recipient"
    with container.uow() as uow:
        assert uow.message_log.count() == 0


def test_only_hr_may_send_conclusions(world):
    response = world.bank.post("/v1/deferral-conclusions", json=conclusion())
    assert response.status_code == 403
    assert response.json()["reason"] == "role_not_permitted"


def test_hr_needs_the_grant(world, client, admin_headers):
    grants = client.get(f"/v1/admin/grants?partner_id={world.hr.id}", headers=admin_headers).json()["items"]
    client.delete(f"/v1/admin/grants/{grants[0]['id']}", headers=admin_headers)
    response = world.hr.post("/v1/deferral-conclusions", json=conclusion())
    assert response.status_code == 403
    assert response.json()["reason"] == "not_granted"


def _catering_unemployment(fee_from: str, fee_to: str, until: str) -> dict:
    return conclusion(application_date="2022-06-10", decision_date="2022-06-17", insurance=[
        {"type": "unemployment", "fee_period_from": fee_from, "fee_period_to": fee_to,
         "deferred_until": until}])


def test_the_one_year_limit_counts_from_the_conclusions_own_first_period(world):
    # Issue 10 defect 11: 2022-05 … 2023-05 is 13 months; it was accepted because the year was
    # counted from the application month (2022-06). 特困行业缓缴期限不超过1年 (86号-3).
    response = world.hr.post("/v1/deferral-conclusions",
                             json=_catering_unemployment("2022-05", "2023-05", "2023-05-31"))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert {e["pointer"] for e in problem["errors"]} == {"/body/insurance/0/deferred_until",
                                                         "/body/insurance/0/fee_period_to"}
    assert {f["reason"] for f in problem["findings"]} == {"deferral_end_after_limit", "fee_periods_after_limit"}
    assert {f["measure"] for f in problem["findings"]} == {"86号-3"}
    assert "2023-04-30" in problem["detail"]


def test_twelve_fee_months_from_the_first_period_are_accepted(world):
    response = world.hr.post("/v1/deferral-conclusions",
                             json=_catering_unemployment("2022-05", "2023-04", "2023-04-30"))
    assert response.status_code == 202, response.text


def test_fee_months_after_a_fixed_end_are_refused(world):
    body = conclusion()
    body["insurance"][0]["fee_period_to"] = "2023-01"  # pension: until 2022-12-31 (86号-1)
    response = world.hr.post("/v1/deferral-conclusions", json=body)
    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == ["/body/insurance/0/fee_period_to"]


def test_an_unknown_division_is_refused(world):
    # Issue 10 defect 11: 159999 (no such division) was accepted, only the province was checked.
    body = conclusion()
    body["issuing_office"]["division_code"] = "159999"
    response = world.hr.post("/v1/deferral-conclusions", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == "/body/issuing_office/division_code"
    assert "GB/T 2260" in response.json()["errors"][0]["detail"]
