"""govgate admin-token …: the way the first admin token is made; its secret is shown once."""

from __future__ import annotations

from conftest import OS_USER


def test_create_prints_the_secret_once_and_it_works_against_the_api(cli, client):
    result = cli.ok("admin-token", "create", "--name", "first admin", "--role", "admin")
    first_line, secret = result.stdout.splitlines()
    assert first_line.startswith("created admin token tok_")
    assert secret.startswith("ggat_")
    assert "shown once" in result.stderr and "cannot be shown again" in result.stderr
    answer = client.get("/v1/admin/partners", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    listing = cli.ok("admin-token", "list").stdout + cli.ok("admin-token", "list", "--json").stdout
    assert secret not in listing


def test_json_output_equals_the_api_and_revocation_is_immediate(cli, client):
    created = cli.json("admin-token", "create", "--name", "auditor", "--role", "auditor",
                       "--expires", "2099-01-01")
    token = created["token"]
    assert token["created_by"] == f"cli:{OS_USER}" and token["expires_at"] == "2098-12-31T16:00:00Z"
    headers = {"Authorization": f"Bearer {created['secret']}"}
    assert client.get("/v1/admin/audit-events", headers=headers).status_code == 200
    api = client.get(f"/v1/admin/tokens/{token['id']}",
                     headers={"Authorization": "Bearer " + cli.json(
                         "admin-token", "create", "--name", "a", "--role", "admin")["secret"]})
    assert {**api.json(), "last_used_at": None} == {**token, "last_used_at": None}
    revoked = cli.json("admin-token", "revoke", token["id"])
    assert revoked["revoked_at"] is not None
    assert client.get("/v1/admin/audit-events", headers=headers).status_code == 401
    ids = [t["id"] for t in cli.json("admin-token", "list")["items"]]
    assert token["id"] in ids and len(ids) == 2


def test_refusals(cli):
    assert cli.refused("admin-token", "revoke", "tok_nope") == (
        "error: no admin token tok_nope (token_not_found)\n")
    error = cli.refused("admin-token", "create", "--name", "late", "--role", "admin",
                        "--expires", "2020-01-01")
    assert error.splitlines()[1] == "  --expires: must be in the future"
    assert cli("admin-token", "create", "--name", "x", "--role", "root").exit_code == 2
    assert "no admin tokens" in cli.ok("admin-token", "list").stdout
