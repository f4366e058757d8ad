"""Guarantee and subsidy decisions delivered to a real loopback bank front-end, through the
delivery worker; the bank's RETCOD answers mapped to delivered / retryable / refused."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import uuid

import pytest

from adapters import bank
from adapters.bank.channel import BankFrontendChannel, acknowledgement
from gateway.delivery import DeliveryWorker, RetryPolicy
from gateway.delivery.errors import NonRetryable, Retryable
from gateway.delivery.ports import OutgoingMessage
from gateway.delivery.registry import AdapterRegistry
from gateway.signatures import SigningKey
from gateway.simulators.bank import BankBehaviour, BankFrontendSimulator
from tests.delivery.conftest import assert_receipt_logged
from tests.support.samples import APPLICANT, individual_loan
from tests.support.world import hr_answers

from . import messages as m
from .conftest import LGNNAM, reply, submit


@pytest.fixture
def front_end(container):
    container.keystore.ensure_current()
    with BankFrontendSimulator(container.keystore.jwks, clock=container.clock) as simulator:
        yield simulator


@pytest.fixture
def channel(container):
    return BankFrontendChannel(container.keystore.current, timeout=(1.0, 2.0), clock=container.clock)


@pytest.fixture
def worker(container, channel):
    channels = AdapterRegistry()  # only the bank: other recipients' deliveries die, unreached
    channels.register(bank.FORMAT, channel)
    return DeliveryWorker(container.uow, container.clock, channels, container.message_log,
                          RetryPolicy(max_attempts=3, base_delay=1.0, max_delay=10.0))


@pytest.fixture
def bank_at(world, client, admin_headers, front_end):
    response = client.patch(f"/v1/admin/partners/{world.bank.id}", headers=admin_headers,
                            json={"endpoint_url": front_end.endpoint_url})
    assert response.status_code == 200, response.text
    return world.bank


@pytest.fixture
def qualification_id(world, clock, bank_at):
    world.hr_facts[APPLICANT] = ["registered_unemployed"]
    with hr_answers(world, clock):
        answer = reply(submit(world.bank, "GVLNQUAL", individual_loan()))
    return next(fields["QLFNBR"] for tag, fields in answer.blocks if tag == "LNQUALZ")


def delivery(container, message_id):
    with container.uow() as uow:
        [row] = uow.deliveries.for_message(message_id)
    return row


def test_a_guarantee_decision_reaches_the_banks_front_end(world, qualification_id, front_end, worker, container):
    review = reply(submit(world.bank, "GVGRTREV", {"qualification_id": qualification_id,
                                                   "loan_amount_fen": 15_000_000, "term_months": 36}))
    review_id = review.rows("ACCINFX")[0]["MSGNBR"]
    decision = m.SAMPLES["guarantee_decision"]
    decided = world.guarantee_fund.post(f"/v1/guarantee-reviews/{review_id}/decision", json=decision)
    assert decided.status_code == 202, decided.text
    decision_id = decided.json()["message_id"]
    worker.run_once()
    row = delivery(container, decision_id)
    assert row.state == "delivered", row.last_error
    assert row.receipt["retcod"] == "0" and row.receipt["duplicate"] is False
    received = front_end.received[decision_id]
    assert received["FUNNAM"] == "GVGRTDEC" and received["LGNNAM"] == LGNNAM
    [(tag, fields)] = received["blocks"]
    assert tag == "GRTDECX" and fields["OUTCOM"] == "A" and fields["GRTAMT"] == "150000.00"
    assert fields["SNDNBR"] == world.guarantee_fund.id and front_end.refused == []


def test_the_banks_reply_is_a_receipt_entry_served_with_the_message_evidence(
        world, qualification_id, front_end, worker, container, client, admin_headers):
    review = reply(submit(world.bank, "GVGRTREV", {"qualification_id": qualification_id,
                                                   "loan_amount_fen": 15_000_000, "term_months": 36}))
    review_id = review.rows("ACCINFX")[0]["MSGNBR"]
    decided = world.guarantee_fund.post(f"/v1/guarantee-reviews/{review_id}/decision",
                                        json=m.SAMPLES["guarantee_decision"])
    decision_id = decided.json()["message_id"]
    worker.run_once()

    row = delivery(container, decision_id)
    answer = base64.b64decode(row.receipt["body_b64"])
    assert b"RETCOD" in answer
    item = assert_receipt_logged(container, decision_id, world.bank.id, answer, answer_format="bank_frontend",
                                 attempt=1, code="0", authenticated_by="none", signer=None)
    served = client.get(f"/v1/messages/{decision_id}/evidence", headers=admin_headers)  # the contract, validated
    assert served.status_code == 200, served.text
    [receipt] = served.json()["receipts"]
    assert receipt == item and receipt["recipient_id"] == world.bank.id
    assert served.json()["bundle"]["entry"]["record"]["direction"] == "inbound"


def test_a_subsidy_decision_reaches_the_banks_front_end(world, qualification_id, front_end, worker, container,
                                                       clock):
    clock.advance(days=31)  # qualified 2026-03-02: 2026-Q1 can be claimed from 2026-04-01 (86号-16)
    claim = {"period": "2026-Q1", "lines": [{"qualification_id": qualification_id, "loan_reference": "借-2025-0001",
                                             "principal_fen": 100, "interest_fen": 50, "subsidy_requested_fen": 25}],
             "totals": {"principal_fen": 100, "interest_fen": 50, "subsidy_requested_fen": 25}}
    claim_id = reply(submit(world.bank, "GVSUBCLM", claim)).rows("ACCINFX")[0]["MSGNBR"]
    decision = {"lines": [{"loan_reference": "借-2025-0001", "outcome": "rejected", "reason": "贷款已逾期"}]}
    decided = world.finance.post(f"/v1/interest-subsidy-claims/{claim_id}/decision", json=decision)
    assert decided.status_code == 202, decided.text
    worker.run_once()
    decision_id = decided.json()["message_id"]
    assert delivery(container, decision_id).state == "delivered"
    blocks = front_end.received[decision_id]["blocks"]
    assert blocks[1] == ("SUBLINZ", {"LONREF": "借-2025-0001", "OUTCOM": "R", "CCYNBR": "10", "RSNTXT": "贷款已逾期"})


def outgoing(kind="guarantee_decision", payload=None) -> OutgoingMessage:
    return OutgoingMessage(str(uuid.uuid4()), kind, "91150500MA0000005X", payload or m.SAMPLES[kind],
                           dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))


def test_a_repeat_of_a_delivered_yurref_counts_as_delivered(channel, front_end, world, bank_at, container):
    with container.uow() as uow:
        partner = uow.partners.get(world.bank.id)
    message = outgoing()
    first = channel.deliver(message, partner)
    again = channel.deliver(message, partner)
    assert first.receipt["duplicate"] is False and again.receipt["duplicate"] is True
    assert front_end.duplicates[message.message_id] == 1


@pytest.mark.parametrize("behaviour, error, reason", [
    (BankBehaviour(retcod="-9"), Retryable, "bank_busy"),
    (BankBehaviour(retcod="-10"), Retryable, "bank_unavailable"),
    (BankBehaviour(retcod="-2"), NonRetryable, "bank_refused_field"),
    (BankBehaviour(retcod="E123"), NonRetryable, "bank_refused"),
    (BankBehaviour(fail_times=1, fail_status=503), Retryable, "recipient_server_error"),
    (BankBehaviour(fail_times=1, fail_status=404), NonRetryable, "recipient_endpoint_not_found"),
    (BankBehaviour(garbled=True), Retryable, "ack_unreadable"),
])
def test_the_banks_answers_map_to_retryable_or_refused(channel, front_end, world, bank_at, container,
                                                       behaviour, error, reason):
    front_end.behaviour = dataclasses.replace(behaviour)  # a fresh copy: the simulator counts down fail_times
    with container.uow() as uow:
        partner = uow.partners.get(world.bank.id)
    with pytest.raises(error) as raised:
        channel.deliver(outgoing(), partner)
    assert raised.value.reason == reason


def test_a_delivery_signed_with_another_key_is_refused_by_the_bank(front_end, world, bank_at, container):
    stranger = SigningKey.generate("ed25519", "not-the-gateway")
    channel = BankFrontendChannel(lambda: ("x", stranger), timeout=(1.0, 2.0), clock=container.clock)
    with container.uow() as uow:
        partner = uow.partners.get(world.bank.id)
    with pytest.raises(NonRetryable) as raised:
        channel.deliver(outgoing(), partner)
    assert raised.value.reason == "bank_refused_signature" and front_end.received == {}


def test_an_unreachable_bank_is_retryable(channel, world, container):
    with container.uow() as uow:
        partner = uow.partners.get(world.bank.id)
    partner.endpoint_url = "http://127.0.0.1:9/front"
    with pytest.raises(Retryable) as raised:
        channel.deliver(outgoing(), partner)
    assert raised.value.reason == "recipient_unreachable"


def test_text_gbk_lacks_is_refused_for_good(channel, world, container):
    with container.uow() as uow:
        partner = uow.partners.get(world.bank.id)
    with pytest.raises(NonRetryable) as raised:
        channel.deliver(outgoing(payload={"outcome": "declined", "reasons": ["😀"]}), partner)
    assert raised.value.reason == "text_not_gbk"


def test_kinds_without_a_function_are_refused(channel, world, container):
    with container.uow() as uow:
        partner = uow.partners.get(world.bank.id)
    with pytest.raises(NonRetryable) as raised:
        channel.deliver(outgoing(kind="deferral_conclusion", payload={"x": 1}), partner)
    assert raised.value.reason == "kind_unsupported"


def test_an_acknowledgement_for_another_yurref_is_refused():
    body = ('<?xml version="1.0" encoding="GBK"?>\n<CMBSDKPGK><INFO><FUNNAM>GVGRTDEC</FUNNAM><DATTYP>2</DATTYP>'
            "<LGNNAM>X</LGNNAM><RETCOD>0</RETCOD><ERRMSG></ERRMSG></INFO><ACKINFX><YURREF>OTHER</YURREF>"
            "</ACKINFX></CMBSDKPGK>").encode("gbk")
    with pytest.raises(NonRetryable, match="another YURREF"):
        acknowledgement(200, body, "MINE")
