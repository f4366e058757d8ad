"""govgate audit list: CLI actions are in the trail, and reading it is recorded too."""

from __future__ import annotations

from conftest import OS_USER


def test_reading_the_trail_is_recorded_and_json_equals_the_api(cli, bank, client, admin_headers):
    first = cli.json("audit", "list")
    assert [e["action"] for e in first["items"]] == ["partner.create"]
    second = cli.json("audit", "list", "--actor", f"cli:{OS_USER}")
    assert [e["action"] for e in second["items"]] == ["partner.create", "audit.read"]
    assert second["items"][1]["target_type"] == "audit"
    api = client.get("/v1/admin/audit-events", params={"actor": f"cli:{OS_USER}"},
                     headers=admin_headers)
    assert api.status_code == 200
    assert api.json()["items"][:3] == cli.json("audit", "list", "--actor", f"cli:{OS_USER}",
                                               "--limit", "3")["items"]


def test_filters_limit_and_text(cli, bank):
    cli.ok("partners", "suspend", bank)
    page = cli.json("audit", "list", "--action", "partner.suspend", "--limit", "1")
    assert [e["action"] for e in page["items"]] == ["partner.suspend"]
    assert page["next_after"] == page["items"][0]["seq"]
    assert cli.json("audit", "list", "--since", "2099-01-01")["items"] == []
    rows = cli.ok("audit", "list", "--action", "partner.create").stdout.splitlines()
    assert rows[0].split()[:4] == ["SEQ", "AT", "ACTOR", "ACTION"]
    assert f"cli:{OS_USER}" in rows[1] and bank in rows[1]
    assert cli.ok("audit", "list", "--actor", "nobody").stdout == "no audit events match\n"
