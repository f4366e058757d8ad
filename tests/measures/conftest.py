"""An employer-measures world: tax and social insurance answer fact queries from real loopback
servers, a web hall and two county HR counters sign their requests, a bank receives payouts.

Everything goes through the real HTTP API; only the partner systems are simulated.
"""

from __future__ import annotations

import pytest

from gateway.simulators import CanonicalPartnerSimulator
from gateway.simulators.facts import CanonicalFactsSimulator
from tests.support.ids import credit_code
from tests.support.world import citizen_id

from .partners import MeasureWorld, populated
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


class EmployerWorld(MeasureWorld):
    @property
    def tax(self) -> CanonicalFactsSimulator:
        return self.simulators["tax"]

    @property
    def si(self) -> CanonicalFactsSimulator:
        return self.simulators["si"]



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
    yield from populated(EmployerWorld(client), PARTNERS, 101, admin_headers=admin_headers, clock=clock,
                         container=container)


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
