"""govgate log verify | checkpoint: the whole database log, checked and sealed from the shell.

(tests/integration/test_log_tamper.py drives verify through every kind of tampering; here the
command itself: its output, exit codes, --jwks, and the audit trail.)
"""

from __future__ import annotations

import json

import pytest
from conftest import OS_USER
from sqlalchemy import update

from gateway.settings import Settings
from gateway.storage import tables as t
from tests.integration.signed_log import send_messages, tamper
from tests.support.signing import register_signed_partner

INTERVAL = 5


@pytest.fixture
def settings(database_url, tmp_path):
    return Settings(data_dir=tmp_path, database_url=database_url, validate_responses=True,
                    admin_rate_limit=1000, checkpoint_interval=INTERVAL)


@pytest.fixture
def log_cli(cli, settings):
    """The CLI with the app's key directory, so both see the same gateway keys."""
    cli.env["GOVGATE_KEY_DIR"] = str(settings.effective_key_dir)
    return cli


@pytest.fixture
def partner(client, admin_headers, clock):
    return register_signed_partner(client, admin_headers, 1, clock=clock)


def audit_actions(cli, action: str) -> list[dict]:
    return cli.json("audit", "list", "--action", action)["items"]


def test_an_empty_log_is_intact(log_cli):
    report = log_cli.json("log", "verify")
    assert report["intact"] is True
    assert report["entries_checked"] == report["checkpoints_checked"] == 0
    assert report["head"] == {"seq": 0, "hash": "A" * 43 + "="}  # the genesis: 32 zero bytes
    assert report["last_checkpoint_seq"] is None and report["failure"] is None


def test_verify_reports_entries_checkpoints_head_and_unsealed(log_cli, partner):
    send_messages(partner, 12)
    lines = log_cli.ok("log", "verify").stdout.splitlines()
    assert lines[:3] == ["entries checked:     12", "checkpoints checked: 2",
                         "head seq:            12"]
    assert lines[4:] == ["last checkpoint:     10", "unsealed entries:    2", "the log is intact"]
    report = log_cli.json("log", "verify")
    assert (report["entries_checked"], report["checkpoints_checked"]) == (12, 2)
    assert (report["last_checkpoint_seq"], report["unsealed_entries"]) == (10, 2)


def test_verify_is_an_audited_read(log_cli, partner):
    send_messages(partner, 1)
    log_cli.ok("log", "verify")
    [event] = audit_actions(log_cli, "log.verify")
    assert (event["actor"], event["outcome"], event["target_type"]) == (
        f"cli:{OS_USER}", "allowed", "log")


def test_a_broken_log_exits_1_with_the_first_bad_seq(log_cli, partner, container):
    send_messages(partner, 8)
    tamper(container.engine, update(t.message_log).where(t.message_log.c.seq == 3)
           .values(recorded_at="2026-01-01T00:00:00.000000Z"))
    result = log_cli("log", "verify")
    assert result.exit_code == 1
    assert result.stderr == "error: the evidence log is not intact at seq 3 (hash_mismatch)\n"
    assert "first bad seq:       3" in result.stdout
    assert "finding:             hash_mismatch" in result.stdout
    assert "detail:              the stored entry does not hash to its entry_hash" in result.stdout
    assert "the log is intact" not in result.stdout
    as_json = log_cli("log", "verify", "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["failure"] == {
        "code": "hash_mismatch", "seq": 3, "detail": "the stored entry does not hash to its entry_hash"}


def test_verify_against_a_saved_jwks(log_cli, partner, tmp_path):
    """A JWKS saved before a rotation does not vouch for checkpoints signed after it."""
    send_messages(partner, INTERVAL)
    saved = tmp_path / "jwks-before.json"
    saved.write_text(log_cli.ok("gateway-key", "jwks").stdout)
    assert log_cli.json("log", "verify", "--jwks", str(saved))["intact"] is True
    log_cli.ok("gateway-key", "rotate")
    send_messages(partner, INTERVAL)
    result = log_cli("log", "verify", "--jwks", str(saved), "--json")
    assert result.exit_code == 1
    failure = json.loads(result.stdout)["failure"]
    assert (failure["code"], failure["seq"]) == ("checkpoint_unknown_key", 2 * INTERVAL)
    assert log_cli.json("log", "verify")["checkpoints_checked"] == 2  # the key dir knows both


def test_verify_refuses_a_file_that_is_not_a_jwks(log_cli, tmp_path):
    not_json, not_jwks = tmp_path / "a.json", tmp_path / "b.json"
    not_json.write_text("{")
    not_jwks.write_text('{"keys": [{"kty": "OKP"}]}')
    assert log_cli.refused("log", "verify", "--jwks", str(not_json)).startswith(
        f"error: the JWKS {not_json} is not JSON: ")
    assert log_cli.refused("log", "verify", "--jwks", str(not_jwks)) == (
        f"error: the JWKS {not_jwks} is not usable: every key in the JWKS needs a kid "
        "(malformed_jwks)\n")


def test_checkpoint_signs_the_unsealed_head_once(log_cli, partner):
    send_messages(partner, INTERVAL + 2)
    signed = log_cli.json("log", "checkpoint")["checkpoint"]
    assert signed["seq"] == INTERVAL + 2
    assert signed["keyid"] == log_cli.json("gateway-key", "list")["items"][0]["kid"]
    assert log_cli.ok("log", "checkpoint").stdout == (
        "the head is already signed (or the log is empty); nothing to do\n")
    report = log_cli.json("log", "verify")
    assert (report["checkpoints_checked"], report["unsealed_entries"]) == (2, 0)
    events = audit_actions(log_cli, "log.checkpoint")
    assert [(e["target_id"], e["outcome"]) for e in events] == [(str(INTERVAL + 2), "allowed"),
                                                                 (None, "allowed")]
    assert events[0]["after"] == {"seq": INTERVAL + 2, "keyid": signed["keyid"]}


def test_a_checkpoint_that_cannot_be_signed_is_one_line_and_audited(log_cli, partner, tmp_path):
    send_messages(partner, 1)
    log_cli.env.update(GOVGATE_KEY_DIR=str(tmp_path / "sealed"), GOVGATE_KEY_PASSPHRASE="right")
    log_cli.ok("gateway-key", "init")
    log_cli.env["GOVGATE_KEY_PASSPHRASE"] = "wrong"
    error = log_cli.refused("log", "checkpoint")
    assert error.startswith("error: ") and error.endswith("(keystore_locked)\n")
    assert error.count("\n") == 1
    [event] = audit_actions(log_cli, "log.checkpoint")
    assert (event["outcome"], event["detail"]) == ("failed", "keystore_locked")
