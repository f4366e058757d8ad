"""The canonical HTTP channel against `responses`: what it sends, and every failure mapped."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests
import responses

from gateway.client import as_http_request
from gateway.delivery import CanonicalChannel, NonRetryable, OutgoingMessage, Retryable
from gateway.domain.partners import Partner, Role
from gateway.evidence import chain
from gateway.signatures import (
    DELIVERY_TAG,
    RECEIPT_TAG,
    RESPONSE_TAG,
    HttpResponse,
    InMemoryNonceStore,
    RequestVerifier,
    ResponseSigner,
    SigningKey,
    static_key_resolver,
)
from tests.support.ids import credit_code

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RECIPIENT, OTHER = credit_code(1), credit_code(2)
URL = "https://recipient.example.cn/govgate/messages/deferral-conclusion"
GATEWAY_KEY = SigningKey.generate("ed25519", "gw-test")
RECIPIENT_KEY = SigningKey.generate("ecdsa-p256-sha256", "recipient-receipts")
OTHER_KEY = SigningKey.generate("ed25519", "other-partner")
MESSAGE = OutgoingMessage("0b7e9a52-1111-4c6e-9d7e-3f0c2a1b4d5e", "deferral-conclusion",
                          credit_code(3), {"conclusion": "deferred", "金额": 1200}, NOW)
PARTNER = Partner(RECIPIENT, "接收方", frozenset({Role.TAX}), "150500",
                  "https://recipient.example.cn/govgate/")


def clock() -> datetime:
    return NOW


def channel() -> CanonicalChannel:
    keys = {k.keyid: k.public_info() for k in (RECIPIENT_KEY,)}
    resolvers = [static_key_resolver(keys, RECIPIENT),
                 static_key_resolver({OTHER_KEY.keyid: OTHER_KEY.public_info()}, OTHER)]

    def resolver(keyid):
        return next((k for r in resolvers if (k := r(keyid)) is not None), None)

    return CanonicalChannel(lambda: (GATEWAY_KEY.keyid, GATEWAY_KEY), resolver, clock=clock)


def receipt(key=RECIPIENT_KEY, *, tag=RECEIPT_TAG, status=200, tamper=False):
    def callback(prepared):
        body = json.dumps({"status": "accepted"}).encode()
        response = HttpResponse(status, {"Content-Type": "application/json"}, body)
        fields = ResponseSigner(key, tag=tag, clock=clock).sign(
            response, as_http_request(prepared), "sig1")
        headers = {"Content-Type": "application/json", **dict(fields.headers())}
        return status, headers, body + (b" " if tamper else b"")

    return callback


@responses.activate
def test_a_signed_delivery_with_a_verified_receipt():
    responses.add_callback(responses.POST, URL, callback=receipt(), content_type=None)
    ack = channel().deliver(MESSAGE, PARTNER)

    [call] = responses.calls
    sent = as_http_request(call.request)
    assert sent.headers.get("idempotency-key") == MESSAGE.message_id
    assert json.loads(sent.body) == {"message_id": MESSAGE.message_id,
                                     "kind": "deferral-conclusion",
                                     "sender_id": MESSAGE.sender_id,
                                     "sent_at": "2026-03-02T09:00:00.000000Z",
                                     "payload": MESSAGE.payload}
    gateway = static_key_resolver({GATEWAY_KEY.keyid: GATEWAY_KEY.public_info()}, "govgate")
    verified = RequestVerifier(gateway, InMemoryNonceStore(clock), clock=clock,
                               tag=DELIVERY_TAG).verify(sent)
    assert dict(verified.components)['"idempotency-key"'] == MESSAGE.message_id

    assert ack.status == 200
    assert ack.receipt["keyid"] == RECIPIENT_KEY.keyid and ack.receipt["partner_id"] == RECIPIENT
    assert ack.receipt["body"] == {"status": "accepted"}
    record = ack.evidence
    assert record.direction == "outbound-delivery" and record.partner_id == RECIPIENT
    assert record.operation == "deliver:deferral-conclusion" and record.body == sent.body
    assert 'keyid="gw-test"' in record.signature_input
    assert 'keyid="recipient-receipts"' in record.response_signature_input
    assert record.response_components['"signature";req;key="sig1"'].startswith(":")
    chain.append(chain.GENESIS, record)  # well-formed for the log (raises otherwise)


@responses.activate
def test_every_attempt_sends_the_same_bytes():
    responses.add_callback(responses.POST, URL, callback=receipt(), content_type=None)
    channel().deliver(MESSAGE, PARTNER)
    channel().deliver(MESSAGE, PARTNER)
    first, second = (call.request for call in responses.calls)
    assert first.body == second.body
    assert first.headers["Signature"] != second.headers["Signature"]  # fresh nonce each time


@pytest.mark.parametrize(("raised", "kind", "reason"), [
    (requests.ConnectTimeout(), Retryable, "recipient_timeout"),
    (requests.ReadTimeout(), Retryable, "recipient_timeout"),
    (requests.ConnectionError(), Retryable, "recipient_unreachable"),
    (requests.exceptions.SSLError(), Retryable, "recipient_unreachable"),
    (requests.exceptions.InvalidHeader(), NonRetryable, "recipient_endpoint_invalid"),
])
@responses.activate
def test_transport_errors(raised, kind, reason):
    responses.add(responses.POST, URL, body=raised)
    with pytest.raises(kind) as caught:
        channel().deliver(MESSAGE, PARTNER)
    assert caught.value.reason == reason and caught.value.__cause__ is raised


@pytest.mark.parametrize(("status", "headers", "kind", "reason", "retry_after"), [
    (500, {}, Retryable, "recipient_server_error", None),
    (503, {"Retry-After": "30"}, Retryable, "recipient_server_error", 30),
    (429, {"Retry-After": "120"}, Retryable, "recipient_rate_limited", 120),
    (408, {}, Retryable, "recipient_timeout", None),
    (400, {}, NonRetryable, "recipient_rejected_message", None),
    (401, {}, NonRetryable, "recipient_refused_signature", None),
    (404, {}, NonRetryable, "recipient_endpoint_not_found", None),
    (302, {"Location": "https://elsewhere.example.cn/"}, NonRetryable, "recipient_redirected", None),
])
@responses.activate
def test_status_errors(status, headers, kind, reason, retry_after):
    responses.add(responses.POST, URL, status=status, headers=headers, json={"error": "x"})
    with pytest.raises(kind) as caught:
        channel().deliver(MESSAGE, PARTNER)
    assert caught.value.reason == reason
    assert getattr(caught.value, "retry_after", None) == retry_after
    assert len(responses.calls) == 1  # redirects are not followed


@pytest.mark.parametrize(("callback", "reason"), [
    (None, "receipt_signature_missing"),
    (receipt(tag=RESPONSE_TAG), "receipt_signature_tag_missing"),
    (receipt(SigningKey.generate("ed25519", "unregistered")), "receipt_key_unknown"),
    (receipt(SigningKey.generate("ed25519", RECIPIENT_KEY.keyid)), "receipt_signature_invalid"),
    (receipt(tamper=True), "receipt_content_digest_mismatch"),
    (receipt(OTHER_KEY), "receipt_wrong_signer"),
])
@responses.activate
def test_a_bad_receipt_is_not_retried(callback, reason):
    if callback is None:
        responses.add(responses.POST, URL, status=200, json={"status": "accepted"})
    else:
        responses.add_callback(responses.POST, URL, callback=callback, content_type=None)
    with pytest.raises(NonRetryable) as caught:
        channel().deliver(MESSAGE, PARTNER)
    assert caught.value.reason == reason
