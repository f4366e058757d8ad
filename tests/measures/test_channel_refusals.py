"""Every bad claim reaches its channel as an error in the channel's own idiom, with the right
HTTP status and a signed receipt — never a 500, never problem+json — and leaves nothing
behind (no message, no evidence entry, no decision)."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from gateway.storage import tables
from tests.support.exchange import verify_receipt

from .channel_support import IDIOMS, claim, register_channels, send

pytestmark = pytest.mark.rules  # the rules at their boundaries: one backend

CHANNELS = ["counter", "national_platform", "alipay"]
# The idiom's error code for a status, and where its text is.
ERROR_CODES = {
    "counter": {400: "1001", 401: "1002", 403: "1003", 404: "1004", 413: "1001", 415: "1001", 422: "3001",
                503: "2001"},
    "national_platform": {400: "1001", 401: "2001", 403: "2002", 404: "1004", 413: "1001", 415: "1001",
                          422: "3001", 503: "9001"},
    "alipay": {400: "40002", 401: "20001", 403: "40006", 404: "40004", 413: "40002", 415: "40002", 422: "40004",
               503: "20000"},
}


@pytest.fixture
def world(people_world, client, admin_headers, clock, container):
    register_channels(people_world, client, admin_headers, clock, container)
    return people_world


def counts(container) -> tuple[int, ...]:
    with container.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (tables.messages, tables.message_log, tables.measure_decisions))


def refused(channel: str, response, status: int, reason: str | None, client=None, clock=None) -> str:
    """The idiom's error reply: its code for ``status``; returns the reply's text."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    reply = response.json()
    if channel == "counter":
        code, text = reply["code"], reply["message"]
        assert set(reply) == {"code", "message"}
    elif channel == "national_platform":
        code, text = reply["head"]["retCode"], reply["head"]["retMsg"]
        assert set(reply) == {"head"}
    else:
        code, text = reply["code"], f"{reply['sub_code']} {reply['sub_msg']}"
        assert set(reply) == {"code", "msg", "sub_code", "sub_msg"}
    assert code == ERROR_CODES[channel][status], reply
    if reason is not None:
        assert reason in text, reply
    if client is not None:
        verify_receipt(client, response, clock)  # a signed refusal: the channel can prove it
    return text


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("data", [b'{"head": ', b"\xff\xfe{}", b'{"a": 1, "a": 1}', b"[1, 2]", b"NaN"])
def test_broken_json_is_a_400_in_the_idiom(world, container, client, clock, channel, data):
    before = counts(container)
    response = send(world, channel, data)
    refused(channel, response, 400, None, client, clock)
    assert counts(container) == before


WRONG_ENVELOPES = {
    "counter": [({"params": {}}, "/params/"), ({"serviceCode": "BENEFIT_CLAIM", "requestId": "R1", "data": {}}, "data"),
                ({"serviceCode": "BENEFIT_CLAIM", "requestId": "R1", "params": []}, "/params")],
    "national_platform": [({"request": {}}, "request"), ({"head": {}, "body": {}}, "/head/"),
                          ({"head": "SBDY0001", "body": {}}, "/head")],
    "alipay": [({"method": "ecard.benefit.claim.apply"}, "biz_content"), ({"biz_content": {}}, "biz_content")],
}


@pytest.mark.parametrize("channel, envelope, named", [(c, e, n) for c, cases in WRONG_ENVELOPES.items()
                                                      for e, n in cases])
def test_a_wrong_envelope_is_a_400_naming_the_field(world, container, channel, envelope, named):
    before = counts(container)
    text = refused(channel, send(world, channel, envelope), 400, None)
    assert named in text
    assert counts(container) == before


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_unknown_benefit_code_is_a_400_naming_the_field(world, container, client, clock, channel):
    idiom = IDIOMS[channel]
    reference = "REF-UNKNOWN-BENEFIT"
    message = idiom.message(reference)
    idiom.update(message, {idiom.benefit_field: "0999"})
    before = counts(container)
    text = refused(channel, send(world, channel, message, reference=reference), 400, "benefit_unknown", client, clock)
    assert idiom.benefit_field in text
    assert counts(container) == before


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_reference_must_equal_the_idempotency_key(world, container, client, clock, channel):
    message = IDIOMS[channel].message("THE-REFERENCE")
    before = counts(container)
    text = refused(channel, send(world, channel, message, reference="ANOTHER-KEY"), 400, "reference_mismatch",
                   client, clock)
    assert IDIOMS[channel].path and "Idempotency-Key" in text
    assert counts(container) == before


