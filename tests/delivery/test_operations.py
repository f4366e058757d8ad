"""Operators' view: dead letters and re-drive (admin API and CLI), and a message's status."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gateway.cli import CliSession, main
from gateway.simulators import Behaviour
from tests.support.exchange import problem
from tests.support.signing import SignedPartner, register_signed_partner

from .conftest import delivery_of


@pytest.fixture
def dead_letter(container, recipients, accept, make_worker):
    """A message whose recipient refused it (400); the recipient is fixed afterwards."""
    simulator = recipients(Behaviour(reject_status=400))
    message_id = accept(simulator.partner_id)
    make_worker().run_once()
    delivery = delivery_of(container, message_id)
    assert delivery.state == "dead"
    simulator.behaviour.reject_status = None
    return simulator, message_id, delivery.id


@pytest.fixture
def cli(container, settings):
    def run(*args: str):
        result = CliRunner().invoke(
            main, ["--database-url", settings.effective_database_url, *args],
            obj=CliSession(build=lambda _settings: container), catch_exceptions=False)
        return result

    return run


def test_operators_list_dead_letters_and_redrive_them_through_the_api(
        container, client, operator_headers, dead_letter, make_worker):
    simulator, message_id, delivery_id = dead_letter
    page = client.get("/v1/admin/deliveries?state=dead", headers=operator_headers).json()
    assert [(d["id"], d["last_error_reason"]) for d in page["items"]] == [
        (delivery_id, "recipient_rejected_message")]

    response = client.post(f"/v1/admin/deliveries/{delivery_id}/redrive", headers=operator_headers)
    assert response.status_code == 200, response.text
    assert (response.json()["state"], response.json()["attempts"]) == ("pending", 0)
    assert make_worker().run_once() == 1
    assert delivery_of(container, message_id).state == "delivered"
    assert message_id in simulator.received

    with container.uow() as uow:
        [event] = uow.audit.list(action="delivery.redrive", after=None, limit=10, actor=None,
                                 target_id=None, outcome=None, since=None)
    assert (event.target_id, event.before["state"], event.after["state"]) == (
        str(delivery_id), "dead", "pending")


def test_redrive_needs_the_redrive_permission(client, auditor_headers, dead_letter):
    _simulator, _message_id, delivery_id = dead_letter
    response = client.post(f"/v1/admin/deliveries/{delivery_id}/redrive", headers=auditor_headers)
    problem(response, 403, "role_forbidden")


def test_only_dead_letters_are_redriven(client, admin_headers, recipients, accept):
    message_id = accept(recipients().partner_id)
    [pending] = client.get(f"/v1/admin/deliveries?message_id={message_id}",
                           headers=admin_headers).json()["items"]
    problem(client.post(f"/v1/admin/deliveries/{pending['id']}/redrive", headers=admin_headers),
            409, "delivery_not_dead")
    problem(client.post("/v1/admin/deliveries/999999/redrive", headers=admin_headers),
            404, "delivery_not_found")


def test_deliveries_page_through(client, admin_headers, recipients, accept):
    simulator = recipients()
    for _ in range(3):
        accept(simulator.partner_id)
    first = client.get(f"/v1/admin/deliveries?recipient_id={simulator.partner_id}&limit=2",
                       headers=admin_headers).json()
    rest = client.get(f"/v1/admin/deliveries?recipient_id={simulator.partner_id}&limit=2"
                      f"&after={first['next_after']}", headers=admin_headers).json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next_after"] is None


def test_message_status_for_admins_and_the_parties_only(
        container, client, clock, admin_headers, recipients, accept, make_worker):
    sender = register_signed_partner(client, admin_headers, 1, clock=clock)
    bystander = register_signed_partner(client, admin_headers, 2, clock=clock)
    good, refusing = recipients(), recipients(Behaviour(reject_status=400))
    message_id = accept(good.partner_id, refusing.partner_id, sender=sender.id)
    make_worker().run_once()

    document = client.get(f"/v1/messages/{message_id}", headers=admin_headers).json()
    assert document["summary"] == {"pending": 0, "failed": 0, "delivered": 1, "dead": 1}
    states = {r["recipient_id"]: r for r in document["recipients"]}
    assert states[good.partner_id]["receipt"]["keyid"] == good.signing_key.keyid
    assert (states[refusing.partner_id]["state"], states[refusing.partner_id]["last_error"]) == (
        "dead", "the recipient answered 400")

    assert sender.get(f"/v1/messages/{message_id}").json() == document
    recipient = SignedPartner(client, {"id": good.partner_id}, good.signing_key, clock)
    assert recipient.get(f"/v1/messages/{message_id}").status_code == 200
    problem(bystander.get(f"/v1/messages/{message_id}"), 404, "message_not_found")
    problem(client.get("/v1/messages/0b7e9a52-0000-4c6e-9d7e-3f0c2a1b4d5e",
                       headers=admin_headers), 404, "message_not_found")


def test_the_cli_lists_and_redrives_dead_letters(container, cli, dead_letter):
    simulator, message_id, delivery_id = dead_letter
    listed = cli("deliveries", "list", "--state", "dead", "--json")
    assert listed.exit_code == 0, listed.output
    assert [d["id"] for d in json.loads(listed.stdout)["items"]] == [delivery_id]

    redriven = cli("deliveries", "redrive", str(delivery_id))
    assert redriven.exit_code == 0 and "re-driven" in redriven.stdout
    again = cli("deliveries", "redrive", str(delivery_id))
    assert again.exit_code == 1 and "delivery_not_dead" in again.stderr

    worked = cli("worker", "--once")
    assert worked.exit_code == 0 and "1 delivery attempt(s)" in worked.stdout
    shown = cli("messages", "show", message_id, "--json")
    [recipient] = json.loads(shown.stdout)["recipients"]
    assert (recipient["state"], recipient["attempts"]) == ("delivered", 1)
    assert message_id in simulator.received

    text = cli("messages", "show", message_id)
    assert simulator.partner_id in text.stdout and "delivered" in text.stdout
