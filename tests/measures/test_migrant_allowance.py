"""86号-13 一次性生活补助 through the HTTP API: rural migrant workers, 12 months, how the contract
ended, the operators' schedule (bands at their edges, none in force, the nearest division), the
shared unemployment-spell key, the admin API of the schedule and the five channels."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gateway.storage import tables
from tests.support.world import citizen_id

from .channel_support import claim, person_fields, register_channels

pytestmark = pytest.mark.rules  # the rules at their boundaries: one backend

MEASURE = "migrant_living_allowance"
SOURCE = "通辽市人力资源和社会保障局 一次性生活补助标准 通人社发〔2022〕1号"
BANDS = [{"min_months": 12, "max_months": 23, "amount_fen": 1500_00},
         {"min_months": 24, "max_months": 35, "amount_fen": 3000_00},
         {"min_months": 36, "max_months": None, "amount_fen": 4500_00}]


@pytest.fixture
def channels(world, client, admin_headers, clock, container):
    return register_channels(world, client, admin_headers, clock, container)


def schedule(client, admin_headers, division="150500", valid_from="2022-01-01", valid_to=None, bands=BANDS,
             source=SOURCE, status=201):
    body = {"division_code": division, "valid_from": valid_from, "source": source, "bands": bands}
    if valid_to is not None:
        body["valid_to"] = valid_to
    response = client.post("/v1/admin/living-allowance-schedules", headers=admin_headers, json=body)
    assert response.status_code == status, response.text
    return response.json()


def worker(world, n, *, migrant=True, continuous=18, employer_paid=None, stopped_on="2022-05-31",
           contract_end="expired_not_renewed", card=True):
    world.si.know("unemployment_insurance", 2022, citizen_id(n), {
        "insured": False, "drawing_benefit": False, "employer_paid_months": continuous if employer_paid is None
        else employer_paid, "person_paid_months": continuous, "continuous_months": continuous,
        "stopped_on": stopped_on, "leaving_reason": "involuntary", "contract_end": contract_end,
        "rural_migrant": migrant, "benefit_periods": [], "employed_since_stop": False,
        "card_account": {"bank_name": "内蒙古农村信用社", "account_number": f"62310000{n:010d}",
                         "account_name": f"农牧民工{n}"} if card else None})


def body(n, claimed_on="2022-06-10", division="150502") -> dict:
    return {"person": {"citizen_id": citizen_id(n), "name": f"农牧民工{n}", "division_code": division},
            "claimed_on": claimed_on}


def decided(world, n, partner="web_hall", **options) -> dict:
    response = world.apply(partner, MEASURE, body(n, **options))
    assert response.status_code == 201, response.text
    return response.json()


def reasons(decision) -> list[str]:
    return [r["reason"] for r in decision["reasons"]]


@pytest.mark.parametrize(("continuous", "outcome", "amount_fen"), [
    (11, "refused", 0),           # 连续工作满1年: 11 months is not a year
    (12, "eligible", 1500_00),    # the first band's lower edge
    (23, "eligible", 1500_00),    # its upper edge
    (24, "eligible", 3000_00),    # the next band
    (35, "eligible", 3000_00),
    (36, "eligible", 4500_00),    # the open band
    (240, "eligible", 4500_00),
])
def test_months_of_continuous_work_and_the_bands_at_their_edges(world, client, admin_headers, continuous,
                                                                 outcome, amount_fen):
    made = schedule(client, admin_headers)
    worker(world, 1, continuous=continuous)
    decision = decided(world, 1)
    assert decision["outcome"] == outcome, decision
    assert decision["amount_fen"] == amount_fen
    if outcome == "refused":
        assert reasons(decision) == ["continuous_work_too_short"]
    else:
        used = decision["facts_used"]["living_allowance_schedule"]
        assert used["schedule_id"] == made["id"] and used["source"] == SOURCE
        assert used["band"]["amount_fen"] == amount_fen
        assert decision["rule_set_version"] == "migrant-allowance-2022.1"


@pytest.mark.parametrize(("contract_end", "outcome"), [
    ("expired_not_renewed", "eligible"),  # 劳动合同期满未续订
    ("ended_early", "eligible"),          # 提前解除劳动合同
    ("other", "refused"),
])
def test_how_the_contract_ended(world, client, admin_headers, contract_end, outcome):
    schedule(client, admin_headers)
    worker(world, 2, contract_end=contract_end)
    decision = decided(world, 2)
    assert decision["outcome"] == outcome, decision
    if outcome == "refused":
        assert reasons(decision) == ["contract_end_not_covered"]


def test_not_a_rural_migrant_worker(world, client, admin_headers):
    schedule(client, admin_headers)
    worker(world, 3, migrant=False)
    assert reasons(decided(world, 3)) == ["not_rural_migrant"]


def test_still_working_or_stopping_after_the_claim(world, client, admin_headers):
    schedule(client, admin_headers)
    worker(world, 4, stopped_on=None, contract_end=None)
    assert reasons(decided(world, 4)) == ["not_stopped"]
    worker(world, 5, stopped_on="2022-06-11")
    assert reasons(decided(world, 5, claimed_on="2022-06-10")) == ["not_stopped"]


def test_contributions_not_paid_for_the_year(world, client, admin_headers):
    schedule(client, admin_headers)
    worker(world, 6, continuous=14, employer_paid=11)
    assert reasons(decided(world, 6)) == ["contributions_not_paid"]


def test_no_schedule_in_force_is_refused_with_a_reason_not_a_guess(world, client, admin_headers):
    worker(world, 7)
    decision = decided(world, 7)
    assert decision["outcome"] == "refused" and decision["amount_fen"] == 0
    assert reasons(decision) == ["no_schedule_in_force"]
    assert "operators record it" in decision["reasons"][0]["detail"]


@pytest.mark.parametrize(("valid_from", "valid_to", "stopped_on", "in_force"), [
    ("2022-06-01", None, "2022-05-31", False),          # starts the day after the stop
    ("2022-05-31", None, "2022-05-31", True),           # starts on it
    ("2022-01-01", "2022-05-30", "2022-05-31", False),  # ended the day before
    ("2022-01-01", "2022-05-31", "2022-05-31", True),   # ends on it
])
def test_the_schedule_in_force_on_the_day_the_contract_ended(world, client, admin_headers, valid_from,
                                                              valid_to, stopped_on, in_force):
    schedule(client, admin_headers, valid_from=valid_from, valid_to=valid_to)
    worker(world, 8, stopped_on=stopped_on)
    decision = decided(world, 8)
    assert (decision["outcome"] == "eligible") is in_force, decision
    if not in_force:
        assert reasons(decision) == ["no_schedule_in_force"]


def test_the_nearest_division_schedule_wins_and_other_prefectures_do_not_count(world, client, admin_headers):
    schedule(client, admin_headers, division="150102", bands=[BANDS[0] | {"amount_fen": 9_00}])  # Hohhot
    worker(world, 9)
    assert reasons(decided(world, 9)) == ["no_schedule_in_force"]
    region = schedule(client, admin_headers, division="150000",
                      bands=[{"min_months": 12, "max_months": None, "amount_fen": 1000_00}])
    assert decided(world, 9, claimed_on="2022-06-11")["amount_fen"] == 1000_00
    worker(world, 10)
    prefecture = schedule(client, admin_headers, division="150500")
    decision = decided(world, 10)
    assert decision["amount_fen"] == 1500_00
    assert decision["facts_used"]["living_allowance_schedule"]["schedule_id"] == prefecture["id"] != region["id"]


def test_a_band_gap_beyond_the_schedule_is_refused(world, client, admin_headers):
    schedule(client, admin_headers, bands=[{"min_months": 12, "max_months": 23, "amount_fen": 1500_00}])
    worker(world, 11, continuous=30)
    assert reasons(decided(world, 11)) == ["no_schedule_band"]


def test_one_allowance_per_stop_across_channels(world, client, admin_headers, channels):
    schedule(client, admin_headers)
    worker(world, 12)
    first = decided(world, 12, partner="app")
    assert first["outcome"] == "eligible" and first["channel"] == "mobile_app"
    again = world.apply("counter", MEASURE, body(12))  # the same stop: the first claim's answer
    assert again.status_code == 200, again.text
    second = again.json()
    assert second.pop("earlier_claim") is True and second.pop("payout_state") is None
    assert second["withheld"] == ["facts_used", "detail", "payee"] and second["payee"] is None  # another channel's
    assert {k: second[k] for k in ("id", "outcome", "amount_fen", "channel")} == {
        k: first[k] for k in ("id", "outcome", "amount_fen", "channel")}
    worker(world, 12, stopped_on="2022-06-30", continuous=12)  # a later stop is a new spell
    third = decided(world, 12, claimed_on="2022-07-05")
    assert third["outcome"] == "eligible" and third["amount_fen"] == 1500_00


def test_the_spell_key_is_shared_with_86_12(world, client, admin_headers, container):
    """The unemployment benefit (86号-12) holding the stop refuses the allowance: not_combinable."""
    schedule(client, admin_headers)
    worker(world, 13)
    with container.uow() as uow:
        uow.measure_claims.take("unemployment-spell", f"{citizen_id(13)}/2022-05-31", "d-86-12-first",
                                "86号-12", "150502", container.clock())
    decision = decided(world, 13)
    assert reasons(decision) == ["not_combinable"]
    assert decision["reasons"][0]["earlier_decision_id"] == "d-86-12-first"


def test_without_an_account_it_is_eligible_no_account(world, client, admin_headers):
    schedule(client, admin_headers)
    worker(world, 14, card=False)
    decision = decided(world, 14)
    assert decision["outcome"] == "eligible_no_account" and decision["amount_fen"] == 1500_00


@pytest.mark.parametrize("channel", ["counter", "national_platform", "alipay", "wechat"])
def test_every_idiom_channel_takes_it(world, client, admin_headers, channels, channel):
    schedule(client, admin_headers)
    worker(world, 15)
    fields = person_fields(channel, citizen_id(15), "农牧民工15", "150502", "2022-06-10")
    response = claim(world, channel, "86号-13", **fields)
    assert response.status_code in (200, 201), response.text
    assert "1500" in response.text or "150000" in response.text


def test_social_insurance_down_is_503_with_retry_after(world, client, admin_headers):
    schedule(client, admin_headers)
    worker(world, 16)
    world.si.behaviour.fail_times = 1
    response = world.apply("web_hall", MEASURE, body(16))
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"]
    assert decided(world, 16)["outcome"] == "eligible"


def test_a_certificate_is_not_part_of_this_claim(world):
    response = world.apply("web_hall", MEASURE, {**body(17), "certificate": {
        "number": "CERT00000001", "occupation_code": "6-18-02-04", "level": 5}})
    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == ["/body/certificate"]


# -- the schedule's admin API -------------------------------------------------------------------

def test_list_withdraw_and_every_change_audited(world, client, admin_headers):
    made = schedule(client, admin_headers)
    assert made["recorded_by"] and made["bands"] == BANDS and made["valid_to"] is None
    listed = client.get("/v1/admin/living-allowance-schedules?division_code=1505", headers=admin_headers).json()
    assert [s["id"] for s in listed["items"]] == [made["id"]]
    url = f"/v1/admin/living-allowance-schedules/{made['id']}/withdraw"
    withdrawn = client.post(url, headers=admin_headers, json={"reason": "wrong amounts"})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_reason"] == "wrong amounts"
    assert client.post(url, headers=admin_headers, json={"reason": "twice"}).status_code == 409
    worker(world, 18)
    assert reasons(decided(world, 18)) == ["no_schedule_in_force"]
    assert client.get("/v1/admin/living-allowance-schedules", headers=admin_headers).json()["items"] == []
    events = client.get("/v1/admin/audit-events", headers=admin_headers).json()["items"]
    actions = [e["action"] for e in events if e["target_type"] == "living_allowance_schedule"]
    assert {"living_allowance_schedule.create", "living_allowance_schedule.withdraw"} <= set(actions)
    missing = client.post("/v1/admin/living-allowance-schedules/nope/withdraw", headers=admin_headers,
                          json={"reason": "r"})
    assert missing.status_code == 404 and missing.json()["reason"] == "schedule_not_found"


def test_an_overlapping_schedule_of_the_same_division_is_409(client, admin_headers):
    first = schedule(client, admin_headers, valid_from="2022-01-01", valid_to="2022-06-30")
    clash = schedule(client, admin_headers, valid_from="2022-06-30", status=409)
    assert clash["reason"] == "schedule_overlaps" and first["id"] in clash["detail"]
    schedule(client, admin_headers, valid_from="2022-07-01")  # the day after: fine
    schedule(client, admin_headers, division="150000", valid_from="2022-01-01")  # another division: fine


@pytest.mark.parametrize(("change", "pointers"), [
    ({"division_code": "150599"}, ["/body/division_code"]),
    ({"valid_to": "2021-12-31"}, ["/body/valid_to"]),
    ({"bands": [BANDS[0], {"min_months": 25, "max_months": None, "amount_fen": 1}]}, ["/body/bands/1/min_months"]),
    ({"bands": [BANDS[0], {"min_months": 20, "max_months": None, "amount_fen": 1}]}, ["/body/bands/1/min_months"]),
    ({"bands": [{"min_months": 12, "max_months": None, "amount_fen": 1}, BANDS[1]]}, ["/body/bands/0/max_months"]),
    ({"bands": [{"min_months": 24, "max_months": 12, "amount_fen": 1}]}, ["/body/bands/0/max_months"]),
])
def test_a_bad_schedule_is_422_with_pointers(client, admin_headers, change, pointers):
    body = {"division_code": "150500", "valid_from": "2022-01-01", "source": SOURCE, "bands": BANDS, **change}
    response = client.post("/v1/admin/living-allowance-schedules", headers=admin_headers, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["pointer"] for e in response.json()["errors"]] == pointers


@pytest.mark.parametrize("change", [{"bands": []}, {"bands": [{"min_months": 0, "max_months": 3, "amount_fen": 1}]},
                                    {"bands": [{"min_months": 12, "max_months": None, "amount_fen": 0}]},
                                    {"source": ""}, {"valid_from": "20220101"}, {"extra": 1}])
def test_off_the_schema_is_a_4xx_problem(client, admin_headers, change):
    body = {"division_code": "150500", "valid_from": "2022-01-01", "source": SOURCE, "bands": BANDS, **change}
    response = client.post("/v1/admin/living-allowance-schedules", headers=admin_headers, json=body)
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["reason"]


def test_an_operator_token_cannot_record_schedules(client, operator_headers):
    response = client.post("/v1/admin/living-allowance-schedules", headers=operator_headers, json={
        "division_code": "150500", "valid_from": "2022-01-01", "source": SOURCE, "bands": BANDS})
    assert response.status_code == 403


def test_no_decision_is_kept_of_a_refused_request(world, container):
    world.si.behaviour.fail_times = 1
    worker(world, 19)
    assert world.apply("web_hall", MEASURE, body(19)).status_code == 503
    with container.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.measure_decisions)).scalar_one() == 0
