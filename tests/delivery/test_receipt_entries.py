"""Every delivery's receipt is an evidence entry, appended with the delivery's completion.

Tax and bank receipts: tests/adapters/tax/test_end_to_end.py, tests/adapters/bank/test_delivery.py.
"""

from __future__ import annotations

import base64

import pytest

from gateway.evidence.canonical import MalformedEvidence
from gateway.evidence.keys import key_fingerprint
from gateway.simulators import Behaviour

from .conftest import assert_receipt_logged, delivery_of, first_attempt_policy, log_entries, receipt_entries


def test_a_canonical_recipients_signed_answer_is_a_receipt_entry(container, recipients, accept, make_worker):
    simulator = recipients()
    message_id = accept(simulator.partner_id)

    assert make_worker().run_once() == 1

    delivery = delivery_of(container, message_id)
    answer = base64.b64decode(delivery.receipt["body_b64"])
    signer = key_fingerprint(simulator.signing_key.private_key.public_key())
    assert_receipt_logged(container, message_id, simulator.partner_id, answer, answer_format="canonical",
                          attempt=1, code=None, authenticated_by=f"rfc9421:{delivery.receipt['algorithm']}",
                          signer=signer)
    directions = sorted(e.record.direction for e in log_entries(container, message_id))
    assert directions == ["outbound-delivery", "receipt"]


def test_the_receipt_entry_names_the_attempt_that_delivered(container, clock, recipients, accept, make_worker):
    simulator = recipients(Behaviour(fail_times=1, fail_status=503))
    message_id = accept(simulator.partner_id)
    worker = make_worker(first_attempt_policy(base_delay=5))

    assert worker.run_once() == 1
    assert receipt_entries(container, message_id, simulator.partner_id) == []  # a failure logs no receipt
    clock.advance(seconds=5)
    assert worker.run_once() == 1

    delivery = delivery_of(container, message_id)
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert_receipt_logged(container, message_id, simulator.partner_id, base64.b64decode(delivery.receipt["body_b64"]),
                          answer_format="canonical", attempt=2, code=None,
                          authenticated_by=f"rfc9421:{delivery.receipt['algorithm']}",
                          signer=key_fingerprint(simulator.signing_key.private_key.public_key()))


class _RefusingReceipts:
    """The real log, except that appending a receipt entry fails (as a full disk would)."""

    def __init__(self, log) -> None:
        self._log = log

    def append(self, uow, record, leaf=None):
        self._log.append(uow, record, leaf)
        if record.direction == "receipt":
            raise MalformedEvidence("the receipt entry could not be written")


def test_no_delivery_is_marked_done_without_its_receipt_entry(container, recipients, accept, make_worker):
    simulator = recipients()
    message_id = accept(simulator.partner_id)
    worker = make_worker()
    worker._message_log = _RefusingReceipts(container.message_log)

    with pytest.raises(MalformedEvidence):  # the worker's loop logs it; the lease expires; retried
        worker.attempt(worker.claim())

    delivery = delivery_of(container, message_id)
    assert delivery.state == "delivering" and delivery.receipt is None and delivery.delivered_at is None
    assert log_entries(container, message_id) == []  # neither the delivery's entry nor the receipt's
