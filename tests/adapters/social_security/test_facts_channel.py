"""The coded facts source against a real loopback system (``CodedFactsSimulator``): the asked
kind's service, and every failure an ``Unavailable`` with a reason — never a guessed fact."""

from __future__ import annotations

import pytest

from adapters.social_security import CodedFacts
from adapters.social_security.facts_mapping import coded_record
from gateway.domain.partners import Partner, Role
from gateway.errors import Unavailable
from gateway.simulators.coded_facts import CodedFactsSimulator

PERSON, STRANGER = "150502199001010010", "150502199001010029"
FACTS = {"insured": False, "employer_paid_months": 36, "person_paid_months": 36, "continuous_months": 30,
         "stopped_on": "2026-08-31", "leaving_reason": "involuntary", "contract_end": "ended_early",
         "rural_migrant": False, "drawing_benefit": False, "benefit_periods": [],
         "employed_since_stop": False, "card_account": None}


@pytest.fixture
def si():
    with CodedFactsSimulator() as simulator:
        simulator.know("unemployment_insurance", 2026, PERSON,
                       coded_record("unemployment_insurance", PERSON, FACTS))
        yield simulator


def partner(url: str, app_id: str = "govgate-150500") -> Partner:
    return Partner(id="11150500000005041X", name="社保经办", roles=frozenset({Role.SOCIAL_INSURANCE}),
                   division_code="150500", endpoint_url=url, format="hr_coded",
                   format_settings={"app_id": app_id})


def test_the_facts_come_back_canonical_and_the_stranger_is_left_out(si):
    found = CodedFacts().facts(partner(si.endpoint_url), "unemployment_insurance", 2026, [PERSON, STRANGER])
    assert found == {PERSON: FACTS}
    assert si.asked == [("unemployment_insurance", 2026, 2)]


@pytest.mark.parametrize(("change", "status", "reason"), [
    ({"fail_times": 1, "fail_status": 503}, 503, "facts_unavailable"),
    ({"fail_times": 1, "fail_status": 404}, 503, "facts_answer_invalid"),
    ({"garbled": True}, 503, "facts_answer_invalid"),
    ({"code": "2002"}, 503, "facts_unavailable"),
    ({"delay_seconds": 1.5}, 504, "facts_timeout"),
])
def test_every_failure_is_unavailable_with_a_reason(si, change, status, reason):
    for name, value in change.items():
        setattr(si.behaviour, name, value)
    with pytest.raises(Unavailable) as failed:
        CodedFacts(timeout=(1.0, 0.5)).facts(partner(si.endpoint_url), "unemployment_insurance", 2026, [PERSON])
    assert (failed.value.status, failed.value.reason) == (status, reason)
    assert failed.value.retry_after > 0


def test_an_unauthorised_app_a_closed_port_and_an_unknown_kind_are_refusals(si):
    source = CodedFacts(timeout=(1.0, 1.0))
    cases = [(partner(si.endpoint_url, "someone-else"), "unemployment_insurance", "facts_request_refused"),
             (partner("http://127.0.0.1:9/si/api"), "unemployment_insurance", "facts_unreachable"),
             (partner(si.endpoint_url), "certificates", "facts_kind_unsupported"),
             (partner(si.endpoint_url, "bad id!"), "unemployment_insurance", "facts_channel_misconfigured")]
    for who, kind, reason in cases:
        with pytest.raises(Unavailable) as failed:
            source.facts(who, kind, 2026, [PERSON])
        assert failed.value.reason == reason
