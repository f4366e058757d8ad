"""govgate evidence export | verify: a bundle handed from the operator to an offline auditor."""

from __future__ import annotations

import base64
import json

import pytest
from conftest import OS_USER

from gateway.evidence import FINDINGS_V2 as FINDINGS
from tests.integration.signed_log import send_messages
from tests.support.signing import register_signed_partner

NOWHERE = "postgresql://govgate@127.0.0.1:1/none"


@pytest.fixture
def log_cli(cli, settings):
    cli.env["GOVGATE_KEY_DIR"] = str(settings.effective_key_dir)
    return cli


@pytest.fixture
def message_id(client, admin_headers, clock):
    partner = register_signed_partner(client, admin_headers, 1, clock=clock)
    return send_messages(partner, 3)[1]


@pytest.fixture
def handed_over(log_cli, message_id, tmp_path):
    """The exported bundle and the gateway's JWKS, as files an auditor receives."""
    bundle, jwks = tmp_path / "bundle.json", tmp_path / "jwks.json"
    log_cli.ok("evidence", "export", message_id, "--out", str(bundle))
    jwks.write_text(log_cli.ok("gateway-key", "jwks").stdout)
    return bundle, jwks


@pytest.fixture
def auditor(log_cli):
    """The CLI of a machine with no database and no gateway settings."""
    log_cli.env = {"GOVGATE_DATABASE_URL": NOWHERE, "GOVGATE_DATA_DIR": "/nonexistent"}
    return lambda *args: log_cli(*args, db=False)


def test_export_writes_the_apis_bundle_and_is_an_audited_read(
    log_cli, message_id, client, admin_headers, tmp_path
):
    out = tmp_path / "bundle.json"
    summary = log_cli.json("evidence", "export", message_id, "--out", str(out))
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert summary == {"message_id": message_id, "file": str(out), "leaf_index": 1, "tree_size": 3}
    assert bundle["entry"]["record"]["message_id"] == message_id
    api = client.get(f"/v1/messages/{message_id}/evidence", headers=admin_headers)
    assert api.json() == {"status": "integrated", "message_id": message_id, "bundle": bundle, "receipts": []}
    [event] = log_cli.json("audit", "list", "--action", "evidence.read",
                           "--actor", f"cli:{OS_USER}")["items"]
    assert (event["target_type"], event["target_id"]) == ("message", message_id)


def test_export_never_overwrites_and_reports_unknown_messages(log_cli, message_id, tmp_path):
    out = tmp_path / "kept.json"
    out.write_text("earlier evidence")
    result = log_cli("evidence", "export", message_id, "--out", str(out))
    assert result.exit_code == 2 and f"{out} exists; choose a new file name" in result.stderr
    assert out.read_text() == "earlier evidence"
    missing = tmp_path / "missing.json"
    assert log_cli.refused("evidence", "export", "no-such-message", "--out", str(missing)) == (
        "error: no message no-such-message in the evidence log (message_not_found)\n")
    assert not missing.exists()


def test_verify_needs_no_database_or_settings(handed_over, auditor):
    bundle, jwks = handed_over
    result = auditor("evidence", "verify", str(bundle), "--jwks", str(jwks))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["STATUS", "CHECK", "DETAIL"]
    expected = [["not", "applicable"] if name == "witness_cosignatures" else ["holds", name] for name in FINDINGS]
    assert [line.split()[:2] for line in lines[1:-1]] == expected
    assert lines[-1] == "verified"
    report = json.loads(auditor("evidence", "verify", str(bundle), "--jwks", str(jwks),
                                "--json").stdout)
    assert report["verified"] is True
    assert [f["name"] for f in report["findings"]] == list(FINDINGS)


def test_a_changed_body_fails_and_exits_1(handed_over, auditor, tmp_path):
    bundle, jwks = handed_over
    data = json.loads(bundle.read_text())
    data["entry"]["record"]["body"] = base64.b64encode(b'{"n": 99}').decode()
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data))
    result = auditor("evidence", "verify", str(forged), "--jwks", str(jwks))
    assert result.exit_code == 1
    assert "fails           body_matches_content_digest" in result.stdout
    assert "not checked     inclusion_proof_valid           depends on leaf_hash_valid" in result.stdout
    assert result.stderr == (
        "error: the bundle is not verified: body_matches_content_digest fails; leaf_hash_valid "
        "fails; inclusion_proof_valid not checked\n")


def test_another_gateways_jwks_does_not_vouch_for_the_bundle(handed_over, auditor, tmp_path):
    bundle, _ = handed_over
    other = tmp_path / "other-jwks.json"
    other.write_text(json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "gw-other",
                                           "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}))
    result = auditor("evidence", "verify", str(bundle), "--jwks", str(other), "--json")
    assert result.exit_code == 1
    statuses = {f["name"]: f["status"] for f in json.loads(result.stdout)["findings"]}
    assert statuses["checkpoint_key_known"] == "fails"
    assert statuses["checkpoint_signature_valid"] == "not_checked"
    assert statuses["receipt_signature_valid"] == "fails"
    assert statuses["sender_signature_valid"] == "holds"  # the partner's key travels inside


def test_a_bundle_of_the_wrong_shape_is_a_finding(handed_over, auditor, tmp_path):
    _, jwks = handed_over
    odd = tmp_path / "odd.json"
    odd.write_text('{"format": "something else"}')
    result = auditor("evidence", "verify", str(odd), "--jwks", str(jwks), "--json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert findings[0]["status"] == "fails"
    assert {f["status"] for f in findings[1:]} == {"not_checked"}


def test_files_that_are_not_json_or_missing(handed_over, auditor, tmp_path):
    bundle, jwks = handed_over
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"\xff\xfe not json")
    result = auditor("evidence", "verify", str(broken), "--jwks", str(jwks))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: the bundle {broken} is not JSON: ")
    assert result.stderr.endswith("(malformed_file)\n")
    result = auditor("evidence", "verify", str(bundle), "--jwks", str(bundle))
    assert result.exit_code == 1
    assert result.stderr == (f'error: the JWKS {bundle} is not usable: a JWKS must be an object '
                             'with a "keys" array (malformed_jwks)\n')
    result = auditor("evidence", "verify", str(tmp_path / "absent.json"), "--jwks", str(jwks))
    assert result.exit_code == 2 and "does not exist" in result.stderr
