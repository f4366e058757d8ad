"""One 86号-12 claim per channel, end to end: each channel's claim in its own idiom (counter coded
fields, national platform head/body, Alipay and WeChat e-card envelopes, the mobile app's
canonical JSON) is decided by the same pipeline with social insurance and HR answering on
loopback, and answered in the idiom with a receipt the published gateway keys verify."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from gateway.errors import NotFound
from gateway.storage import tables
from tests.support.exchange import verify_receipt

from .channel_support import claim, person_fields, register_channels
from .people_world import REGISTERED, person
from .people_world import claim as people_claim
from .test_channel_refusals import refused

CLAIMED_ON = "2022-01-10"  # the people world's facts are of 2022 (people_world.insured)


@pytest.fixture
def world(people_world, client, admin_headers, clock, container):
    register_channels(people_world, client, admin_headers, clock, container)
    return people_world


def decided(channel: str, response) -> dict:
    """The decision inside a channel's reply, as (id, outcome, amount in yuan)."""
    reply = response.json()
    if channel == "counter":
        assert reply["code"] == "0" and reply["message"] == "成功", reply
        data = reply["data"]
        outcome = {"1": "eligible", "2": "refused", "3": "eligible_no_account"}[data["YAD103"]]
        return {"id": data["YAD102"], "outcome": outcome, "amount": data["YAD104"], "subject": data["AAC002"],
                "reasons": [r["YAD107"] for r in data["YAD106"]]}
    if channel == "national_platform":
        assert reply["head"]["retCode"] == "0000", reply
        body = reply["body"]
        outcome = {"01": "eligible", "02": "refused", "03": "eligible_no_account"}[body["auditResult"]]
        return {"id": body["decisionNo"], "outcome": outcome, "amount": body["amount"], "subject": body["aac002"],
                "reasons": [r["reasonCode"] for r in body["reasons"]]}
    if channel in ("alipay", "wechat"):
        assert reply["code"] == "10000", reply
        biz = json.loads(reply["biz_response"])
        return {"id": biz["decision_no"], "outcome": biz["result"].lower(), "amount": biz["amount"],
                "subject": biz["cert_no"], "reasons": [r["code"] for r in biz["reasons"]]}
    return {"id": reply["id"], "outcome": reply["outcome"], "amount": f"{reply['amount_fen'] / 100:.2f}",
            "subject": reply["subject"], "reasons": [r["reason"] for r in reply["reasons"]]}


def stored(container, decision_id: str):
    with container.engine.connect() as conn:
        return conn.execute(select(tables.measure_decisions).where(
            tables.measure_decisions.c.id == decision_id)).mappings().one()


IDIOM_CHANNELS = ["counter", "national_platform", "alipay", "wechat"]
STORED_CHANNEL = {"counter": "counter", "national_platform": "national_platform", "alipay": "ecard",
                  "wechat": "ecard", "mobile_app": "mobile_app"}
TWELVE_MONTHS = "20628.00"  # 12 × 1,719.00 yuan (rules/unemployment-benefit-2022.yaml, prefecture 1505)


def claim_as(world, channel: str, n: int, measure: str = "86号-12", *, claimed_on: str = CLAIMED_ON,
             reference: str | None = None, **fields):
    """Person ``n`` of the people world claims ``measure`` through ``channel``."""
    if channel == "mobile_app":
        body = people_claim(n, claimed_on, payment_account={
            "kind": "bank_account", "bank_name": "中国农业银行通辽分行",
            "account_number": "6228480000000012345", "account_name": f"测试人{n}"})
        return world.apply("mobile_app", measure, body)
    own = person_fields(channel, person(n), f"测试人{n}", "150502", claimed_on)
    own.update(fields)
    name_field = own and {"counter": "AAE009", "national_platform": "accountName"}.get(channel, "account_name")
    return claim(world, channel, measure, reference, **{name_field: f"测试人{n}"}, **own)


@pytest.mark.parametrize("channel", IDIOM_CHANNELS)  # the app's canonical claim: test_unemployment_*.py
def test_one_unemployment_benefit_claim_per_channel(world, client, clock, container, channel):
    world.insured(1, registration=REGISTERED)
    response = claim_as(world, channel, 1)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("application/json")
    verify_receipt(client, response, clock)  # signed by the gateway, bound to the channel's request
    decision = decided(channel, response)
    assert decision["outcome"] == "eligible", decision
    assert (decision["amount"], decision["subject"]) == (TWELVE_MONTHS, person(1))
    row = stored(container, decision["id"])
    assert (row["measure"], row["channel"], row["outcome"]) == ("86号-12", STORED_CHANNEL[channel], "eligible")
    assert row["sender_id"] == world.partners[channel].id
    payee = row["record"]["payee"]  # the account the claim named, whatever the idiom called it
    assert (payee["account_kind"], payee["account_source"], payee["account_number"]) == (
        "bank_account", "claim", "6228480000000012345")
    assert row["record"]["payee"]["account_name"] == "测试人1"


