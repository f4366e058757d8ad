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
    cli.env["GOVGATE_CHECKPOINT_INTERVAL"] = str(INTERVAL)  # the CLI's integrator: batches of 5
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
    assert report["tree"] == {"size": 0, "root": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}  # SHA-256("")
    assert report["last_checkpoint_size"] is None and report["failure"] is None


def test_verify_reports_entries_checkpoints_tree_and_pending(log_cli, partner):
    send_messages(partner, 12)
    assert log_cli.json("log", "integrate", "--once")["tree_size"] == 12  # batches of 5: 5, 10, 12
    send_messages(partner, 2)
    lines = log_cli.ok("log", "verify").stdout.splitlines()
    assert lines[:4] == ["entries checked:     12", "checkpoints checked: 3", "nodes checked:       10",
                         "tree size:           12"]
    assert lines[5:] == ["last checkpoint:     12", "pending entries:     2", "the log is intact"]
    report = log_cli.json("log", "verify")
    assert (report["entries_checked"], report["checkpoints_checked"]) == (12, 3)
    assert (report["last_checkpoint_size"], report["pending_entries"]) == (12, 2)


def test_verify_is_an_audited_read(log_cli, partner):
    send_messages(partner, 1)
    log_cli.ok("log", "verify")
    [event] = audit_actions(log_cli, "log.verify")
    assert (event["actor"], event["outcome"], event["target_type"]) == (
        f"cli:{OS_USER}", "allowed", "log")


def test_a_broken_log_exits_1_with_the_first_bad_leaf(log_cli, partner, container):
    send_messages(partner, 8)
    log_cli.ok("log", "integrate", "--once")
    tamper(container.engine, update(t.log_entries).where(t.log_entries.c.leaf_index == 3)
           .values(recorded_at="2026-01-01T00:00:00.000000Z"))
    result = log_cli("log", "verify")
    assert result.exit_code == 1
    assert result.stderr == "error: the evidence log is not intact at leaf 3 (leaf_hash_mismatch)\n"
    assert "first bad leaf:      3" in result.stdout
    assert "finding:             leaf_hash_mismatch" in result.stdout
    assert "detail:              the stored entry does not hash to its leaf hash" in result.stdout
    assert "the log is intact" not in result.stdout
    as_json = log_cli("log", "verify", "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["failure"] == {
        "code": "leaf_hash_mismatch", "index": 3, "detail": "the stored entry does not hash to its leaf hash"}


def test_verify_against_a_saved_jwks(log_cli, partner, tmp_path):
    """A JWKS saved before a rotation does not vouch for checkpoints signed after it."""
    send_messages(partner, INTERVAL)
    log_cli.ok("log", "integrate", "--once")
    saved = tmp_path / "jwks-before.json"
    saved.write_text(log_cli.ok("gateway-key", "jwks").stdout)
    assert log_cli.json("log", "verify", "--jwks", str(saved))["intact"] is True
    log_cli.ok("gateway-key", "rotate")
    send_messages(partner, INTERVAL)
    log_cli.ok("log", "integrate", "--once")
    result = log_cli("log", "verify", "--jwks", str(saved), "--json")
    assert result.exit_code == 1
    failure = json.loads(result.stdout)["failure"]
    assert (failure["code"], failure["index"]) == ("checkpoint_unknown_key", 2 * INTERVAL)
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


def test_integrate_once_signs_what_is_pending_and_is_audited(log_cli, partner):
    send_messages(partner, INTERVAL + 2)
    done = log_cli.json("log", "integrate", "--once")
    assert (done["batches"], done["tree_size"]) == (2, INTERVAL + 2)
    assert log_cli.ok("log", "integrate", "--once").stdout == (
        "nothing pending (or another integrator is at work)\n")
    latest = log_cli.json("log", "checkpoint")
    assert latest["checkpoint"] == done["checkpoint"] and latest["size"] == INTERVAL + 2
    assert latest["checkpoint"].splitlines()[1] == str(INTERVAL + 2)
    events = audit_actions(log_cli, "log.integrate")
    assert [(e["target_id"], e["outcome"]) for e in events] == [(str(INTERVAL + 2), "allowed"), (None, "allowed")]
    assert events[0]["after"] == {"batches": 2, "tree_size": INTERVAL + 2}


def test_consistency_between_two_signed_sizes(log_cli, partner):
    send_messages(partner, 3)
    log_cli.ok("log", "integrate", "--once")
    send_messages(partner, 4)
    log_cli.ok("log", "integrate", "--once")  # checkpoints at 3, 7
    proof = log_cli.json("log", "consistency", "3", "7")
    assert proof["consistent"] is True and len(proof["proof"]) == 4  # 2, 3, 0-1, 4-6
    assert log_cli.ok("log", "consistency", "3", "7").stdout.endswith("size 7 extends size 3\n")
    assert "no signed checkpoint of size 5" in log_cli("log", "consistency", "3", "5").stderr
    assert log_cli("log", "consistency", "7", "3").exit_code == 2


def test_an_integration_that_cannot_sign_is_one_line_and_audited(log_cli, partner, tmp_path):
    send_messages(partner, 1)
    log_cli.env.update(GOVGATE_KEY_DIR=str(tmp_path / "sealed"), GOVGATE_KEY_PASSPHRASE="right")
    log_cli.ok("gateway-key", "init")
    log_cli.env["GOVGATE_KEY_PASSPHRASE"] = "wrong"
    error = log_cli.refused("log", "integrate", "--once")
    assert error.startswith("error: ") and error.endswith("(keystore_locked)\n")
    assert error.count("\n") == 1
    [event] = audit_actions(log_cli, "log.integrate")
    assert (event["outcome"], event["detail"]) == ("failed", "keystore_locked")
