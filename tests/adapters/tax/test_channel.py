"""The tax channel over a mocked HTTP exchange (``responses``): every answer and failure."""

from __future__ import annotations

import base64

import pytest
import requests
import responses

from adapters.tax.channel import CONTENT_TYPE, TaxChannel
from adapters.tax.header import Header, document, reply_block
from adapters.tax.messages import read_conclusion, read_signed_reply
from adapters.tax.signature import sign_document
from adapters.tax.xml import render
from gateway.delivery.errors import NonRetryable, Retryable
from gateway.delivery.ports import OutgoingMessage
from gateway.domain.partners import Partner, Role
from gateway.errors import Forbidden, NotFound
from gateway.policy.calendar import WorkingDayCalendar

from .golden import ACCEPTED_AT, CONCLUSION, MESSAGE_ID, SETTINGS, gateway_key, tax_key

URL = "https://tax.example.test/cfx"
TAX = Partner(id="11150500000005017X", name="税务", roles=frozenset({Role.TAX}),
              division_code="150500", endpoint_url=URL, format="tax_cfx",
              format_settings={"src_node": SETTINGS.src_node, "des_node": SETTINGS.des_node,
                               "sm2_keyid": SETTINGS.sm2_keyid})
MESSAGE = OutgoingMessage(MESSAGE_ID, "deferral_conclusion", "sender", CONCLUSION, ACCEPTED_AT)


def registered_key(partner_id: str, keyid: str):
    assert (partner_id, keyid) == (TAX.id, SETTINGS.sm2_keyid)
    return tax_key().public_key()


def channel(partner_key=registered_key) -> TaxChannel:
    return TaxChannel(gateway_key, partner_key, WorkingDayCalendar(), timeout=(1.0, 2.0))


def reply_to(request_body: bytes, result: str = "90000", *, ref: str | None = None,
             src: str | None = None, ori: str = "3101", key=None) -> bytes:
    request, _ = read_conclusion(request_body, gateway_key().public_key(), SETTINGS.sm2)
    header = Header(src=src or request.des, des=request.src, app=request.app, msg_no="9120",
                    msg_id="20221013500100000001", msg_ref=ref or request.msg_id,
                    work_date=request.work_date)
    unsigned = render(document(header, reply_block(ori, result, "附言", "")))
    return sign_document(unsigned, key or tax_key(), SETTINGS.sm2)


def answering(status: int = 200, **reply):
    def callback(request):
        return status, {}, reply_to(request.body, **reply)
    return callback


@responses.activate
def test_a_90000_answer_is_a_delivery_with_the_answer_as_receipt():
    responses.add_callback(responses.POST, URL, callback=answering())
    ack = channel().deliver(MESSAGE, TAX)
    sent = responses.calls[0].request
    assert sent.headers["Content-Type"] == CONTENT_TYPE == "application/xml; charset=GBK"
    _, conclusion = read_conclusion(sent.body, gateway_key().public_key(), SETTINGS.sm2)
    assert conclusion == CONCLUSION
    receipt = ack.receipt
    assert ack.status == 200 and ack.evidence is None
    assert receipt["reply"]["Result"] == "90000" and receipt["reply"]["OriMsgNo"] == "3101"
    assert receipt["reply"]["AddWord"] == "附言"
    assert receipt["reply"]["MsgID"] == "20221013500100000001"
    assert receipt["reply"]["MsgRef"] == receipt["MsgID"]
    assert receipt["signature_verified"] is True and receipt["duplicate"] is False
    answer = base64.b64decode(receipt["reply_document"])  # kept whole, so it can be re-verified
    assert read_signed_reply(answer, tax_key().public_key(), SETTINGS.sm2).result == "90000"


@responses.activate
def test_every_attempt_sends_the_same_bytes():
    responses.add_callback(responses.POST, URL, callback=answering())
    channel().deliver(MESSAGE, TAX)
    channel().deliver(MESSAGE, TAX)
    first, second = (call.request.body for call in responses.calls)
    signed_part = first[:first.rfind(b"</CFX>")]
    assert signed_part == second[:second.rfind(b"</CFX>")]  # the SM2 signature is randomised


@pytest.mark.parametrize(("result", "error", "reason"), [
    ("91005", NonRetryable, "tax_signature_rejected"),
    ("91001", NonRetryable, "tax_message_malformed"),
    ("93001", Retryable, "tax_busy"),
    ("93999", Retryable, "tax_unavailable"),
    ("94123", NonRetryable, "tax_refused"),
])
@responses.activate
def test_result_codes_map_to_the_documented_outcomes(result, error, reason):
    responses.add_callback(responses.POST, URL, callback=answering(result=result))
    with pytest.raises(error) as failed:
        channel().deliver(MESSAGE, TAX)
    assert failed.value.reason == reason and result in failed.value.detail


