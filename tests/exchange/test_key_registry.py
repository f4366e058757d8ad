"""The verifier's key registry over the database: the key and its partner's status, read together."""

from __future__ import annotations

from sqlalchemy import event

from tests.support.signing import register_signed_partner


def statements_during(engine, work):
    seen: list[str] = []

    def count(conn, cursor, statement, *_):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        result = work()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return result, seen


def test_a_key_is_resolved_with_its_partners_status_in_one_statement(client, admin_headers, container):
    """Besides the registry generation (storage/registry_cache.py); a warm lookup while the process
    trusts the generation it read (250 ms by default) reads nothing."""
    partner = register_signed_partner(client, admin_headers, 1)
    key, statements = statements_during(container.engine, lambda: container.key_registry(partner.key.keyid))
    assert (key.partner_id, key.algorithm, key.partner_status) == (partner.id, "ed25519", "active")
    assert len(statements) == 2 and "registry_generation" in statements[0], statements
    again, statements = statements_during(container.engine, lambda: container.key_registry(partner.key.keyid))
    assert again == key
    assert statements == []


def test_the_partners_status_is_current_on_every_lookup(client, admin_headers, container):
    partner = register_signed_partner(client, admin_headers, 1)
    assert container.key_registry(partner.key.keyid).partner_status == "active"
    suspended = client.post(f"/v1/admin/partners/{partner.id}/suspend", headers=admin_headers)
    assert suspended.status_code == 200, suspended.text
    assert container.key_registry(partner.key.keyid).partner_status == "suspended"


def test_an_unknown_key_resolves_to_nothing(container):
    assert container.key_registry("no-such-key") is None
