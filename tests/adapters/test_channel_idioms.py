"""One contract over the three channel idioms of 86号-11…15, without HTTP: each sample claim
(tests/fixtures/<channel>/) becomes the same canonical ``PersonApplication``, the same decision
goes back in each idiom, and every bad message is an ``InvalidInput``/``Forbidden`` naming the
channel's own field — never another exception. The error renderers never raise."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.ecard.inbound import EcardInbound
from adapters.national_platform.inbound import NationalPlatformInbound
from adapters.social_security.claims import CodedClaimsInbound
from gateway.errors import Forbidden, InvalidInput
from gateway.idioms import InboundRequest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CANONICAL = json.loads((FIXTURES / "channels" / "person-application.json").read_text(encoding="utf-8"))
DECISION = json.loads((FIXTURES / "channels" / "decision.json").read_text(encoding="utf-8"))


def _biz(message: dict) -> dict:
    return json.loads(message["biz_content"])


def _set_biz(message: dict, changes: dict) -> None:
    message["biz_content"] = json.dumps({**_biz(message), **changes}, ensure_ascii=False)


@dataclass(frozen=True)
class Channel:
    name: str
    idiom: object
    sample: str
    settings: dict
    reference: str  # the sample's reference
    fields: Callable[[dict], dict]  # the claim's flat fields in a message
    change: Callable[[dict, dict], None]  # change some of those fields
    benefit: str  # the benefit code's field, and its partner pointer
    citizen_id: str  # the partner pointer of the citizen id
    date_field: str
    decided: Callable[[dict], dict]  # the decision inside a reply
    ok: Callable[[dict], bool]
    error_code: Callable[[dict], str]


def _params_change(key):
    return lambda message, changes: message[key].update(changes)


CHANNELS = [
    Channel("counter", CodedClaimsInbound(), "counter/claim-unemployment-benefit.json", {},
            "GT20260301000001", lambda m: m["params"], _params_change("params"), "YAD101",
            "/params/AAC002", "AAE036", lambda r: r["data"], lambda r: r["code"] == "0",
            lambda r: r["code"]),
    Channel("national_platform", NationalPlatformInbound(), "national_platform/claim-unemployment-benefit.json",
            {"send_org": "SI12333"}, "NP20260301000001", lambda m: m["body"], _params_change("body"),
            "benefitType", "/body/aac002", "applyDate", lambda r: r["body"],
            lambda r: r["head"]["retCode"] == "0000", lambda r: r["head"]["retCode"]),
    Channel("ecard", EcardInbound(), "ecard/claim-unemployment-benefit-alipay.json", {"channel_no": "ALIPAY"},
            "EC20260301000001", _biz, _set_biz, "benefit_code", "/biz_content/cert_no", "apply_date",
            lambda r: json.loads(r["biz_response"]), lambda r: r["code"] == "10000", lambda r: r["code"]),
]


@pytest.fixture(params=CHANNELS, ids=lambda c: c.name)
def channel(request) -> Channel:
    return request.param


def sample(channel: Channel) -> dict:
    return json.loads((FIXTURES / channel.sample).read_text(encoding="utf-8"))


def partner(channel: Channel):
    return SimpleNamespace(format_settings=dict(channel.settings))


def translate(channel: Channel, message) -> InboundRequest:
    data = message if isinstance(message, bytes) else json.dumps(message, ensure_ascii=False).encode()
    return channel.idiom.translate(data, partner(channel))


def changed(channel: Channel, **changes) -> dict:
    message = sample(channel)
    channel.change(message, changes)
    return message


def test_every_sample_is_the_same_canonical_claim(channel):
    inbound = translate(channel, sample(channel))
    assert inbound.operation == "submit_application" and inbound.schema == "PersonApplication"
    assert inbound.body == CANONICAL
    assert inbound.arguments == {"measure": "86号-12"}
    assert inbound.reference == channel.reference


def test_the_decision_goes_back_in_the_idiom(channel):
    inbound = translate(channel, sample(channel))
    content_type, data = channel.idiom.answer(inbound, 201, DECISION)
    assert content_type == "application/json"
    reply = json.loads(data)
    assert channel.ok(reply)
    decided = channel.decided(reply)
    assert DECISION["id"] in decided.values() and DECISION["subject"] in decided.values()
    assert "1674.00" in decided.values()  # 167,400 fen in yuan
    assert DECISION["rule_set_version"] in decided.values()
    assert sample(channel) and channel.fields(sample(channel))[channel.benefit] in decided.values()
    reasons = next(v for v in decided.values() if isinstance(v, list))
    assert [set(r.values()) for r in reasons] == [{"eligible", "insured 36 months; involuntary"}]


def test_outcomes_and_accounts_are_written_as_codes(channel):
    inbound = translate(channel, sample(channel))
    seen = set()
    for outcome in ("eligible", "refused", "eligible_no_account"):
        decided = channel.decided(json.loads(channel.idiom.answer(inbound, 201, {**DECISION, "outcome": outcome})[1]))
        assert outcome not in decided.values()
        seen.add(json.dumps(decided, sort_keys=True))
    assert len(seen) == 3
    assert "bank_account" not in channel.decided(json.loads(channel.idiom.answer(inbound, 201, DECISION)[1])).values()


def test_a_claim_without_account_or_certificate_has_none(channel):
    message = sample(channel)
    fields = channel.fields(message)
    kept = {k: v for k, v in fields.items() if k in (channel.benefit, channel.date_field)
            or k in ("AAC002", "AAC003", "AAB301", "aac002", "aac003", "aab301", "cert_no", "user_name", "area_code")}
    if channel.name == "ecard":
        message["biz_content"] = json.dumps(kept, ensure_ascii=False)
    else:
        fields.clear()
        fields.update(kept)
    body = translate(channel, message).body
    assert body == {k: CANONICAL[k] for k in ("person", "claimed_on")}


def test_the_canonical_pointers_are_named_in_the_channels_terms(channel):
    inbound = translate(channel, sample(channel))
    assert channel.idiom.field_name(inbound, "/person/citizen_id") == channel.citizen_id
    assert channel.idiom.field_name(inbound, "/payment_account").count("|") == 3  # the account's fields
    assert channel.idiom.reference_field


def refusal(channel: Channel, message, kind=InvalidInput):
    with pytest.raises(kind) as refused:
        translate(channel, message)
    return refused.value


@pytest.mark.parametrize("data", [b"", b"{", b"[]", b"null", b'{"a": 1, "a": 2}', b"\xff\xfe", b'"text"'])
def test_broken_json_is_a_400(channel, data):
    refused = refusal(channel, data)
    assert refused.status == 400 and refused.reason


def test_an_unknown_benefit_code_is_refused_naming_its_field(channel):
    refused = refusal(channel, changed(channel, **{channel.benefit: "9999"}))
    assert refused.status == 400 and refused.reason == "benefit_unknown"
    assert [e.pointer.rsplit("/", 1)[-1] for e in refused.errors] == [channel.benefit]


def test_an_unknown_field_is_refused_naming_it(channel):
    refused = refusal(channel, changed(channel, NOSUCH="x"))
    assert refused.status == 400 and refused.reason == "field_invalid"
    assert [e.pointer.rsplit("/", 1)[-1] for e in refused.errors] == ["NOSUCH"]


def test_an_unknown_account_kind_is_refused_naming_its_field(channel):
    account_field = {"counter": "YAE101", "national_platform": "accountType", "ecard": "account_type"}[channel.name]
    refused = refusal(channel, changed(channel, **{account_field: "9"}))
    assert [e.pointer.rsplit("/", 1)[-1] for e in refused.errors] == [account_field]


def test_a_compact_date_that_is_no_day_is_refused_naming_its_field(channel):
    if channel.name == "ecard":  # ISO dates: the pipeline checks them (/claimed_on → apply_date)
        assert translate(channel, changed(channel, apply_date="2026-02-30")).body["claimed_on"] == "2026-02-30"
        return
    refused = refusal(channel, changed(channel, **{channel.date_field: "20260230"}))
    assert [e.pointer.rsplit("/", 1)[-1] for e in refused.errors] == [channel.date_field]


def test_an_envelope_missing_its_reference_is_refused(channel):
    message = sample(channel)
    {"counter": lambda m: m.pop("requestId"), "national_platform": lambda m: m["head"].pop("serialNo"),
     "ecard": lambda m: m.pop("out_request_no")}[channel.name](message)
    refused = refusal(channel, message)
    assert refused.status == 400 and refused.errors


def test_a_wrapped_envelope_is_refused(channel):
    refused = refusal(channel, {"request": sample(channel)})
    assert refused.status == 400


@settings(max_examples=60, deadline=None)
@given(status=st.sampled_from([400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503, 504, 418]),
       reason=st.from_regex(r"[a-z_]{1,30}", fullmatch=True), detail=st.text(max_size=300),
       errors=st.none() | st.lists(st.fixed_dictionaries({"pointer": st.text(max_size=40),
                                                          "detail": st.text(max_size=80)}), max_size=30))
def test_the_error_renderers_never_raise_and_never_say_success(status, reason, detail, errors):
    for channel in CHANNELS:
        content_type, data = type(channel.idiom).error(status, reason, detail, copy.deepcopy(errors))
        reply = json.loads(data)
        assert content_type == "application/json"
        assert not channel.ok(reply) and channel.error_code(reply)
        assert reason in data.decode()


def test_an_error_names_the_bad_fields_without_the_http_prefix(channel):
    _, data = type(channel.idiom).error(400, "schema_violation", "the body does not match the contract",
                                        [{"pointer": "/body/params/AAC002", "detail": "is required"}])
    text = data.decode()
    assert "/params/AAC002: is required" in text and "/body/params" not in text


def test_the_same_status_is_the_same_code_in_every_idiom_family(channel):
    render = type(channel.idiom).error
    code = lambda status: channel.error_code(json.loads(render(status, "r", "d", None)[1]))
    assert code(400) == code(413) == code(415)
    assert code(503) == code(504) == code(429)
    assert len({code(s) for s in (400, 401, 403, 422)}) == 4 or channel.name == "ecard"
    assert code(500) != code(400)


def test_the_national_platform_checks_its_organisation_and_head():
    channel = CHANNELS[1]
    message = sample(channel)
    message["head"]["sendOrg"] = "OTHER"
    refused = refusal(channel, message, Forbidden)
    assert refused.reason == "send_org_mismatch"
    for name, value, reason in [("busiCode", "XXXX0001", "busi_code_unknown"), ("sendTime", "20261301093000", "field_invalid"),
                                ("sendTime", "2026-03-01 09:30", "field_invalid"), ("extra", "x", "field_invalid")]:
        message = sample(channel)
        message["head"][name] = value
        refused = refusal(channel, message)
        assert refused.reason == reason and refused.errors[0].pointer == f"/head/{name}", name


def test_the_ecard_checks_its_card_service_method_charset_and_biz_content():
    channel = CHANNELS[2]
    refused = refusal(channel, {**sample(channel), "channel_no": "WECHAT"}, Forbidden)
    assert refused.reason == "channel_no_mismatch"
    wechat = SimpleNamespace(format_settings={"channel_no": "WECHAT"})
    data = json.dumps({**sample(channel), "channel_no": "WECHAT"}).encode()
    assert channel.idiom.translate(data, wechat).body == CANONICAL
    for name, value, reason in [("method", "alipay.trade.pay", "method_unknown"), ("charset", "GBK", "field_invalid"),
                                ("channel_no", "UNIONPAY", "field_invalid"), ("timestamp", "20260301", "field_invalid"),
                                ("biz_content", "{not json", "malformed_json"), ("biz_content", "[1]", "biz_content_invalid")]:
        refused = refusal(channel, {**sample(channel), name: value})
        assert refused.reason == reason and refused.errors[0].pointer.startswith(f"/{name}"), (name, refused.reason)


def test_the_counter_checks_its_service_code():
    channel = CHANNELS[0]
    refused = refusal(channel, {**sample(channel), "serviceCode": "QRY_PERSON_FACTS"})
    assert refused.reason == "service_unknown" and refused.errors[0].pointer == "/serviceCode"
