"""An employer-measures world: tax and social insurance answer fact queries from real loopback
servers, a web hall and two county HR counters sign their requests, a bank receives payouts.

Everything goes through the real HTTP API; only the partner systems are simulated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from gateway.signatures import SigningKey
from gateway.simulators import CanonicalPartnerSimulator
from gateway.simulators.facts import CanonicalFactsSimulator
from tests.support.ids import credit_code
from tests.support.signing import SignedPartner
from tests.support.world import citizen_id

from .people_world import people_world  # noqa: F401  (86号-12…15's world)

# (name, role, division, simulator kind, grant groups)
PARTNERS = [
    ("tax", "tax", "150500", CanonicalFactsSimulator, []),
    ("si", "social_insurance", "150500", CanonicalFactsSimulator, []),
    ("web_hall", "web_hall", "150000", CanonicalPartnerSimulator, ["measures"]),
    ("hr_horqin", "hr", "150502", CanonicalPartnerSimulator, ["measures", "comparison", "payout"]),
    ("hr_zuozhong", "hr", "150521", CanonicalPartnerSimulator, ["measures", "comparison", "payout"]),
    ("bank", "bank", "150500", CanonicalPartnerSimulator, ["payout_results"]),
]


@dataclass
class EmployerWorld:
    client: object
    partners: dict[str, SignedPartner] = field(default_factory=dict)
    simulators: dict[str, CanonicalPartnerSimulator] = field(default_factory=dict)

    @property
    def tax(self) -> CanonicalFactsSimulator:
        return self.simulators["tax"]

    @property
    def si(self) -> CanonicalFactsSimulator:
        return self.simulators["si"]

    def apply(self, partner: str, measure: str, body: dict):
        return self.partners[partner].post(f"/v1/measures/{measure}/applications", json=body)


def employer(n: int, division: str = "150502") -> dict:
    return {"credit_code": credit_code(n, division="150500", authority="91"),
            "name": f"通辽市测试企业{n}有限公司", "division_code": division}


def account(n: int) -> dict:
    return {"bank_name": "中国农业银行通辽分行", "account_number": f"6228480{n:012d}",
            "account_name": f"通辽市测试企业{n}有限公司"}


def graduate(n: int) -> str:
    return citizen_id(n, birth="20000101")


@pytest.fixture
def world(client, admin_headers, clock, container):
    container.keystore.ensure_current()
    w = EmployerWorld(client)
    for n, (name, role, division, kind, groups) in enumerate(PARTNERS, start=101):
        key = SigningKey.generate("ed25519", f"{name}-key")
        simulator = kind(credit_code(n), key, container.keystore.jwks, clock=clock).start()
        body = {"id": credit_code(n), "name": f"{name} partner", "roles": [role],
                "division_code": division, "endpoint_url": simulator.endpoint_url}
        created = client.post("/v1/admin/partners", headers=admin_headers, json=body)
        assert created.status_code == 201, created.text
        registered = client.post(f"/v1/admin/partners/{body['id']}/keys", headers=admin_headers,
                                 json={"public_key": key.public_info().pem, "keyid": key.keyid})
        assert registered.status_code == 201, registered.text
        for group in groups:
            granted = client.post("/v1/admin/grants", headers=admin_headers,
                                  json={"partner_id": body["id"], "operation": group})
            assert granted.status_code == 201, granted.text
        w.partners[name] = SignedPartner(client, created.json(), key, clock)
        w.simulators[name] = simulator
    yield w
    for simulator in w.simulators.values():
        simulator.stop()


@pytest.fixture
def deliver(container):
    from gateway.delivery import DeliveryWorker, RetryPolicy
    policy = RetryPolicy(max_attempts=3, base_delay=10.0, max_delay=300.0, uniform=lambda low, high: high)
    worker = DeliveryWorker(container.uow, container.clock, container.adapters, container.message_log,
                            policy, lease_seconds=60)

    def run(rounds: int = 10) -> None:
        for _ in range(rounds):
            if not worker.run_once():
                return
    return run
