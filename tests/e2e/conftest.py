"""End to end: every partner is a real HTTP server on loopback, the delivery worker is real.

``story`` registers one canonical partner per role through the admin API - each with its own
key, used both to sign its requests to the gateway and to sign its receipts - grants what the
role needs, and starts its simulator. ``deliver()`` runs the worker until the outbox is quiet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from gateway.delivery import DeliveryWorker, RetryPolicy
from gateway.signatures import SigningKey
from gateway.simulators import CanonicalPartnerSimulator
from gateway.simulators.hr import CanonicalHrSimulator
from tests.support.ids import credit_code
from tests.support.signing import SignedPartner
from tests.support.world import GRANTS

ROLES = ("hr", "tax", "finance", "bank", "guarantee_fund")


@dataclass
class Story:
    partners: dict[str, SignedPartner] = field(default_factory=dict)
    simulators: dict[str, CanonicalPartnerSimulator] = field(default_factory=dict)

    def __getattr__(self, role: str) -> SignedPartner:
        try:
            return self.__dict__["partners"][role]
        except KeyError:
            raise AttributeError(role) from None


@pytest.fixture
def story(client, admin_headers, clock, container):
    container.keystore.ensure_current()
    story = Story()
    for n, role in enumerate(ROLES, start=1):
        key = SigningKey.generate("ed25519", f"{role}-2026")
        kind = CanonicalHrSimulator if role == "hr" else CanonicalPartnerSimulator
        simulator = kind(credit_code(n), key, container.keystore.jwks, clock=clock).start()
        body = {"id": credit_code(n), "name": f"{role} of Tongliao", "roles": [role],
                "division_code": "150500", "endpoint_url": simulator.endpoint_url}
        partner = client.post("/v1/admin/partners", headers=admin_headers, json=body)
        assert partner.status_code == 201, partner.text
        registered = client.post(f"/v1/admin/partners/{body['id']}/keys", headers=admin_headers,
                                 json={"public_key": key.public_info().pem, "keyid": key.keyid})
        assert registered.status_code == 201, registered.text
        for group in GRANTS[role]:
            client.post("/v1/admin/grants", headers=admin_headers, json={"partner_id": body["id"], "operation": group})
        story.partners[role] = SignedPartner(client, partner.json(), key, clock)
        story.simulators[role] = simulator
    yield story
    for simulator in story.simulators.values():
        simulator.stop()


@pytest.fixture
def worker(container):
    policy = RetryPolicy(max_attempts=3, base_delay=10.0, max_delay=300.0, uniform=lambda low, high: high)
    return DeliveryWorker(container.uow, container.clock, container.adapters, container.message_log,
                          policy, lease_seconds=60)


@pytest.fixture
def deliver(worker):
    def run(rounds: int = 10) -> None:
        for _ in range(rounds):
            if not worker.run_once():
                return
    return run
