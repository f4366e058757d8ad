"""Idempotency-Key on partners' POSTs (draft-ietf-httpapi-idempotency-key-header-07)."""

from __future__ import annotations

import pytest

from gateway import errors
from gateway.signatures import ResponseVerifier, keys_from_jwks, static_key_resolver, tagged_label
from gateway.signatures.profile import REPLAY_TAG, REQUEST_TAG
from tests.support.exchange import gateway_jwks, problem, received_response, sent_request, verify_receipt

ECHO = "/v1/connectivity-tests"
ROUTE = "connectivity_test"


def record(container, partner, key):
    with container.uow() as uow:
        return uow.idempotency.find(partner.id, "POST", ROUTE, key)


def logged(container, message_id):
    with container.uow() as uow:
        return uow.message_log.by_message_id(message_id)


def test_a_retry_after_completion_replays_the_stored_answer(client, partner, clock):
    first = partner.post(ECHO, json={"amount": "1500000.00"}, idempotency_key="apply-1")
    signed_at = clock()
    assert first.status_code == 200 and "idempotency-replayed" not in first.headers
    clock.advance(minutes=10)  # a fresh signature (new nonce, new created), the same request
    retry = partner.post(ECHO, json={"amount": "1500000.00"}, idempotency_key="apply-1")
    assert retry.status_code == 200
    assert retry.headers["idempotency-replayed"] == "true"
    assert retry.content == first.content
    # The original receipt is kept byte for byte (it still proves the first request) ...
    assert retry.headers["signature"].startswith(first.headers["signature"] + ", govgate-replay=")
    assert retry.headers["signature-input"].startswith(first.headers["signature-input"] + ", govgate-replay=")
    assert retry.headers["content-digest"] == first.headers["content-digest"]
    verify_receipt(client, first, lambda: signed_at)
    # ... and a second gateway signature binds the stored answer to this retry.
    keys = keys_from_jwks(gateway_jwks(client))
    request = sent_request(retry)
    ResponseVerifier(static_key_resolver(keys, "gateway"), clock=clock, tag=REPLAY_TAG).verify(
        received_response(retry), request, tagged_label(request.headers, REQUEST_TAG))


def test_the_same_key_with_another_body_is_422(client, partner, clock):
    assert partner.post(ECHO, json={"n": 1}, idempotency_key="k").status_code == 200
    reused = partner.post(ECHO, json={"n": 2}, idempotency_key="k")
    problem(reused, 422, "idempotency_key_reused")
    verify_receipt(client, reused, clock)


def test_a_key_still_being_processed_is_409(client, container, partner, clock):
    body = b'{"n": 1}'
    claim = container.idempotency.begin(partner.id, "POST", ROUTE, "busy", body)
    response = partner.post(ECHO, body=body, idempotency_key="busy")
    problem(response, 409, "idempotency_in_progress")
    verify_receipt(client, response, clock)
    container.idempotency.release(claim)
    assert partner.post(ECHO, body=body, idempotency_key="busy").status_code == 200


def test_the_scope_is_partner_method_and_route(client, partner, other_partner):
    mine = partner.post(ECHO, json={"n": 1}, idempotency_key="shared")
    theirs = other_partner.post(ECHO, json={"n": 2}, idempotency_key="shared")
    assert mine.status_code == theirs.status_code == 200
    assert "idempotency-replayed" not in theirs.headers
    assert theirs.json()["partner_id"] == other_partner.id
    assert theirs.json()["message_id"] != mine.json()["message_id"]


@pytest.mark.parametrize(
    "bad_body,status,reason",
    [
        (b"[1, 2]", 400, "schema_violation"),
        (b"{not json", 400, None),
    ],
)
def test_a_failed_request_releases_the_key(client, container, partner, bad_body, status, reason):
    failed = partner.post(ECHO, body=bad_body, idempotency_key="fix-me")
    assert failed.status_code == status, failed.text
    if reason:
        assert failed.json()["reason"] == reason
    assert record(container, partner, "fix-me") is None
    corrected = partner.post(ECHO, json={"n": 1}, idempotency_key="fix-me")
    assert corrected.status_code == 200, corrected.text
    assert "idempotency-replayed" not in corrected.headers


def test_a_refused_reuse_does_not_disturb_the_first_answer(client, container, partner):
    first = partner.post(ECHO, json={"n": 1}, idempotency_key="k")
    problem(partner.post(ECHO, json={"n": 2}, idempotency_key="k"), 422, "idempotency_key_reused")
    again = partner.post(ECHO, json={"n": 1}, idempotency_key="k")
    assert again.headers["idempotency-replayed"] == "true" and again.content == first.content


def test_keys_expire_after_the_ttl(client, container, partner, clock):
    first = partner.post(ECHO, json={"n": 1}, idempotency_key="daily")
    clock.advance(hours=23, minutes=59)
    problem(
        partner.post(ECHO, json={"n": 2}, idempotency_key="daily"), 422, "idempotency_key_reused"
    )
    clock.advance(minutes=2)
    fresh = partner.post(ECHO, json={"n": 2}, idempotency_key="daily")
    assert fresh.status_code == 200 and "idempotency-replayed" not in fresh.headers
    assert fresh.json()["message_id"] != first.json()["message_id"]


def test_success_writes_the_record_and_the_log_entry_together(client, container, partner):
    response = partner.post(ECHO, json={"n": 1}, idempotency_key="together")
    message_id = response.json()["message_id"]
    stored = record(container, partner, "together")
    assert stored.state == "completed" and stored.message_id == message_id
    assert bytes(stored.response_body) == response.content
    [entry] = logged(container, message_id)
    receipt, leaf_signature = response.headers["signature"].split(", ")
    assert entry.record.response_signature == receipt and leaf_signature.startswith("govgate-log=")


def test_a_failure_while_recording_leaves_neither(client, container, partner, monkeypatch):
    appended = []
    real_append = container.message_log.append

    def append_then_fail_later(uow, record, *leaf):
        appended.append(record.message_id)
        return real_append(uow, record, *leaf)

    def complete_fails(uow, claim, response, message_id):
        raise errors.Unavailable("the idempotency store is full")

    monkeypatch.setattr(container.message_log, "append", append_then_fail_later)
    monkeypatch.setattr(container.idempotency, "complete", complete_fails)
    response = partner.post(ECHO, json={"n": 1}, idempotency_key="atomic")
    problem(response, 503, "unavailable")
    [message_id] = appended  # the log entry was written, then rolled back with the record
    assert logged(container, message_id) == []
    assert record(container, partner, "atomic") is None
    monkeypatch.undo()
    retried = partner.post(ECHO, json={"n": 1}, idempotency_key="atomic")
    assert retried.status_code == 200 and "idempotency-replayed" not in retried.headers
