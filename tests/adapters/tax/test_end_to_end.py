"""A deferral conclusion through the delivery worker to a real loopback tax system (CFX, SM2)."""

from __future__ import annotations

import base64
import stat
import uuid

import pytest

from adapters import tax
from adapters.tax.gateway_key import GatewaySm2Key
from gateway.adapters_kit import AdapterKit
from gateway.delivery import DeliveryWorker
from gateway.delivery.registry import AdapterRegistry
from gateway.gmcrypto import Sm2PrivateKey
from gateway.queries.registry import HrFactsRegistry
from gateway.services import keys as key_service
from gateway.services.partners import EndpointPolicy, PartnerRegistry
from gateway.simulators.tax import TaxBehaviour, TaxSimulator
from gateway.storage.policy_repositories import StoredMessage
from tests.delivery.conftest import assert_receipt_logged, delivery_of, first_attempt_policy
from tests.support.ids import credit_code

from .golden import CONCLUSION

TAX_NODE = "615050000001"
TAX_ID = credit_code(4501)


@pytest.fixture
def kit(container):
    kit = AdapterKit(adapters=AdapterRegistry(), hr_facts=HrFactsRegistry({}),
                     keystore=container.keystore, key_registry=container.key_registry,
                     uow=container.uow, clock=container.clock, settings=container.settings,
                     calendar=container.calendar)
    tax.install(kit)
    return kit


@pytest.fixture
def tax_system(container):
    gateway_key = GatewaySm2Key(container.settings.effective_key_dir)
    simulator = TaxSimulator(TAX_NODE, Sm2PrivateKey.generate(), gateway_key.public_key)
    registry = PartnerRegistry(EndpointPolicy(allow_loopback_http=True),
                               {tax.FORMAT: tax.validate_settings})
    now = container.clock()
    with container.uow() as uow:
        registry.register(uow, {
            "id": TAX_ID, "name": "国家税务总局通辽市税务局", "roles": ["tax"],
            "division_code": "150500", "endpoint_url": simulator.endpoint_url,
            "format": tax.FORMAT, "format_settings": {
                "src_node": "100000000000", "des_node": TAX_NODE, "sm2_keyid": "tax-tongliao"}},
            now)
        key_service.register(uow, TAX_ID, simulator.signing_key.public_key().to_pem(),
                             keyid="tax-tongliao", algorithm="sm2-sm3", not_before=None,
                             not_after=None, now=now)
    with simulator:
        yield simulator


def accept_conclusion(container) -> str:
    message_id = str(uuid.uuid4())
    now = container.clock()
    with container.uow() as uow:
        uow.messages.add(StoredMessage(message_id, "deferral_conclusion", credit_code(900),
                                       "150500", None, CONCLUSION, now))
        uow.deliveries.schedule(message_id, TAX_ID, now)
    return message_id


def worker(container, kit) -> DeliveryWorker:
    return DeliveryWorker(container.uow, container.clock, kit.adapters, container.message_log,
                          first_attempt_policy())


def test_the_tax_system_receives_the_conclusion_and_its_signed_answer_is_the_receipt(
        container, kit, tax_system):
    message_id = accept_conclusion(container)

    assert worker(container, kit).run_once() == 1

    delivery = delivery_of(container, message_id)
    assert (delivery.state, delivery.attempts) == ("delivered", 1), delivery.last_error
    [(msg_id, conclusion)] = tax_system.received.items()
    assert conclusion == CONCLUSION and not tax_system.refused
    assert tax_system.headers[msg_id].work_date.isoformat() == "2026-03-02"
    receipt = delivery.receipt
    assert receipt["MsgID"] == msg_id and receipt["reply"]["MsgRef"] == msg_id
    assert (receipt["reply"]["Result"], receipt["signature_verified"]) == ("90000", True)
    key_file = container.settings.effective_key_dir / "sm2" / "gateway.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_signed_9120_answer_is_a_receipt_entry_of_the_log(container, kit, tax_system):
    message_id = accept_conclusion(container)

    assert worker(container, kit).run_once() == 1

    answer = base64.b64decode(delivery_of(container, message_id).receipt["reply_document"])
    assert b"9120" in answer
    assert_receipt_logged(container, message_id, TAX_ID, answer, answer_format="tax_cfx", attempt=1,
                          code="90000", authenticated_by="sm2-sm3",
                          signer=tax_system.signing_key.public_key().fingerprint())


def test_a_failed_attempt_is_retried_as_the_same_message(container, clock, kit, tax_system):
    tax_system.behaviour = TaxBehaviour(fail_times=1, fail_status=503)
    message_id = accept_conclusion(container)
    run = worker(container, kit)

    assert run.run_once() == 1
    assert delivery_of(container, message_id).last_error_reason == "recipient_server_error"
    clock.advance(seconds=10)
    tax_system.behaviour.result = "93001"  # busy: retryable, the message is held again
    assert run.run_once() == 1
    assert delivery_of(container, message_id).last_error_reason == "tax_busy"
    clock.advance(seconds=20)
    assert run.run_once() == 1

    delivery = delivery_of(container, message_id)
    assert (delivery.state, delivery.attempts) == ("delivered", 3)
    assert delivery.receipt["reply"]["Result"] == "91007"  # it had the message since try 2
    assert len(tax_system.received) == 1 and sum(tax_system.duplicates.values()) == 1
    assert_receipt_logged(container, message_id, TAX_ID, base64.b64decode(delivery.receipt["reply_document"]),
                          answer_format="tax_cfx", attempt=3, code="91007", authenticated_by="sm2-sm3",
                          signer=tax_system.signing_key.public_key().fingerprint(), duplicate=True)


def test_a_signature_the_tax_system_cannot_verify_is_a_dead_letter(container, kit, tax_system):
    tax_system._gateway_key = lambda: Sm2PrivateKey.generate().public_key()
    message_id = accept_conclusion(container)

    assert worker(container, kit).run_once() == 1

    delivery = delivery_of(container, message_id)
    assert (delivery.state, delivery.last_error_reason) == ("dead", "tax_signature_rejected")
    assert tax_system.refused == ["cfx_signature_invalid"] and not tax_system.received


def test_an_answer_signed_with_another_key_is_refused(container, kit, tax_system):
    tax_system.signing_key = Sm2PrivateKey.generate()
    message_id = accept_conclusion(container)

    assert worker(container, kit).run_once() == 1

    delivery = delivery_of(container, message_id)
    assert (delivery.state, delivery.last_error_reason) == (
        "dead", "tax_reply_signature_invalid")


def test_a_revoked_tax_key_stops_delivery_before_sending(container, kit, tax_system):
    with container.uow() as uow:
        key_service.revoke(uow, "tax-tongliao", "compromised", container.clock())
    message_id = accept_conclusion(container)

    assert worker(container, kit).run_once() == 1

    assert delivery_of(container, message_id).last_error_reason == "tax_reply_key_unavailable"
    assert tax_system.requests == 0


def test_the_key_is_created_once_and_reused(container):
    first = GatewaySm2Key(container.settings.effective_key_dir).public_key()
    assert GatewaySm2Key(container.settings.effective_key_dir).public_key() == first


def test_a_key_file_others_can_read_is_refused(container):
    from gateway.keystore.errors import KeystoreError

    store = GatewaySm2Key(container.settings.effective_key_dir)
    store.public_key()
    (store.directory / "gateway.key").chmod(0o644)
    with pytest.raises(KeystoreError) as refused:
        GatewaySm2Key(container.settings.effective_key_dir).private_key()
    assert refused.value.reason == "keystore_permissions"

