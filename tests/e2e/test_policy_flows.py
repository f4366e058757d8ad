"""Each policy exchange end to end: signed request → gateway → real recipients → signed receipts."""

from __future__ import annotations

import socket

from gateway.simulators import Behaviour
from tests.support.samples import APPLICANT, individual_loan
from tests.support.samples import deferral_conclusion as conclusion
from tests.support.world import citizen_id


def status_of(partner, message_id: str) -> dict:
    response = partner.get(f"/v1/messages/{message_id}")
    assert response.status_code == 200, response.text
    return {r["recipient_id"]: r for r in response.json()["recipients"]}


def test_deferral_conclusion_reaches_tax_and_finance(story, deliver, container):
    accepted = story.hr.post("/v1/deferral-conclusions", json=conclusion())
    assert accepted.status_code == 202, accepted.text
    message_id = accepted.json()["message_id"]
    assert {r["state"] for r in status_of(story.hr, message_id).values()} == {"pending"}
    deliver()
    states = status_of(story.hr, message_id)
    assert {states[story.tax.id]["state"], states[story.finance.id]["state"]} == {"delivered"}
    for role in ("tax", "finance"):
        envelope = story.simulators[role].received[message_id]
        assert envelope["kind"] == "deferral_conclusion"
        assert envelope["payload"]["enterprise"]["industry"] == "catering"
    assert story.simulators["bank"].received == {}  # nobody else got a copy
    with container.uow() as uow:  # the recipients' signed receipts are evidence
        kinds = [e.record.direction for e in uow.message_log.by_message_id(message_id)]
    # each delivery: the signed copy sent, and the recipient's receipt (docs/evidence.md §3a)
    assert sorted(kinds) == ["inbound", "outbound-delivery", "outbound-delivery", "receipt", "receipt"]


def test_loan_qualification_asks_the_hr_system_over_http(story):
    story.simulators["hr"].facts[APPLICANT] = ["college_graduate"]
    response = story.bank.post("/v1/loan-qualifications", json=individual_loan())
    assert response.status_code == 201, response.text
    assert response.json()["qualified"] is True
    assert story.simulators["hr"].queries[0]["citizen_ids"] == [APPLICANT]


def closed_port_url() -> str:
    with socket.socket() as probe:  # bound then closed: nothing listens there any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/govgate"


def test_loan_qualification_when_hr_is_down_or_unreachable(story, client, admin_headers):
    hr = story.simulators["hr"]
    hr.behaviour.fail_times = 1
    down = story.bank.post("/v1/loan-qualifications", json=individual_loan())
    assert down.status_code == 503 and down.json()["reason"] == "hr_unavailable"
    client.patch(f"/v1/admin/partners/{story.hr.id}", headers=admin_headers,
                 json={"endpoint_url": closed_port_url()})
    gone = story.bank.post("/v1/loan-qualifications", json=individual_loan())
    assert gone.status_code == 503 and gone.json()["reason"] == "hr_unreachable"
    assert int(gone.headers["retry-after"]) > 0


def test_guarantee_review_and_decision_round_trip(story, deliver):
    story.simulators["hr"].facts[APPLICANT] = ["veteran"]
    qualification = story.bank.post("/v1/loan-qualifications", json=individual_loan()).json()
    review = story.bank.post("/v1/guarantee-reviews", json={
        "qualification_id": qualification["id"], "loan_amount_fen": 15_000_000, "term_months": 36}).json()
    deliver()
    assert review["message_id"] in story.simulators["guarantee_fund"].received
    decision = story.guarantee_fund.post(f"/v1/guarantee-reviews/{review['message_id']}/decision", json={
        "outcome": "accepted", "guaranteed_amount_fen": 15_000_000, "term_months": 36})
    assert decision.status_code == 202, decision.text
    deliver()
    delivered = story.simulators["bank"].received[decision.json()["message_id"]]
    assert delivered["kind"] == "guarantee_decision" and delivered["payload"]["outcome"] == "accepted"
    assert delivered["refers_to"] == review["message_id"]  # the bank can tell which review it answers


