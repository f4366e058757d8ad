"""The worker against real simulator servers on loopback: success, retries, dead letters."""

from __future__ import annotations

import socket
from datetime import timedelta

from gateway.delivery import DeliveryWorker
from gateway.delivery.registry import AdapterRegistry
from gateway.delivery.status import recipient_status
from gateway.evidence.keys import GatewayKeys
from gateway.signatures import SigningKey
from gateway.simulators import Behaviour
from tests.support.ids import credit_code

from .conftest import delivery_of, first_attempt_policy, log_entries, register_partner


def test_delivery_stores_the_verified_receipt_and_appends_evidence(
        container, recipients, accept, make_worker, gateway_jwks):
    first, second = recipients(), recipients()
    message_id = accept(first.partner_id, second.partner_id, payload={"conclusion": "deferred"})

    assert make_worker().run_once() == 2

    for simulator in (first, second):
        delivery = delivery_of(container, message_id, simulator.partner_id)
        assert (delivery.state, delivery.attempts) == ("delivered", 1)
        assert delivery.delivered_at == container.clock()
        assert delivery.receipt["keyid"] == simulator.signing_key.keyid
        assert delivery.receipt["partner_id"] == simulator.partner_id
        assert delivery.receipt["body"]["duplicate"] is False
        assert simulator.received[message_id]["payload"] == {"conclusion": "deferred"}
        assert not simulator.duplicates and not simulator.refused
    entries = log_entries(container, message_id)
    assert sorted((e.record.partner_id, e.record.direction) for e in entries) == sorted(
        (p, d) for p in (first.partner_id, second.partner_id) for d in ("outbound-delivery", "receipt"))
    report = container.message_log.verify(GatewayKeys.from_jwks(gateway_jwks()))
    assert report.ok, report


def test_a_500_then_200_recipient_is_delivered_on_retry(container, clock, recipients, accept,
                                                        make_worker):
    simulator = recipients(Behaviour(fail_times=1, fail_status=500))
    message_id = accept(simulator.partner_id)
    worker = make_worker(first_attempt_policy(base_delay=10))

    assert worker.run_once() == 1
    failed = delivery_of(container, message_id)
    assert (failed.state, failed.attempts, failed.last_error_reason) == (
        "failed", 1, "recipient_server_error")
    assert failed.next_attempt_at == clock() + timedelta(seconds=10)
    assert worker.run_once() == 0  # not due yet

    clock.advance(seconds=10)
    assert worker.run_once() == 1
    delivered = delivery_of(container, message_id)
    assert (delivered.state, delivered.attempts) == ("delivered", 2)
    assert delivered.last_error_reason == "recipient_server_error"  # kept as history
    assert simulator.requests == 2 and list(simulator.received) == [message_id]


def test_429_retry_after_is_honoured(container, clock, recipients, accept, make_worker):
    simulator = recipients(Behaviour(fail_times=1, fail_status=429, retry_after="120"))
    message_id = accept(simulator.partner_id)
    worker = make_worker(first_attempt_policy(base_delay=1, uniform=lambda low, high: low))

    worker.run_once()
    delivery = delivery_of(container, message_id)
    assert delivery.last_error_reason == "recipient_rate_limited"
    assert delivery.next_attempt_at == clock() + timedelta(seconds=120)
    clock.advance(seconds=119)
    assert worker.run_once() == 0
    clock.advance(seconds=1)
    assert worker.run_once() == 1
    assert delivery_of(container, message_id).state == "delivered"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_recipient_is_retried_then_dead(container, clock, accept, make_worker):
    partner_id = "91110000600037341L"
    register_partner(container, partner_id, f"http://127.0.0.1:{closed_port()}/govgate", None)
    message_id = accept(partner_id)
    worker = make_worker(first_attempt_policy(max_attempts=3, base_delay=5, max_delay=100))

    states = []
    for _ in range(3):
        assert worker.run_once() == 1
        delivery = delivery_of(container, message_id)
        states.append((delivery.state, delivery.attempts, delivery.last_error_reason))
        clock.advance(seconds=100)
    assert states == [("failed", 1, "recipient_unreachable"), ("failed", 2, "recipient_unreachable"),
                      ("dead", 3, "recipient_unreachable")]
    assert worker.run_once() == 0  # a dead letter stays put


def test_a_timeout_is_retryable(container, recipients, accept, make_worker):
    simulator = recipients(Behaviour(delay_seconds=1.0))
    message_id = accept(simulator.partner_id)
    make_worker(timeout=(1.0, 0.2)).run_once()
    delivery = delivery_of(container, message_id)
    assert (delivery.state, delivery.last_error_reason) == ("failed", "recipient_timeout")


def test_400_is_dead_at_once(container, recipients, accept, make_worker):
    simulator = recipients(Behaviour(reject_status=400))
    message_id = accept(simulator.partner_id)
    make_worker().run_once()
    delivery = delivery_of(container, message_id)
    assert (delivery.state, delivery.attempts) == ("dead", 1)
    assert delivery.last_error_reason == "recipient_rejected_message"
    assert delivery.receipt is None and log_entries(container, message_id) == []