@pytest.mark.parametrize("channel", IDIOM_CHANNELS)
def test_the_idiom_answer_carries_the_decision_as_the_channel_writes_it(world, channel):
    world.insured(2, registration=REGISTERED)
    reply = claim_as(world, channel, 2).json()
    if channel == "counter":
        data = reply["data"]
        assert (data["YAD101"], data["YAD103"], data["YAE101"], data["AAE010"]) == ("0201", "1", "1",
                                                                                     "6228480000000012345")
        assert data["requestId"] and data["AAE036"] == "20260302"
    elif channel == "national_platform":
        assert reply["head"]["sendOrg"] == "SI12333" and reply["head"]["busiCode"] == "SBDY0001"
        body = reply["body"]
        assert (body["benefitType"], body["auditResult"], body["accountType"]) == ("SY01", "01", "01")
        assert body["decideDate"] == "20260302"
    else:
        biz = json.loads(reply["biz_response"])
        assert (biz["benefit_code"], biz["result"], biz["account_type"]) == ("UNEMPLOYMENT_BENEFIT", "ELIGIBLE",
                                                                            "BANK_CARD")
        assert biz["decide_date"] == "2026-03-02" and reply["out_request_no"]


def test_one_claim_across_every_channel(world, container):
    """The same person through all five channels: one decision; the others answered (HTTP 200)
    with the first claim's status, each in its own idiom (86号-12 政策经办 ①…⑤)."""
    world.insured(3, registration=REGISTERED)
    first = claim_as(world, "alipay", 3)
    assert first.status_code == 201, first.text
    first_id = decided("alipay", first)["id"]
    for channel in ["counter", "national_platform", "wechat"]:
        again = claim_as(world, channel, 3, claimed_on="2022-01-20")
        assert again.status_code == 200, (channel, again.text)
        assert decided(channel, again)["id"] == first_id, channel
    flags = {"counter": ("data", "YAD109", "1"), "national_platform": ("body", "repeatClaim", "1")}
    for channel, (part, name, value) in flags.items():
        assert claim_as(world, channel, 3).json()[part][name] == value
    biz = json.loads(claim_as(world, "alipay", 3).json()["biz_response"])
    assert biz["earlier_claim"] is True and "payout_state" not in biz  # not instructed yet
    with container.engine.connect() as conn:
        rows = conn.execute(select(tables.measure_decisions.c.id).where(
            tables.measure_decisions.c.subject_key == person(3))).all()
    assert len(rows) == 1


@pytest.mark.parametrize("channel", IDIOM_CHANNELS)
def test_a_retried_request_gets_the_same_signed_reply(world, client, clock, channel):
    world.insured(4, registration=REGISTERED)
    first = claim_as(world, channel, 4, reference="RETRY-0004")
    assert first.status_code == 201, first.text
    again = claim_as(world, channel, 4, reference="RETRY-0004")
    assert again.status_code == 201 and again.headers.get("idempotency-replayed") == "true"
    assert again.content == first.content  # the stored answer, as signed for the first request


@pytest.mark.parametrize("channel", IDIOM_CHANNELS)
def test_a_refusal_by_the_rules_is_a_decision_in_the_idiom(world, channel):
    world.insured(5, registration=REGISTERED, leaving_reason="voluntary")
    response = claim_as(world, channel, 5)
    assert response.status_code == 201, response.text
    decision = decided(channel, response)
    assert decision["outcome"] == "refused" and decision["reasons"] == ["left_voluntarily"]
    assert decision["amount"] == "0.00"


@pytest.mark.parametrize("channel", IDIOM_CHANNELS)
def test_a_citizen_id_with_a_wrong_check_digit_is_422_naming_the_channels_field(world, container, channel):
    wrong = person(6)[:-1] + ("0" if person(6)[-1] != "0" else "1")
    field = {"counter": "AAC002", "national_platform": "aac002"}.get(channel, "cert_no")
    response = claim_as(world, channel, 6, **{field: wrong})
    text = refused(channel if channel != "wechat" else "alipay", response, 422, None)
    assert f"/{field}: " in text and "citizen_id" not in text


@pytest.mark.parametrize("channel", IDIOM_CHANNELS)
def test_social_insurance_down_is_503_in_the_idiom_with_retry_after(world, client, clock, channel):
    world.insured(7, registration=REGISTERED)
    world.si.behaviour.fail_times, world.si.behaviour.fail_status = 100, 503
    response = claim_as(world, channel, 7)
    refused(channel if channel != "wechat" else "alipay", response, 503, None, client, clock)
    assert int(response.headers["retry-after"]) > 0


@pytest.mark.parametrize("channel", ["national_platform", "alipay"])
def test_a_measure_the_channel_may_not_take_is_403_in_the_idiom(world, container, client, clock, channel):
    """86号-11 names the counter, the web hall and the app only (86号-11 ③)."""
    try:
        measure = container.measures.catalogue.get("86号-11")
    except NotFound:  # until the skill-upgrade subsidy is merged
        pytest.skip("86号-11 is not in this branch's catalogue yet")
    assert STORED_CHANNEL[channel] not in measure.channels
    response = claim_as(world, channel, 8, "86号-11")
    refused(channel, response, 403, "channel_not_permitted", client, clock)


def test_a_measure_the_gateway_does_not_run_is_404_in_the_idiom(world, container, monkeypatch):
    from adapters.social_security import codes

    monkeypatch.setitem(codes.BENEFITS, "0999", "86号-99")  # a code whose measure is not run
    response = claim(world, "counter", "86号-12", None, YAD101="0999")
    refused("counter", response, 404, "measure_unknown")
