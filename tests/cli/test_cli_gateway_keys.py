"""govgate gateway-key init | rotate | list | jwks: the gateway's own keys, from the shell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import OS_USER

from gateway.evidence import GatewayKeys

NOWHERE = "postgresql://govgate@127.0.0.1:1/none"


@pytest.fixture
def key_dir(bare_cli) -> Path:
    return Path(bare_cli.env["GOVGATE_DATA_DIR"]) / "keys"


def test_init_creates_the_first_key_once_without_a_database(bare_cli, key_dir):
    bare_cli.env["GOVGATE_DATABASE_URL"] = NOWHERE
    assert bare_cli("gateway-key", "list", db=False).stdout == (
        "no gateway keys yet; run 'govgate gateway-key init'\n")
    created = json.loads(bare_cli("gateway-key", "init", "--json", db=False).stdout)
    assert created == {"kid": created["kid"], "created": True, "key_dir": str(key_dir)}
    assert (key_dir / f"{created['kid']}.key").stat().st_mode & 0o077 == 0
    again = bare_cli("gateway-key", "init", db=False)
    assert again.stdout == f"current key {created['kid']}; nothing to do\n"
    assert not (key_dir.parent / "govgate.db").exists()  # no database was opened or created


def test_rotate_is_audited_and_keeps_the_old_key_published(cli, key_dir):
    first = cli.json("gateway-key", "init")["kid"]
    rotated = cli.json("gateway-key", "rotate")
    assert rotated["kid"] != first and rotated["current"] is True
    assert rotated["algorithm"] == "ed25519" and rotated["retired_at"] is None
    items = cli.json("gateway-key", "list")["items"]
    assert [(k["kid"], k["current"]) for k in items] == [(rotated["kid"], True), (first, False)]
    assert items[1]["retired_at"] is not None
    [event] = cli.json("audit", "list", "--action", "gateway_key.rotate")["items"]
    assert (event["actor"], event["after"]) == (f"cli:{OS_USER}", {"kid": rotated["kid"]})
    text = cli.ok("gateway-key", "rotate").stdout
    assert text.startswith("rotated: new key gw-")


def test_list_matches_the_admin_api(cli, settings, client, admin_headers):
    cli.env["GOVGATE_KEY_DIR"] = str(settings.effective_key_dir)  # the app's key directory
    cli.ok("gateway-key", "rotate")
    api = client.get("/v1/admin/gateway-keys", headers=admin_headers).json()["items"]
    mine = cli.json("gateway-key", "list")["items"]
    assert [{k: v for k, v in key.items() if k != "retired_at"} for key in mine] == api
    rows = cli.ok("gateway-key", "list").stdout.splitlines()
    assert rows[0].split() == ["KID", "ALGORITHM", "CURRENT", "CREATED", "RETIRED", "FINGERPRINT"]
    assert len(rows) == 3


def test_jwks_is_what_partners_fetch_and_what_verifiers_load(cli, settings, client):
    cli.env["GOVGATE_KEY_DIR"] = str(settings.effective_key_dir)
    cli.ok("gateway-key", "rotate")
    jwks = json.loads(cli.ok("gateway-key", "jwks").stdout)
    assert jwks == client.get("/v1/gateway-keys").json()
    keys = GatewayKeys.from_jwks(jwks)
    assert len(keys.by_kid) == 2 and not keys.unsupported
    assert all("d" not in key for key in jwks["keys"])  # never a private member


def test_rotate_refuses_a_key_directory_it_cannot_open(cli):
    cli.env["GOVGATE_KEY_PASSPHRASE"] = "right"
    cli.ok("gateway-key", "init")
    cli.env["GOVGATE_KEY_PASSPHRASE"] = "wrong"
    error = cli.refused("gateway-key", "rotate")
    assert error.startswith("error: ") and error.endswith("(keystore_locked)\n")
    assert len(cli.json("gateway-key", "list")["items"]) == 1
    [event] = cli.json("audit", "list", "--action", "gateway_key.rotate")["items"]
    assert (event["outcome"], event["detail"]) == ("failed", "keystore_locked")
