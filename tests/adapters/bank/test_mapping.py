"""Pure translation: round trips canonical → package → canonical for every function, golden
packages byte for byte, pointers in the bank's terms, RETCOD families."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.bank import codes, mapping, xml
from adapters.bank.blocks import YUAN
from adapters.bank.channel import package as outbound_package
from adapters.bank.inbound import BankFrontendInbound
from gateway.delivery.ports import OutgoingMessage
from gateway.domain.partners import Partner, Role

from . import messages as m

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "bank"
REGENERATE = os.environ.get("GOVGATE_REGENERATE_GOLDEN") == "1"
SENT_AT = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC)
BANK = Partner("91150500MA0000004X", "通辽测试银行", frozenset({Role.BANK}), "150500",
               "https://bank.example.cn/front", "bank_frontend", {"lgnnam": "TLBANK01"})


def through_xml(blocks, message: dict, envelope: dict, funnam: str = "GVTEST") -> tuple[dict, dict]:
    data = xml.render(mapping.info(funnam, "TLBANK01"), mapping.to_blocks(blocks, message, envelope))
    return mapping.from_package(blocks, xml.parse(data))


ROUND_TRIPS = {
    "GVLNQUAL": (mapping.LOAN_QUALIFICATION, m.loan_requests, {"YURREF": "R1"}),
    "GVGRTREV": (mapping.GUARANTEE_REVIEW, m.guarantee_reviews, {"YURREF": "R1"}),
    "GVSUBCLM": (mapping.SUBSIDY_CLAIM, m.subsidy_claims, {"YURREF": "R1"}),
    "GVGRTDEC": (mapping.GUARANTEE_DECISION, m.guarantee_decisions,
                 {"YURREF": "M1", "SNDNBR": "S1", "SNDTIM": "20260302170005"}),
    "GVSUBDEC": (mapping.SUBSIDY_DECISION, m.subsidy_decisions,
                 {"YURREF": "M1", "SNDNBR": "S1", "SNDTIM": "20260302170005"}),
    "qualification reply": (mapping.QUALIFICATION, m.qualifications, {"YURREF": "R1"}),
    "accepted reply": (mapping.ACCEPTED, m.accepted, {"YURREF": "R1"}),
}


@pytest.mark.parametrize("name", ROUND_TRIPS)
def test_canonical_to_package_and_back_is_lossless(name):
    blocks, strategy, envelope = ROUND_TRIPS[name]

    @settings(max_examples=150, deadline=None)
    @given(strategy)
    def round_trip(message):
        assert through_xml(blocks, message, envelope) == (message, envelope)

    round_trip()


def _golden(name: str, data: bytes) -> None:
    path = GOLDEN / f"{name}.xml"
    if REGENERATE:
        path.write_bytes(data)
    assert data == path.read_bytes(), f"{path.name} differs; GOVGATE_REGENERATE_GOLDEN=1 rewrites it"


@pytest.mark.parametrize("name", [n for n in m.SAMPLES if n.startswith("GV")])
def test_inbound_golden_packages(name):
    funnam = name.split("-")[0]
    function = mapping.INBOUND[funnam]
    data = xml.render(mapping.info(funnam, "TLBANK01"),
                      mapping.to_blocks(function.blocks, m.SAMPLES[name], {"YURREF": "TL20260302000001"}))
    _golden(f"{name}-request", data)
    inbound = BankFrontendInbound().translate((GOLDEN / f"{name}-request.xml").read_bytes())
    assert (inbound.operation, inbound.body, inbound.reference) == \
        (function.operation, m.SAMPLES[name], "TL20260302000001")


@pytest.mark.parametrize("funnam", m.REPLIES)
def test_reply_golden_packages(funnam):
    inbound = BankFrontendInbound().translate((GOLDEN / f"{funnam}-request.xml").read_bytes())
    content_type, data = BankFrontendInbound.answer(inbound, 201, m.REPLIES[funnam])
    assert content_type == "application/xml; charset=GBK"
    _golden(f"{funnam}-reply", data)
    parsed = xml.parse(data)
    assert parsed.info["RETCOD"] == "0"
    assert mapping.from_package(mapping.INBOUND[funnam].reply, parsed)[0] == m.REPLIES[funnam]


@pytest.mark.parametrize("name", [n for n in m.SAMPLES if not n.startswith("GV")])
def test_outbound_golden_packages(name):
    kind = name.split("-")[0]
    message = OutgoingMessage("5f0c7a9e-2d7b-4c1e-9a51-6c7e1d2b3f40", kind, "91150500MA0000005X",
                              m.SAMPLES[name], SENT_AT)
    data = outbound_package(message, BANK)
    _golden(f"{name}", data)
    function = mapping.OUTBOUND[kind]
    payload, envelope = mapping.from_package(function.blocks, xml.parse(data))
    assert payload == m.SAMPLES[name]
    assert envelope == {"YURREF": message.message_id, "SNDNBR": message.sender_id, "SNDTIM": "20260302170005"}


def test_error_reply_golden_package():
    _content_type, data = BankFrontendInbound.error(401, "signature_invalid", "the signature does not verify")
    _golden("error-reply", data)


def test_an_error_reply_always_renders_even_text_gbk_lacks():
    _, data = BankFrontendInbound.error(422, "policy_violation", "名字 😀 \x01 bad")
    parsed = xml.parse(data).info
    assert parsed["RETCOD"] == "-3" and "名字 U+1F600" in parsed["ERRMSG"]


def test_text_outside_gbk_is_refused_never_replaced():
    with pytest.raises(xml.TextNotGbk, match="RSNINFZ/RSNTXT"):
        through_xml(mapping.GUARANTEE_DECISION, {"outcome": "declined", "reasons": ["😀"]},
                    {"YURREF": "M1", "SNDNBR": "S", "SNDTIM": "T"})


@pytest.mark.parametrize("pointer, field", [
    ("/applicant/citizen_id", "LNQUALX/CLTNBR"),
    ("/requested_amount_fen", "LNQUALX/TRSAMT"),
    ("/partners/1/name", "PTNINFZ[2]/CLTNAM"),
    ("/partners", "PTNINFZ"),
    ("/enterprise", "ENTINFX"),
    ("/enterprise/size_class", "ENTINFX/ENTSIZ"),
    ("/enterprise/hires/0/hired_on", "HIRINFZ[1]/HIRDAT"),
    ("/exemption_grounds_claimed/2", "EXMGRZ[3]/EXMGRD"),
    ("/no_such_field", "/no_such_field"),
])
def test_canonical_pointers_in_the_banks_terms(pointer, field):
    assert mapping.bank_field(mapping.LOAN_QUALIFICATION, pointer) == field


def test_claim_pointers_in_the_banks_terms():
    assert mapping.bank_field(mapping.SUBSIDY_CLAIM, "/lines/3/subsidy_requested_fen") == "SUBLINZ[4]/SUBAMT"
    assert mapping.bank_field(mapping.SUBSIDY_CLAIM, "/totals/interest_fen") == "SUBCLMX/TOTINT"


@pytest.mark.parametrize("status, reason, code", [
    (400, "xml_malformed", "-1"), (400, "schema_violation", "-2"), (422, "validation_failed", "-2"),
    (422, "policy_violation", "-3"), (422, "above_qualification", "-3"), (409, "already_claimed", "-4"),
    (422, "idempotency_key_reused", "-4"), (401, "signature_invalid", "-5"), (403, "not_granted", "-6"),
    (404, "route_not_found", "-7"), (413, "body_too_large", "-8"), (429, "rate_limited", "-9"),
    (503, "hr_unreachable", "-10"), (504, "hr_timeout", "-10"), (500, "internal_error", "-99"),
])
def test_every_problem_family_has_its_retcod(status, reason, code):
    assert codes.ret_code(status, reason).code == code


@given(st.integers(0, 10**13))
def test_amounts_are_yuan_with_two_decimals(fen):
    yuan = YUAN.to_xml(fen)
    assert yuan.count(".") == 1 and len(yuan.split(".")[1]) == 2 and YUAN.from_xml(yuan) == fen