@pytest.mark.parametrize("channel, field, value", [
    ("counter", "AAB301", "15050"), ("national_platform", "aab301", "15050"), ("alipay", "area_code", "15050")])
def test_canonical_schema_errors_name_the_channels_fields(world, container, channel, field, value):
    before = counts(container)
    text = refused(channel, claim(world, channel, **{field: value}), 400, "schema_violation")
    assert f"/{field}: " in text and "division_code" not in text
    assert counts(container) == before


def test_a_card_service_claiming_as_the_other_is_403(world, container, client, clock):
    message = IDIOMS["alipay"].message("REF-WECHAT")
    message["channel_no"] = "WECHAT"
    before = counts(container)
    refused("alipay", send(world, "alipay", message, reference="REF-WECHAT"), 403, "channel_no_mismatch",
            client, clock)
    assert counts(container) == before


def test_the_platform_must_send_as_its_own_organisation(world, container, client, clock):
    message = IDIOMS["national_platform"].message("REF-ORG")
    message["head"]["sendOrg"] = "SOMEONE"
    refused("national_platform", send(world, "national_platform", message, reference="REF-ORG"), 403,
            "send_org_mismatch", client, clock)


@pytest.mark.parametrize("channel, other", [("counter", "alipay"), ("national_platform", "counter"),
                                            ("alipay", "national_platform")])
def test_a_partner_without_the_channels_role_is_403_in_the_idiom(world, container, channel, other):
    """``other``'s partner posts ``channel``'s claim to ``channel``'s endpoint."""
    reference = uuid.uuid4().hex
    message = IDIOMS[channel].message(reference)
    response = world.partners[other].request("POST", IDIOMS[channel].path, body=json.dumps(message).encode(),
                                             headers={"Content-Type": "application/json"}, idempotency_key=reference)
    refused(channel, response, 403, None)


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_bad_signature_is_401_in_the_idiom(world, client, container, channel):
    reference = uuid.uuid4().hex
    data = json.dumps(IDIOMS[channel].message(reference)).encode()
    headers = world.partners[channel].sign("POST", IDIOMS[channel].path, data, idempotency_key=reference,
                                           headers={"Content-Type": "application/json"})
    before = counts(container)
    response = client.post(IDIOMS[channel].path, content=data.replace(b"150502", b"150521", 1), headers=headers)
    refused(channel, response, 401, None)
    assert counts(container) == before


@pytest.mark.parametrize("channel", CHANNELS)
def test_xml_is_415_in_the_idiom(world, channel):
    response = world.partners[channel].request("POST", IDIOMS[channel].path, body=b"<claim/>",
                                               headers={"Content-Type": "application/xml"})
    refused(channel, response, 415, None)


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_oversize_claim_is_413_in_the_idiom(world, settings, container, channel):
    padding = "x" * settings.max_body_bytes
    response = claim(world, channel, AAC003=padding) if channel == "counter" else send(
        world, channel, {"padding": padding})
    refused(channel, response, 413, "body_too_large")


def test_other_endpoints_still_answer_problem_json(world):
    response = world.partners["counter"].post("/v1/measures/no-such-measure/applications", json={})
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_internal_error_is_a_500_in_the_idiom_without_its_text(world, container, monkeypatch, channel):
    from gateway.api.partner import submissions

    def broken(operation, body, **arguments):
        raise RuntimeError("a bug with 150502198802150019 in it")

    monkeypatch.setattr(submissions, "submit", broken)
    before = counts(container)
    response = claim(world, channel)
    assert response.status_code == 500
    assert "a bug" not in response.text and "150502198802150019" not in response.text
    reply = response.json()
    assert {"counter": lambda r: r["code"] == "9999", "national_platform": lambda r: r["head"]["retCode"] == "9999",
            "alipay": lambda r: r["code"] == "20000"}[channel](reply), reply
    assert counts(container) == before
