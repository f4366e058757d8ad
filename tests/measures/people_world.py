"""A people-measures world (86号-12/14/15): social insurance and HR answer the person fact kinds
from real loopback servers; the web hall, the mobile app and the insurance counter sign claims.

Its fixture is imported by tests/measures/conftest.py.
"""

from __future__ import annotations

import pytest

from gateway.simulators import CanonicalPartnerSimulator
from gateway.simulators.facts import CanonicalFactsSimulator
from tests.support.world import citizen_id

from .partners import MeasureWorld, populated

# (name, role, division, simulator kind, grant groups)
PARTNERS = [
    ("si", "social_insurance", "150500", CanonicalFactsSimulator, []),
    ("hr", "hr", "150500", CanonicalFactsSimulator, ["measures"]),
    ("web_hall", "web_hall", "150000", CanonicalPartnerSimulator, ["measures"]),
    ("mobile_app", "mobile_app", "150000", CanonicalPartnerSimulator, ["measures"]),
    ("counter", "insurance_counter", "150502", CanonicalPartnerSimulator, ["measures"]),
]
INSURANCE, REGISTRATION = "unemployment_insurance", "unemployment_registration"


class PeopleWorld(MeasureWorld):
    @property
    def si(self) -> CanonicalFactsSimulator:
        return self.simulators["si"]

    @property
    def hr(self) -> CanonicalFactsSimulator:
        return self.simulators["hr"]

    def insured(self, n: int, *, year: int = 2022, registration: dict | None = None, **changes) -> dict:
        """Social insurance learns person ``n``'s record (an involuntarily unemployed person with
        12 months paid unless changed); HR its registration (None: HR has no record)."""
        record = {"insured": False, "employer_paid_months": 12, "person_paid_months": 12,
                  "continuous_months": 12, "stopped_on": f"{year - 1}-12-31",
                  "leaving_reason": "involuntary", "contract_end": "ended_early", "rural_migrant": False,
                  "drawing_benefit": False, "benefit_periods": [], "employed_since_stop": False,
                  "card_account": {"bank_name": "通辽市农村信用社", "account_number": f"62302{n:014d}",
                                   "account_name": f"测试人{n}"}}
        record.update(changes)
        self.si.know(INSURANCE, year, person(n), record)
        if registration is not None:
            self.hr.know(REGISTRATION, year, person(n), registration)
        return record


def person(n: int) -> str:
    return citizen_id(n, birth="19850101")


def claim(n: int, claimed_on: str = "2022-01-10", **extra) -> dict:
    return {"person": {"citizen_id": person(n), "name": f"测试人{n}", "division_code": "150502"},
            "claimed_on": claimed_on, **extra}


REGISTERED = {"registered": True, "registered_on": "2022-01-05", "job_seeking": True}


@pytest.fixture
def people_world(client, admin_headers, clock, container):
    yield from populated(PeopleWorld(client), PARTNERS, 201, admin_headers=admin_headers, clock=clock,
                         container=container)


def decided(world: PeopleWorld, measure: str, n: int, claimed_on: str = "2022-01-10", *,
            partner: str = "web_hall", status: int = 201, **extra) -> dict:
    response = world.apply(partner, measure, claim(n, claimed_on, **extra))
    assert response.status_code == status, response.text
    return response.json()


def as_another_channel_sees(first: dict) -> dict:
    """What a channel other than the first claim's is answered for it, signature aside: the
    decision without its facts, figures and account."""
    return {k: v for k, v in first.items() if k != "signature"} | {
        "facts_used": {}, "detail": {}, "payee": None, "withheld": ["facts_used", "detail", "payee"]}


def reasons(decision: dict) -> list[str]:
    return [r["reason"] for r in decision["reasons"]]
