"""govgate grants …: access rights by operation or group."""

from __future__ import annotations

from conftest import BANK, CATALOGUE, OS_USER


def test_operations_lists_the_catalogue(cli):
    body = cli.json("grants", "operations")
    assert body["operations"] == sorted(CATALOGUE.grantable)
    assert body["groups"] == {"deferral": ["submit_deferral"],
                              "lending": ["query_loan", "query_tax_status"]}
    text = cli.ok("grants", "operations").stdout
    assert "group lending: query_loan, query_tax_status" in text


def test_add_list_remove(cli, bank, client, admin_headers):
    grant = cli.json("grants", "add", bank, "lending", "--expires", "2099-01-01")
    assert grant["expires_at"] == "2098-12-31T16:00:00Z"
    assert grant["created_by"] == f"cli:{OS_USER}" and grant["current"] is True
    other = cli.json("grants", "add", bank, "submit_deferral")
    listed = cli.json("grants", "list", "--partner", bank)
    api = client.get("/v1/admin/grants", params={"partner_id": bank}, headers=admin_headers)
    assert api.status_code == 200
    assert listed == api.json()
    assert [g["id"] for g in listed["items"]] == [grant["id"], other["id"]]
    lending = cli.json("grants", "list", "--operation", "lending")["items"]
    assert [g["id"] for g in lending] == [grant["id"]]
    assert cli.ok("grants", "remove", str(grant["id"])).stdout == f"grant {grant['id']} removed\n"
    assert [g["id"] for g in cli.json("grants", "list")["items"]] == [other["id"]]
    [event] = cli.json("audit", "list", "--action", "grant.delete")["items"]
    assert event["before"]["operation"] == "lending" and event["after"] is None


def test_refusals(cli, bank):
    assert cli.refused("grants", "add", bank, "launch_missiles").splitlines() == [
        "error: 'launch_missiles' is neither a grantable operation nor a group in the contract"
        " (unknown_operation)",
        "  OPERATION: unknown operation or group",
    ]
    error = cli.refused("grants", "add", bank, "lending", "--expires", "2001-01-01")
    assert error.splitlines()[1] == "  --expires: must be in the future"
    cli.ok("grants", "add", bank, "lending")
    assert cli.refused("grants", "add", bank, "lending") == (
        f"error: {bank} already holds a grant for lending (grant_exists)\n")
    assert cli.refused("grants", "add", "91512081MA62K0260E", "lending") == (
        "error: no partner 91512081MA62K0260E (partner_not_found)\n")
    assert cli.refused("grants", "remove", "999") == "error: no grant 999 (grant_not_found)\n"
    assert cli("grants", "remove", "abc").exit_code == 2


def test_list_pages_with_a_numeric_cursor(cli, bank):
    for operation in ("lending", "deferral", "query_loan"):
        cli.ok("grants", "add", bank, operation)
    first = cli.json("grants", "list", "--limit", "2")
    rest = cli.json("grants", "list", "--after", str(first["next_after"]))
    operations = [g["operation"] for g in first["items"] + rest["items"]]
    assert operations == ["lending", "deferral", "query_loan"]
    assert cli("grants", "list", "--after", "x").exit_code == 2
    assert BANK in cli.ok("grants", "list").stdout