def test_subsidy_claim_and_decision_round_trip(story, deliver, clock):
    story.simulators["hr"].facts[APPLICANT] = ["veteran"]
    qualification = story.bank.post("/v1/loan-qualifications", json=individual_loan()).json()
    clock.advance(days=31)  # qualified 2026-03-02: 2026-Q1 can be claimed from 2026-04-01 (86号-16)
    line = {"qualification_id": qualification["id"], "loan_reference": "LN-1", "principal_fen": 15_000_000,
            "interest_fen": 100_000, "subsidy_requested_fen": 50_000}
    claim = story.bank.post("/v1/interest-subsidy-claims", json={
        "period": "2026-Q1", "lines": [line],
        "totals": {k: line[k] for k in ("principal_fen", "interest_fen", "subsidy_requested_fen")}}).json()
    deliver()
    assert claim["message_id"] in story.simulators["finance"].received
    decision = story.finance.post(f"/v1/interest-subsidy-claims/{claim['message_id']}/decision", json={
        "lines": [{"loan_reference": "LN-1", "outcome": "approved", "approved_fen": 50_000}]})
    assert decision.status_code == 202, decision.text
    deliver()
    assert story.simulators["bank"].received[decision.json()["message_id"]]["kind"] == "subsidy_decision"


def test_a_recipient_that_fails_then_recovers(story, deliver, clock):
    story.simulators["tax"].behaviour = Behaviour(fail_times=1, fail_status=500)
    message_id = story.hr.post("/v1/deferral-conclusions", json=conclusion()).json()["message_id"]
    deliver()
    states = status_of(story.hr, message_id)
    assert states[story.tax.id]["state"] == "failed" and states[story.finance.id]["state"] == "delivered"
    assert states[story.tax.id]["attempts"] == 1 and states[story.tax.id]["last_error"]
    clock.advance(seconds=301)
    deliver()
    assert status_of(story.hr, message_id)[story.tax.id]["state"] == "delivered"


def test_an_unreachable_recipient_becomes_a_dead_letter_and_is_redriven(story, deliver, clock, client,
                                                                           admin_headers, container):
    client.patch(f"/v1/admin/partners/{story.finance.id}", headers=admin_headers,
                 json={"endpoint_url": closed_port_url()})
    message_id = story.hr.post("/v1/deferral-conclusions", json=conclusion()).json()["message_id"]
    for _ in range(3):
        deliver()
        clock.advance(seconds=301)
    finance = status_of(story.hr, message_id)[story.finance.id]
    assert finance["state"] == "dead" and finance["attempts"] == 3
    dead = client.get("/v1/admin/deliveries?state=dead", headers=admin_headers).json()["items"]
    assert [d["message_id"] for d in dead] == [message_id]
    # The finance system is reachable again at a new address; an operator re-drives the letter.
    from gateway.simulators import CanonicalPartnerSimulator

    revived = CanonicalPartnerSimulator(story.finance.id, story.finance.key,
                                        container.keystore.jwks, clock=clock).start()
    try:
        client.patch(f"/v1/admin/partners/{story.finance.id}", headers=admin_headers,
                     json={"endpoint_url": revived.endpoint_url})
        redriven = client.post(f"/v1/admin/deliveries/{dead[0]['id']}/redrive", headers=admin_headers)
        assert redriven.status_code == 200, redriven.text
        deliver()
        assert status_of(story.hr, message_id)[story.finance.id]["state"] == "delivered"
        assert message_id in revived.received
    finally:
        revived.stop()


def test_the_evidence_log_verifies_after_the_story(story, deliver, container):
    from gateway.evidence.keys import GatewayKeys

    story.simulators["hr"].facts[citizen_id(5)] = ["veteran"]
    story.hr.post("/v1/deferral-conclusions", json=conclusion())
    story.bank.post("/v1/loan-qualifications", json=individual_loan(
        applicant={"citizen_id": citizen_id(5), "name": "王五"}))
    deliver()
    while container.message_log.integrate_once() is not None:
        pass
    report = container.message_log.verify(GatewayKeys.from_jwks(container.keystore.jwks()))
    # two messages in, two deliveries out, each delivery's receipt
    assert report.ok and report.entries_checked == 6