@responses.activate
def test_a_duplicate_answer_counts_as_delivered():
    responses.add_callback(responses.POST, URL, callback=answering(result="91007"))
    assert channel().deliver(MESSAGE, TAX).receipt["duplicate"] is True


@pytest.mark.parametrize(("reply", "reason"), [
    ({"ref": "20990101000000000000"}, "tax_reply_mismatch"),
    ({"src": "999999999999"}, "tax_reply_mismatch"),
    ({"ori": "3102"}, "tax_reply_mismatch"),
])
@responses.activate
def test_an_answer_to_something_else_is_refused(reply, reason):
    responses.add_callback(responses.POST, URL, callback=answering(**reply))
    with pytest.raises(NonRetryable) as failed:
        channel().deliver(MESSAGE, TAX)
    assert failed.value.reason == reason


@pytest.mark.parametrize(("body", "reason"), [
    (lambda request: reply_to(request)[:reply_to(request).rfind(b"<!--")],
     "tax_reply_signature_invalid"),
    (lambda request: reply_to(request, key=gateway_key()), "tax_reply_signature_invalid"),
    (lambda request: b"<html>Service Unavailable</html>", "tax_reply_malformed"),
    (lambda request: b"\x00\xff" * 50_000, "tax_reply_malformed"),
])
@responses.activate
def test_an_unsigned_forged_or_garbage_answer_is_refused(body, reason):
    responses.add_callback(responses.POST, URL,
                           callback=lambda request: (200, {}, body(request.body)))
    with pytest.raises(NonRetryable) as failed:
        channel().deliver(MESSAGE, TAX)
    assert failed.value.reason == reason


@pytest.mark.parametrize(("raised", "error", "reason"), [
    (requests.ConnectTimeout(), Retryable, "recipient_timeout"),
    (requests.ReadTimeout(), Retryable, "recipient_timeout"),
    (requests.ConnectionError(), Retryable, "recipient_unreachable"),
    (requests.exceptions.InvalidURL(), NonRetryable, "recipient_endpoint_invalid"),
])
@responses.activate
def test_transport_failures_are_delivery_errors(raised, error, reason):
    responses.add(responses.POST, URL, body=raised)
    with pytest.raises(error) as failed:
        channel().deliver(MESSAGE, TAX)
    assert failed.value.reason == reason


@pytest.mark.parametrize(("status", "error", "reason"), [
    (500, Retryable, "recipient_server_error"),
    (429, Retryable, "recipient_rate_limited"),
    (503, Retryable, "recipient_server_error"),
    (400, NonRetryable, "recipient_rejected_message"),
    (302, NonRetryable, "recipient_redirected"),
])
@responses.activate
def test_http_statuses_follow_the_delivery_table(status, error, reason):
    responses.add(responses.POST, URL, status=status, body=b"x" * 100_000,
                  headers={"Retry-After": "120"})
    with pytest.raises(error) as failed:
        channel().deliver(MESSAGE, TAX)
    assert failed.value.reason == reason


def test_nothing_is_sent_for_a_kind_the_format_does_not_carry():
    with pytest.raises(NonRetryable) as failed:
        channel().deliver(OutgoingMessage("m", "subsidy_decision", "s", {}, ACCEPTED_AT), TAX)
    assert failed.value.reason == "tax_kind_unsupported"


def test_nothing_is_sent_for_an_untranslatable_payload():
    broken = OutgoingMessage("m", "deferral_conclusion", "s", {"n": 1}, ACCEPTED_AT)
    with pytest.raises(NonRetryable) as failed:
        channel().deliver(broken, TAX)
    assert failed.value.reason == "tax_message_untranslatable"


def test_nothing_is_sent_with_broken_settings():
    partner = Partner(**{**TAX.__dict__, "format_settings": {"src_node": "1"}})
    with pytest.raises(NonRetryable) as failed:
        channel().deliver(MESSAGE, partner)
    assert failed.value.reason == "tax_settings_invalid"
    assert "/src_node" in failed.value.detail and "/sm2_keyid" in failed.value.detail


@pytest.mark.parametrize("refusal", [NotFound("no key", reason="key_not_found"),
                                     Forbidden("revoked", reason="key_revoked")])
def test_nothing_is_sent_without_a_usable_partner_key(refusal):
    def missing(partner_id, keyid):
        raise refusal

    with pytest.raises(NonRetryable) as failed:
        channel(missing).deliver(MESSAGE, TAX)
    assert failed.value.reason == "tax_reply_key_unavailable"


def test_an_unknown_calendar_year_is_retried_later():
    from datetime import UTC, datetime

    late = OutgoingMessage("m", "deferral_conclusion", "s", CONCLUSION,
                           datetime(2031, 5, 1, tzinfo=UTC))
    with pytest.raises(Retryable) as failed:
        channel().deliver(late, TAX)
    assert failed.value.reason == "tax_calendar_unknown"
