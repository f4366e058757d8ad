"""Tax translation without HTTP: golden files, round trips, business dates and message ids."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.tax import codes
from adapters.tax.errors import CfxRejected
from adapters.tax.header import (
    business_date,
    document,
    msg_id,
    read_document,
    read_reply,
    reply_block,
)
from adapters.tax.messages import (
    conclusion_header,
    read_conclusion,
    read_signed_reply,
    signed_conclusion,
    unsigned_conclusion,
)
from adapters.tax.signature import split_signed
from adapters.tax.xml import parse, render
from gateway.policy.calendar import WorkingDayCalendar

from .golden import (
    CONCLUSION,
    FIXTURES,
    MESSAGE_ID,
    REPLY_MSG_ID,
    SETTINGS,
    conclusion_header_fixed,
    gateway_key,
    reply_header,
    tax_key,
    unsigned_reply,
)

CALENDAR = WorkingDayCalendar()


def test_the_outgoing_conclusion_matches_the_golden_file_byte_for_byte():
    golden = (FIXTURES / "deferral-conclusion-3101.xml").read_bytes()
    signed, _ = split_signed(golden)
    assert unsigned_conclusion(conclusion_header_fixed(), CONCLUSION) == signed
    header, conclusion = read_conclusion(golden, gateway_key().public_key(), SETTINGS.sm2)
    assert conclusion == CONCLUSION
    assert (header.msg_no, header.msg_id, header.msg_ref) == ("3101",) + (header.msg_id,) * 2
    assert header.work_date == dt.date(2022, 10, 13)


def test_the_golden_reply_verifies_and_reads():
    golden = (FIXTURES / "reply-9120.xml").read_bytes()
    request = conclusion_header_fixed()
    assert split_signed(golden)[0] == unsigned_reply(request)
    reply = read_signed_reply(golden, tax_key().public_key(), SETTINGS.sm2)
    assert (reply.ori_msg_no, reply.result, reply.information) == ("3101", "90000", "处理成功")
    assert (reply.header.msg_id, reply.header.msg_ref) == (REPLY_MSG_ID, request.msg_id)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl CLI")
def test_openssl_verifies_the_golden_signature(tmp_path):
    golden = (FIXTURES / "deferral-conclusion-3101.xml").read_bytes()
    signed, signature = split_signed(golden)
    (tmp_path / "doc").write_bytes(signed)
    (tmp_path / "sig").write_bytes(signature)
    (tmp_path / "pub.pem").write_text(gateway_key().public_key().to_pem())
    result = subprocess.run(
        ["openssl", "dgst", "-sm3", "-verify", str(tmp_path / "pub.pem"), "-sigopt",
         "distid:1234567812345678", "-signature", str(tmp_path / "sig"), str(tmp_path / "doc")],
        check=False, capture_output=True, text=True)
    if "distid" in result.stderr and result.returncode:
        pytest.skip("this openssl has no SM2 distid support")
    assert result.returncode == 0, result.stderr


def test_code_tables_are_one_to_one_and_cover_the_canonical_enums():
    from gateway.policy.industries import Industry, InsuranceType, SizeClass

    for table, enum in ((codes.INDUSTRY_CODES, Industry), (codes.SIZE_CODES, SizeClass),
                        (codes.INSURANCE_CODES, InsuranceType)):
        assert set(table) == {member.value for member in enum}
        assert len(set(table.values())) == len(table)


@pytest.mark.parametrize(("accepted", "work_date"), [
    (dt.datetime(2022, 10, 13, 1, 0, tzinfo=dt.UTC), dt.date(2022, 10, 13)),   # a Thursday
    (dt.datetime(2022, 10, 12, 16, 30, tzinfo=dt.UTC), dt.date(2022, 10, 13)),  # 00:30 in China
    (dt.datetime(2022, 10, 1, 2, 0, tzinfo=dt.UTC), dt.date(2022, 10, 8)),  # holiday → adjusted Sat
    (dt.datetime(2026, 3, 7, 2, 0, tzinfo=dt.UTC), dt.date(2026, 3, 9)),  # Saturday → Monday
])
def test_work_date_is_the_business_date_in_china(accepted, work_date):
    assert business_date(accepted, CALENDAR) == work_date


def test_msg_id_is_20_digits_stable_for_a_message_and_distinct_between_messages():
    day, at = dt.date(2022, 10, 13), dt.datetime(2022, 10, 13, 1, 30, 5, tzinfo=dt.UTC)
    first = msg_id(day, "100000000000", MESSAGE_ID, at)
    assert first == msg_id(day, "100000000000", MESSAGE_ID, at)
    assert len(first) == 20 and first.isdigit()
    assert first.startswith("20221013" + "0000" + "34205")  # date, node, 09:30:05 = 34205 s
    ids = {msg_id(day, "100000000000", f"message-{n}", at) for n in range(200)}
    assert len(ids) > 150  # 3 spread digits in one second: collisions are rare, not absent


texts = st.text(st.characters(codec="gbk", exclude_categories=("Cs", "Cc")), min_size=1,
                max_size=60)
fen = st.integers(min_value=0, max_value=100_000_000_000)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
months = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)).map(
    lambda d: d.strftime("%Y-%m"))


def _maybe(draw, target: dict, key: str, strategy) -> None:
    if draw(st.booleans()):
        target[key] = draw(strategy)


@st.composite
def conclusions(draw) -> dict:
    enterprise = {"credit_code": draw(st.from_regex(r"\A[0-9A-Z]{18}\Z")),
                  "name": draw(texts),
                  "industry": draw(st.sampled_from(sorted(codes.INDUSTRY_CODES))),
                  "size_class": draw(st.sampled_from(sorted(codes.SIZE_CODES)))}
    _maybe(draw, enterprise, "severely_affected_area", st.booleans())
    _maybe(draw, enterprise, "headcount", st.integers(0, 10_000_000))
    insurance = []
    for kind in draw(st.lists(st.sampled_from(sorted(codes.INSURANCE_CODES)), min_size=1,
                              max_size=3, unique=True)):
        item = {"type": kind, "fee_period_from": draw(months), "fee_period_to": draw(months),
                "deferred_until": draw(days).isoformat()}
        _maybe(draw, item, "deferred_amount_fen", fen)
        insurance.append(item)
    decision = {"outcome": draw(st.sampled_from(["approved", "rejected"]))}
    _maybe(draw, decision, "refusal_reason", texts)
    conclusion = {"enterprise": enterprise, "insurance": insurance,
                  "application_date": draw(days).isoformat(),
                  "decision_date": draw(days).isoformat(), "decision": decision,
                  "issuing_office": {"name": draw(texts),
                                     "division_code": draw(st.from_regex(r"\A[0-9]{6}\Z"))}}
    _maybe(draw, conclusion, "deferred_amount_fen", fen)
    return conclusion


@settings(max_examples=150, deadline=None)
@given(conclusions())
def test_every_conclusion_survives_canonical_to_cfx_to_canonical(conclusion):
    header = conclusion_header_fixed()
    outgoing = signed_conclusion(header, conclusion, gateway_key(), SETTINGS)
    read_header, back = read_conclusion(outgoing.document, gateway_key().public_key(),
                                        SETTINGS.sm2)
    assert back == conclusion
    assert read_header == header


@settings(max_examples=100, deadline=None)
@given(result=st.from_regex(r"\A9[0-9]{4}\Z"), add_word=texts.map(lambda s: s[:60]),
       information=st.text(st.characters(codec="gbk", exclude_categories=("Cs", "Cc")),
                           max_size=200))
def test_every_9120_answer_survives_writing_and_reading(result, add_word, information):
    header = reply_header(conclusion_header_fixed())
    reply = render(document(header, reply_block("3101", result, add_word, information)))
    answer = read_reply(*read_document(parse(reply)))
    assert (answer.result, answer.add_word, answer.information) == (result, add_word, information)


@pytest.mark.parametrize(("name", "reason"), [
    ("餐饮😀公司", "cfx_not_gbk"),          # outside GBK: refused, never written as '?'
    ("餐饮\x01公司", "cfx_field_invalid"),  # XML 1.0 cannot carry C0 controls
])
def test_text_that_cannot_travel_is_refused_before_anything_is_sent(name, reason):
    conclusion = {**CONCLUSION, "enterprise": {**CONCLUSION["enterprise"], "name": name}}
    with pytest.raises(CfxRejected) as refused:
        unsigned_conclusion(conclusion_header_fixed(), conclusion)
    assert refused.value.reason == reason


def test_carriage_returns_and_markup_survive_as_text():
    conclusion = {**CONCLUSION, "decision": {"outcome": "rejected",
                                             "refusal_reason": "行一\r\n行二 <b>&amp;</b>"}}
    outgoing = signed_conclusion(conclusion_header_fixed(), conclusion, gateway_key(), SETTINGS)
    _, back = read_conclusion(outgoing.document, gateway_key().public_key(), SETTINGS.sm2)
    assert back["decision"]["refusal_reason"] == "行一\r\n行二 <b>&amp;</b>"


def test_a_payload_that_is_not_a_conclusion_is_refused_with_a_reason():
    with pytest.raises(CfxRejected) as refused:
        unsigned_conclusion(conclusion_header_fixed(), {"n": 1})
    assert refused.value.reason == "cfx_missing_field"
    with pytest.raises(CfxRejected) as refused:
        unsigned_conclusion(conclusion_header_fixed(),
                            {**CONCLUSION, "enterprise": {**CONCLUSION["enterprise"],
                                                          "industry": "mining"}})
    assert refused.value.reason == "cfx_field_invalid"


def test_the_header_is_built_from_the_settings():
    header = conclusion_header(MESSAGE_ID, dt.datetime(2022, 10, 13, 1, 30, 5, tzinfo=dt.UTC),
                               SETTINGS, CALENDAR)
    assert (header.src, header.des, header.app, header.msg_no) == (
        "100000000000", "615050000001", "GOVGATE", "3101")
    assert header.msg_ref == header.msg_id
