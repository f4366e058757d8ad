"""86号-11 技能提升补贴 through the HTTP API: who is covered, each level's amount, the certificate
as the issuing registry has it, once per occupation and level, three a year, the channels."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gateway.signatures import SigningKey
from gateway.simulators.facts import CanonicalFactsSimulator
from gateway.storage import tables
from tests.support.ids import credit_code
from tests.support.world import citizen_id

from .channel_support import claim, person_fields, register_channels

pytestmark = pytest.mark.rules  # the rules at their boundaries: one backend

MEASURE = "skill_upgrade_subsidy"
WELDER, COOK, ELECTRICIAN, BAKER = "6-18-02-04", "4-03-02-01", "6-31-01-03", "6-02-01-01"


@pytest.fixture
def registry(world, client, admin_headers, clock, container):
    """The certificate registry (职业技能鉴定 / 等级认定), region-wide, answering ``certificates``."""
    key = SigningKey.generate("ed25519", "registry-key")
    simulator = CanonicalFactsSimulator(credit_code(150), key, container.keystore.jwks, clock=clock).start()
    body = {"id": credit_code(150), "name": "certificate registry", "roles": ["certificate_registry"],
            "division_code": "150000", "endpoint_url": simulator.endpoint_url}
    assert client.post("/v1/admin/partners", headers=admin_headers, json=body).status_code == 201
    registered = client.post(f"/v1/admin/partners/{body['id']}/keys", headers=admin_headers,
                             json={"public_key": key.public_info().pem, "keyid": key.keyid})
    assert registered.status_code == 201, registered.text
    world.simulators["registry"] = simulator
    return simulator


@pytest.fixture
def channels(world, client, admin_headers, clock, container):
    return register_channels(world, client, admin_headers, clock, container)


def person(n: int) -> dict:
    return {"citizen_id": citizen_id(n), "name": f"测试人员{n}", "division_code": "150502"}


def insured(world, n: int, *, employed=True, drawing=False, year=2022) -> None:
    world.si.know("unemployment_insurance", year, citizen_id(n), {
        "insured": employed, "drawing_benefit": drawing, "employer_paid_months": 40,
        "person_paid_months": 40, "continuous_months": 40, "stopped_on": None, "leaving_reason": None,
        "contract_end": None, "rural_migrant": False, "benefit_periods": [], "employed_since_stop": employed,
        "card_account": {"bank_name": "中国建设银行通辽分行", "account_number": f"62170000{n:010d}",
                         "account_name": f"测试人员{n}"}})


def certificates(registry, n: int, *records, year=2022) -> None:
    registry.know("certificates", year, citizen_id(n), {"certificates": [
        {"number": number, "occupation_code": occupation, "level": level, "issued_on": issued,
         "status": status} for number, occupation, level, issued, status in records]})


def cert(number: str, occupation: str, level: int, issued="2022-03-01", status="valid"):
    return (number, occupation, level, issued, status)


def body(n: int, number: str, occupation: str, level: int, claimed_on="2022-06-01") -> dict:
    return {"person": person(n), "claimed_on": claimed_on,
            "certificate": {"number": number, "occupation_code": occupation, "level": level}}


def decided(world, n, number, occupation, level, partner="web_hall", **options) -> dict:
    response = world.apply(partner, MEASURE, body(n, number, occupation, level, **options))
    assert response.status_code == 201, response.text
    return response.json()


def reasons(decision: dict) -> list[str]:
    return [r["reason"] for r in decision["reasons"]]


@pytest.mark.parametrize(("level", "amount_fen"), [(5, 1000_00), (4, 1500_00), (3, 2000_00)])
def test_each_level_pays_its_amount(world, registry, level, amount_fen):
    insured(world, 1)
    certificates(registry, 1, cert("CERT00000001", WELDER, level))
    decision = decided(world, 1, "CERT00000001", WELDER, level)
    assert decision["outcome"] == "eligible", decision
    assert decision["amount_fen"] == amount_fen
    assert decision["rule_set_version"] == "skill-upgrade-2022.1"
    assert decision["subject"] == f"{citizen_id(1)}/{WELDER}/{level}"
    assert decision["facts_used"]["certificates"]["certificate"]["number"] == "CERT00000001"
    assert decision["facts_used"]["certificates"]["source"] == credit_code(150)
    assert decision["payee"]["account_kind"] == "social_security_card"


@pytest.mark.parametrize("level", [2, 1])
def test_levels_2_and_1_are_refused_with_a_reason(world, registry, level):
    insured(world, 1)
    certificates(registry, 1, cert("CERT00000002", WELDER, level))
    decision = decided(world, 1, "CERT00000002", WELDER, level)
    assert decision["outcome"] == "refused" and decision["amount_fen"] == 0
    assert reasons(decision) == ["level_not_covered"]
    assert "levels 5, 4 and 3" in decision["reasons"][0]["detail"]


@pytest.mark.parametrize(("employed", "drawing", "outcome"), [
    (True, False, "eligible"),   # 企业在职职工
    (False, True, "eligible"),   # 正在领取失业保险金人员
    (False, False, "refused"),   # neither
])
def test_insured_employee_or_drawing_benefit(world, registry, employed, drawing, outcome):
    insured(world, 3, employed=employed, drawing=drawing)
    certificates(registry, 3, cert("CERT00000003", COOK, 4))
    decision = decided(world, 3, "CERT00000003", COOK, 4)
    assert decision["outcome"] == outcome, decision
    if outcome == "refused":
        assert reasons(decision) == ["not_covered"]
    else:
        assert decision["detail"]["as"] == ("insured_employee" if employed else "drawing_benefit")


def test_unknown_to_social_insurance_is_facts_incomplete(world, registry):
    certificates(registry, 4, cert("CERT00000004", COOK, 4))
    decision = decided(world, 4, "CERT00000004", COOK, 4)
    assert reasons(decision) == ["facts_incomplete"]


@pytest.mark.parametrize(("on_record", "claimed", "reason"), [
    (None, ("CERT00000005", WELDER, 4), "certificate_not_on_record"),  # registry knows no one
    (cert("CERT00000099", WELDER, 4), ("CERT00000005", WELDER, 4), "certificate_not_on_record"),
    (cert("CERT00000005", WELDER, 4, status="revoked"), ("CERT00000005", WELDER, 4), "certificate_revoked"),
    (cert("CERT00000005", COOK, 4), ("CERT00000005", WELDER, 4), "certificate_mismatch"),  # other occupation
    (cert("CERT00000005", WELDER, 5), ("CERT00000005", WELDER, 4), "certificate_mismatch"),  # other level
])
def test_the_registry_not_the_claimant_says_what_the_certificate_is(world, registry, on_record, claimed, reason):
    insured(world, 5)
    if on_record is not None:
        certificates(registry, 5, on_record)
    decision = decided(world, 5, *claimed)
    assert decision["outcome"] == "refused" and reasons(decision) == [reason], decision
    assert decision["amount_fen"] == 0


@pytest.mark.parametrize(("issued", "claimed_on", "outcome"), [
    ("2022-03-01", "2022-03-01", "eligible"),   # the issue day
    ("2022-03-02", "2022-03-01", "refused"),    # a claim before the certificate
    ("2021-06-15", "2022-06-14", "eligible"),   # the last day of 12 months
    ("2021-06-15", "2022-06-15", "refused"),    # a day late
])
def test_the_claim_window_of_12_months(world, registry, issued, claimed_on, outcome):
    insured(world, 6)
    certificates(registry, 6, cert("CERT00000006", BAKER, 5, issued=issued))
    decision = decided(world, 6, "CERT00000006", BAKER, 5, claimed_on=claimed_on)
    assert decision["outcome"] == outcome, decision
    if outcome == "refused":
        assert reasons(decision) == ["certificate_out_of_window"]


def test_same_occupation_and_level_once_even_with_another_certificate(world, registry):
    insured(world, 7)
    certificates(registry, 7, cert("CERT00000007", WELDER, 4), cert("CERT00000077", WELDER, 4, issued="2022-04-01"))
    first = decided(world, 7, "CERT00000007", WELDER, 4)
    assert first["outcome"] == "eligible"
    # Once per occupation and level is one claim: a second one, whatever the certificate or the
    # channel, is answered with the first claim's status (HTTP 200), not decided again.
    for number, options in (("CERT00000077", {"partner": "hr_horqin"}), ("CERT00000007", {"claimed_on": "2022-07-01"})):
        response = world.apply(options.get("partner", "web_hall"), MEASURE,
                               body(7, number, WELDER, 4, claimed_on=options.get("claimed_on", "2022-06-01")))
        assert response.status_code == 200, response.text
        assert response.json()["earlier_claim"] is True and response.json()["id"] == first["id"]


def test_the_fourth_of_a_year_is_refused_naming_the_holder_and_next_year_is_free(world, registry, container):
    insured(world, 8)
    insured(world, 8, year=2023)
    records = [cert("CERT00000081", WELDER, 5), cert("CERT00000082", COOK, 5), cert("CERT00000083", BAKER, 5),
               cert("CERT00000084", ELECTRICIAN, 5), cert("CERT00000085", WELDER, 4, issued="2022-12-01")]
    certificates(registry, 8, *records)
    certificates(registry, 8, *records, year=2023)
    granted = [decided(world, 8, number, occupation, 5) for number, occupation, *_ in records[:3]]
    assert [d["outcome"] for d in granted] == ["eligible"] * 3  # the third of the year
    fourth = decided(world, 8, "CERT00000084", ELECTRICIAN, 5)
    assert fourth["outcome"] == "refused" and reasons(fourth) == ["already_granted"]
    assert fourth["reasons"][0]["earlier_decision_id"] == granted[2]["id"]
    assert "3 times" in fourth["reasons"][0]["detail"]
    with container.engine.connect() as conn:
        slots = conn.execute(select(func.count()).select_from(tables.measure_claims).where(
            tables.measure_claims.c.claim_group == "86号-11/year")).scalar_one()
    assert slots == 3
    # a December certificate claimed in January counts for the claim's year (2023)
    january = decided(world, 8, "CERT00000085", WELDER, 4, claimed_on="2023-01-10")
    assert january["reasons"][0]["reason"] == "measure_not_in_force"  # the 2022 rule set only
    later = decided(world, 8, "CERT00000085", WELDER, 4, claimed_on="2022-12-20")
    assert reasons(later) == ["already_granted"]  # 2022 is full


def test_a_refused_claim_holds_no_slot(world, registry):
    insured(world, 9)
    certificates(registry, 9, cert("CERT00000091", WELDER, 5, status="revoked"), cert("CERT00000092", COOK, 5),
                 cert("CERT00000093", BAKER, 5), cert("CERT00000094", ELECTRICIAN, 5))
    assert reasons(decided(world, 9, "CERT00000091", WELDER, 5)) == ["certificate_revoked"]
    for number, occupation in (("CERT00000092", COOK), ("CERT00000093", BAKER), ("CERT00000094", ELECTRICIAN)):
        assert decided(world, 9, number, occupation, 5)["outcome"] == "eligible"


def test_a_claim_without_certificate_is_422(world, registry):
    response = world.apply("web_hall", MEASURE, {"person": person(10), "claimed_on": "2022-06-01"})
    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == ["/body/certificate"]


def test_the_counter_web_hall_and_app_take_it(world, registry, channels):
    insured(world, 11)
    certificates(registry, 11, cert("CERT00000111", WELDER, 5), cert("CERT00000112", COOK, 5),
                 cert("CERT00000113", BAKER, 5))
    by = {partner: decided(world, 11, number, occupation, 5, partner=partner)
          for partner, (number, occupation) in {"counter": ("CERT00000111", WELDER),
                                                "web_hall": ("CERT00000112", COOK),
                                                "app": ("CERT00000113", BAKER)}.items()}
    assert {p: d["channel"] for p, d in by.items()} == {"counter": "counter", "web_hall": "application",
                                                         "app": "mobile_app"}
    assert all(d["outcome"] == "eligible" for d in by.values())


@pytest.mark.parametrize("channel", ["national_platform", "alipay", "wechat"])
def test_the_national_platform_and_the_e_card_are_not_its_channels(world, registry, channels, container, channel):
    insured(world, 12)
    certificates(registry, 12, cert("CERT00000121", WELDER, 5))
    fields = person_fields(channel, citizen_id(12), "测试人员12", "150502", "2022-06-01")
    certificate = ({"certNo": "CERT00000121", "occupationCode": WELDER, "skillLevel": "5"}
                   if channel == "national_platform" else
                   {"skill_cert_no": "CERT00000121", "occupation_code": WELDER, "skill_level": "5"})
    response = claim(world, channel, "86号-11", **fields, **certificate)
    assert response.status_code == 403, response.text
    assert "channel_not_permitted" in response.text or "not taken through" in response.text
    with container.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.measure_decisions)).scalar_one() == 0


def test_the_registry_down_is_503_with_retry_after_and_nothing_stored(world, registry, container):
    insured(world, 13)
    certificates(registry, 13, cert("CERT00000131", WELDER, 5))
    registry.behaviour.fail_times = 1
    response = world.apply("web_hall", MEASURE, body(13, "CERT00000131", WELDER, 5))
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"]
    assert response.headers["content-type"].startswith("application/problem+json")
    assert decided(world, 13, "CERT00000131", WELDER, 5)["outcome"] == "eligible"


def test_the_registry_too_slow_is_504_with_retry_after(world, registry, container, monkeypatch):
    insured(world, 14)
    certificates(registry, 14, cert("CERT00000141", WELDER, 5))
    canonical = container.facts._sources["canonical"]
    monkeypatch.setattr(canonical._query, "_timeout", (3.05, 0.3))  # the read timeout, shortened for the test
    registry.behaviour.delay_seconds = 1.0
    response = world.apply("web_hall", MEASURE, body(14, "CERT00000141", WELDER, 5))
    assert response.status_code == 504, response.text
    assert response.headers["Retry-After"]
