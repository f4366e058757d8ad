"""The console's pages over the real services: registering a partner with its first key and
grant (all or nothing), keys by expiry and rotation, messages and dead letters with re-drive,
evidence bundles, the audit trail and its CSV export, Health."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from gateway.evidence import verify_bundle
from gateway.services import keys as key_service
from tests.support.ids import credit_code
from tests.support.partners import private_key, public_pem

from .conftest import audit_events


def registration(n: int = 7, **overrides) -> dict:
    form = {"id": credit_code(n), "name": f"测试银行{n}", "roles": ["bank"], "division_code": "150500",
            "endpoint_url": f"https://bank{n}.example.cn/in", "format": "canonical",
            "format_settings": "", "public_key": public_pem(private_key()), "keyid": f"bank{n}-2026",
            "key_not_after": "2027-03-02T09:00", "operation": "lending",
            "grant_expires_at": ""}
    form.update(overrides)
    return form


def test_register_a_partner_with_a_key_and_a_grant(console, container):
    signed = console("admin")
    assert signed.get("/console/partners/new").status_code == 200
    response = signed.post("/console/partners/new", registration())
    assert response.status_code == 303, response.text
    partner_id = credit_code(7)
    page = signed.get(response.headers["location"])
    assert "测试银行7" in page.text and "bank7-2026" in page.text and "<code>lending</code>" in page.text
    assert "2027-03-02 09:00:00 CST" in page.text  # typed in CST, stored in UTC, shown in CST
    with container.uow() as uow:
        [key] = uow.keys.for_partner(partner_id)
        [grant] = uow.grants.for_partner(partner_id)
    assert key.not_after.isoformat() == "2027-03-02T01:00:00+00:00" and grant.created_by == signed.token_id
    assert [e.action for e in audit_events(container, target_id=partner_id)] == [
        "partner.create", "key.register", "grant.create"]


def test_a_failing_step_leaves_nothing_behind(console, container):
    signed = console("admin")
    response = signed.post("/console/partners/new", registration(8, operation="no_such_operation"))
    assert response.status_code == 422
    assert "unknown operation or group" in response.text
    assert 'value="测试银行8"' in response.text  # the form keeps what was typed
    with container.uow() as uow:
        assert uow.partners.get(credit_code(8)) is None
        assert uow.keys.get("bank8-2026") is None
    [event] = audit_events(container, target_id=credit_code(8))
    assert (event.action, event.outcome.value, event.detail) == ("grant.create", "failed",
                                                                 "unknown_operation")


def test_every_bad_field_is_marked(console):
    signed = console("admin")
    response = signed.post("/console/partners/new", registration(
        9, id="123", division_code="990500", roles=[], format_settings="[1",
        key_not_after="soon"))
    assert response.status_code == 422
    assert response.text.count('class="field-error"') >= 2  # settings and the date first
    response = signed.post("/console/partners/new", registration(9, id="123", division_code="990500",
                                                                 roles=[]))
    assert response.text.count('class="field-error"') == 3  # id, roles, division


def test_names_are_escaped_not_run(console, client, admin_headers):
    from tests.support.partners import create_partner

    created = create_partner(client, admin_headers, 3, name="<script>alert(1)</script>")
    page = console("auditor").get(f"/console/partners/{created['id']}")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_search_and_filters(console, client, admin_headers):
    from tests.support.partners import create_partner

    create_partner(client, admin_headers, 11, name="呼和浩特税务局", roles=["tax"])
    create_partner(client, admin_headers, 12, name="通辽银行", roles=["bank"], division_code="150502")
    signed = console("operator")
    assert "通辽银行" in signed.get("/console/partners?q=通辽").text
    assert "呼和浩特" not in signed.get("/console/partners?q=通辽").text
    assert "呼和浩特" not in signed.get("/console/partners?role=bank").text
    assert "通辽银行" in signed.get(f"/console/partners?q={credit_code(12)[4:12].lower()}").text
    assert "没有记录" in signed.get("/console/partners?division=110000").text


def test_keys_expiring_revoked_and_rotating(console, container, clock, client, admin_headers):
    from tests.support.partners import create_partner

    partner = create_partner(client, admin_headers, 21)["id"]
    now = clock()
    with container.uow() as uow:
        for keyid, days in (("old-2026", 10), ("new-2027", 400), ("far-2030", 1500)):
            key_service.register(uow, partner, public_pem(private_key()), keyid=keyid, algorithm=None,
                                 not_before=now, not_after=now + timedelta(days=days), now=now)
        key_service.revoke(uow, "far-2030", "replaced after a leak", now)
    page = console("auditor").get("/console/keys?days=30").text
    expiring, rotating, revoked = (page.split('id="rotating"')[0], page.split('id="rotating"')[1].split('id="revoked"')[0],
                                   page.split('id="revoked"')[1])
    assert "old-2026" in expiring and "new-2027" not in expiring
    assert "old-2026" in rotating and "new-2027" in rotating and "far-2030" not in rotating
    assert "far-2030" in revoked and "replaced after a leak" in revoked
    assert "new-2027" in console("auditor").get("/console/keys?days=500").text.split('id="rotating"')[0]


def test_find_a_message_and_redrive_its_dead_letter(console, container, dead_letter, make_worker):
    simulator, message_id, delivery_id = dead_letter
    operator = console("operator")
    found = operator.get(f"/console/messages?id={message_id}", follow_redirects=True)
    assert found.status_code == 200
    assert "recipient_rejected_message" in found.text and "死信" in found.text
    listed = operator.get(f"/console/messages?partner={simulator.partner_id}&kind=deferral_conclusion")
    assert message_id in listed.text
    assert message_id not in operator.get("/console/messages?kind=loan_qualification").text
    assert message_id in operator.get("/console/dead-letters").text
    response = operator.post(f"/console/deliveries/{delivery_id}/redrive", {"back": "message"})
    assert response.status_code == 303 and message_id in response.headers["location"]
    assert make_worker().run_once() == 1
    page = operator.get(f"/console/messages/{message_id}")
    assert "已送达" in page.text and message_id in simulator.received
    [event] = audit_events(container, action="delivery.redrive")
    assert (event.actor, event.before["state"], event.after["state"]) == (operator.token_id, "dead", "pending")
    again = operator.post(f"/console/deliveries/{delivery_id}/redrive")
    assert again.status_code == 409 and "delivery_not_dead" in again.text


def test_an_auditor_cannot_redrive(console, container, dead_letter):
    _, _, delivery_id = dead_letter
    response = console("auditor").post(f"/console/deliveries/{delivery_id}/redrive")
    assert response.status_code == 403
    with container.uow() as uow:
        assert uow.deliveries.get(delivery_id).state == "dead"


def test_message_time_filters_are_read_in_cst(console, dead_letter):
    _, message_id, _ = dead_letter  # accepted at 2026-03-02 09:00 UTC = 17:00 CST
    signed = console("auditor")
    assert message_id in signed.get("/console/messages?since=2026-03-02T17:00&until=2026-03-02T17:01").text
    assert message_id not in signed.get("/console/messages?since=2026-03-02T17:01").text
    assert signed.get("/console/messages?since=yesterday").status_code == 422


def test_evidence_bundle_download_is_audited_and_verifies(console, container, client, admin_headers, clock):
    from tests.support.exchange import gateway_jwks
    from tests.support.signing import register_signed_partner

    partner = register_signed_partner(client, admin_headers, 31, clock=clock)
    answer = partner.post("/v1/connectivity-tests", json={"测试": "证据"})
    message_id = answer.json()["message_id"]
    signed = console("auditor")
    response = signed.get(f"/console/messages/{message_id}/evidence")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert verify_bundle(json.loads(response.content), gateway_jwks(client)).verified
    [event] = audit_events(container, action="evidence.read")
    assert event.actor == signed.token_id
    page = signed.get("/console/evidence")
    assert "尚未配置见证方" in page.text and "<code>1</code>" not in page.text


def test_audit_trail_filters_and_csv_export(console, container, client, admin_headers):
    from tests.support.partners import create_partner

    partner_id = create_partner(client, admin_headers, 41, name="=HYPERLINK(\"http://x\")")["id"]
    admin = console("admin")
    admin.post(f"/console/partners/{partner_id}/suspend")
    console("auditor").post(f"/console/partners/{partner_id}/activate")  # denied
    auditor = console("auditor")
    page = auditor.get("/console/audit?outcome=denied")
    assert "<code>partner.activate</code>" in page.text and "<code>partner.suspend</code>" not in page.text
    page = auditor.get(f"/console/audit?actor={admin.token_id}")
    assert "<code>partner.suspend</code>" in page.text and "<code>partner.activate</code>" not in page.text
    assert "<code>partner.suspend</code>" not in auditor.get("/console/audit?since=2026-03-02T17:01").text
    export = auditor.get(f"/console/audit.csv?target={partner_id}")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [(r["action"], r["outcome"]) for r in rows] == [
        ("partner.create", "allowed"), ("partner.suspend", "allowed"), ("partner.activate", "denied")]
    assert rows[0]["at_cst"] == "2026-03-02 17:00:00 CST" and rows[0]["at_utc"] == "2026-03-02T09:00:00Z"
    assert json.loads(rows[0]["after"])["name"].startswith("=HYPERLINK")  # JSON: starts with {
    assert [e.action for e in audit_events(container, action="audit.export")] == ["audit.export"]


def test_health_shows_checks_queue_and_failures_by_reason(console, dead_letter):
    page = console("operator").get("/console/health")
    assert page.status_code == 200
    from gateway.observability.health import CHECKS

    assert page.text.count("正常") == len(CHECKS)  # database, migrations, keys, writes, disk
    assert "recipient_rejected_message" in page.text  # the dead letter's failed attempt
    assert "<svg" in page.text and "<script" not in page.text


def test_message_pages_lose_nothing_when_times_are_equal(console, container, clock):
    import html
    import re
    import uuid

    from gateway.storage.policy_repositories import StoredMessage

    ids = {str(uuid.uuid4()) for _ in range(53)}
    with container.uow() as uow:
        for message_id in ids:  # the same instant: the cursor must also order by id
            uow.messages.add(StoredMessage(message_id, "test", credit_code(90), "150500", None, {}, clock()))
    signed = console("operator")
    seen, url = [], "/console/messages"
    while url:
        page = signed.get(url).text
        seen += re.findall(r'/console/messages/([0-9a-f-]{36})"', page)
        found = re.search(r'class="pager"><a href="([^"]+)"', page)
        url = html.unescape(found.group(1)) if found else None
    assert len(seen) == 53 and set(seen) == ids
    assert signed.get("/console/messages?before=nonsense").status_code == 422


def test_an_operator_s_registration_is_denied_before_anything_runs(console, container):
    signed = console("operator")
    response = signed.post("/console/partners/new", registration(51))
    assert response.status_code == 403 and "operator role may not perform partner.create" in response.text
    with container.uow() as uow:
        assert uow.partners.get(credit_code(51)) is None
    [event] = audit_events(container, target_id=credit_code(51))
    assert (event.action, event.outcome.value) == ("partner.create", "denied")


def test_the_audit_trail_shows_each_change_in_chinese(console, client, admin_headers):
    from tests.support.partners import create_partner

    create_partner(client, admin_headers, 52, name="兴安盟<财政局>")
    page = console("auditor").get("/console/audit?action=partner.create").text
    assert "<details>" in page and "兴安盟&lt;财政局&gt;" in page and "\\u5174" not in page