def test_a_bad_receipt_signature_is_dead_with_its_reason(container, recipients, accept,
                                                         make_worker):
    cases = {"bad_signature": "receipt_signature_invalid", "unsigned": "receipt_signature_missing",
             "foreign_key": "receipt_key_unknown"}
    messages = {}
    for mode in cases:
        simulator = recipients(Behaviour(receipt=mode))
        messages[mode] = accept(simulator.partner_id)
    make_worker().run_once()
    for mode, reason in cases.items():
        delivery = delivery_of(container, messages[mode])
        assert (delivery.state, delivery.last_error_reason) == ("dead", reason), mode
        assert delivery.receipt is None and log_entries(container, messages[mode]) == []


def test_the_receipt_must_be_signed_by_the_recipients_own_key(container, recipients, accept,
                                                              make_worker):
    """A receipt signed with a key registered to another partner is refused."""
    bystander = recipients()
    impostor = recipients(Behaviour(receipt="foreign_key"))
    impostor.foreign_key = bystander.signing_key  # registered, but for the bystander
    message_id = accept(impostor.partner_id)
    make_worker().run_once()
    delivery = delivery_of(container, message_id)
    assert (delivery.state, delivery.last_error_reason) == ("dead", "receipt_wrong_signer")


def test_the_receipt_is_checked_against_the_registered_key(container, recipients, accept,
                                                           make_worker):
    """The simulator signs with a key whose keyid is registered, but whose key is not."""
    simulator = recipients()
    simulator.signing_key = SigningKey.generate("ed25519", simulator.signing_key.keyid)
    message_id = accept(simulator.partner_id)
    make_worker().run_once()
    delivery = delivery_of(container, message_id)
    assert (delivery.state, delivery.last_error_reason) == ("dead", "receipt_signature_invalid")


def test_a_suspended_recipient_is_a_dead_letter(container, recipients, accept, make_worker):
    from gateway.domain.partners import PartnerStatus

    simulator = recipients()
    message_id = accept(simulator.partner_id)
    with container.uow() as uow:
        container.partners.set_status(uow, simulator.partner_id, PartnerStatus.SUSPENDED,
                                      container.clock())
    make_worker().run_once()
    delivery = delivery_of(container, message_id)
    assert (delivery.state, delivery.last_error_reason) == ("dead", "recipient_suspended")
    assert simulator.requests == 0


def test_a_stale_worker_cannot_overwrite_and_its_duplicate_receipt_is_ignored(
        container, clock, recipients, accept, make_worker):
    simulator = recipients()
    message_id = accept(simulator.partner_id)
    slow = make_worker(lease_seconds=30, worker_id="slow")
    fast = make_worker(lease_seconds=30, worker_id="fast")

    stale_job = slow.claim()
    assert fast.claim() is None  # leased
    clock.advance(seconds=31)  # the slow worker's lease runs out
    fresh_job = fast.claim()
    assert (fresh_job.lease.worker_id, fresh_job.attempt) == ("fast", 2)
    assert fast.attempt(fresh_job) == "delivered"
    first_receipt = delivery_of(container, message_id).receipt

    assert slow.attempt(stale_job) is None  # it did deliver, but its lease was lost
    delivery = delivery_of(container, message_id)
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert delivery.receipt == first_receipt
    assert simulator.duplicates[message_id] == 1  # the recipient saw it twice, and deduplicated
    assert len(log_entries(container, message_id)) == 2  # one delivery entry, one receipt entry


def test_an_expired_lease_past_the_last_attempt_is_dead(container, clock, recipients, accept,
                                                        make_worker):
    simulator = recipients()
    message_id = accept(simulator.partner_id)
    worker = make_worker(first_attempt_policy(max_attempts=1), lease_seconds=5)
    assert worker.claim() is not None  # ...and the worker dies here
    clock.advance(seconds=6)
    job = worker.claim()
    assert worker.attempt(job) == "dead"
    delivery = delivery_of(container, message_id)
    assert (delivery.last_error_reason, delivery.attempts) == ("attempts_exhausted", 2)
    assert simulator.requests == 0


class _BrokenChannel:
    """A channel with a bug: it raises something that is not a DeliveryError."""

    def deliver(self, message, partner):
        "\ud800".encode("utf-8")  # UnicodeEncodeError, as the finance delivery of issue 10 did


def test_a_channel_bug_is_retried_and_its_status_names_no_python_class(container, accept):
    partner_id = credit_code(990)
    register_partner(container, partner_id, "https://finance.example.cn/govgate", None)
    message_id = accept(partner_id)
    worker = DeliveryWorker(container.uow, container.clock, AdapterRegistry(_BrokenChannel()),
                            container.message_log, first_attempt_policy())
    assert worker.run_once() == 1
    delivery = delivery_of(container, message_id)
    assert (delivery.state, delivery.last_error_reason) == ("failed", "internal_error")
    shown = recipient_status(delivery)["last_error"]
    assert "Error" not in shown and "Unicode" not in shown and "internal error:" not in shown
    assert str(delivery.id) in shown  # what an operator looks up in the log
