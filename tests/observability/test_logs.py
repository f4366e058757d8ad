"""JSON logs: one access line per request with its ids; nothing secret, no bodies."""

from __future__ import annotations

import json
import logging
import shutil

import pytest

from gateway import errors
from gateway.api.partner import diagnostics
from gateway.bootstrap import create_app
from gateway.observability.logging import HANDLER_NAME, configure_logging
from gateway.settings import SettingsError
from tests.support.signing import register_signed_partner

BODY_SECRET = "PLANTED-BODY-7f3a9c"
HEADER_SECRET = "PLANTED-HEADER-51e0bd"
PEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ\n-----END PRIVATE KEY-----"


def records(err: str) -> list[dict]:
    lines = [line for line in err.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line the gateway writes is JSON


def access_lines(err: str) -> list[dict]:
    return [r for r in records(err) if r["logger"] == "govgate.http"]


def test_an_admin_request_is_one_line_with_its_request_id(client, admin_headers, capsys):
    capsys.readouterr()
    response = client.get("/v1/admin/partners?limit=5", headers=admin_headers)
    assert response.status_code == 200
    err = capsys.readouterr().err
    [line] = access_lines(err)
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["message"] == "GET /v1/admin/partners 200"  # the query string stays out
    assert (line["operation"], line["status"], line["level"]) == ("list_partners", 200, "INFO")
    assert line["duration_ms"] > 0 and line["time"].endswith("Z")
    assert "partner_id" not in line and "message_id" not in line
    token = admin_headers["Authorization"].split()[1]
    assert token not in err and token[5:] not in err


def test_a_signed_post_names_partner_and_message_and_leaks_nothing(client, admin_headers, clock,
                                                                     capsys):
    partner = register_signed_partner(client, admin_headers, 1, clock=clock)
    capsys.readouterr()
    body = json.dumps({"note": BODY_SECRET}).encode()
    headers = partner.sign("POST", "/v1/connectivity-tests", body,
                           headers={"X-Planted": HEADER_SECRET})
    response = client.post("/v1/connectivity-tests", headers=headers, content=body)
    assert response.status_code == 200, response.text
    err = capsys.readouterr().err
    [line] = access_lines(err)
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["partner_id"] == partner.id
    assert line["message_id"] == response.json()["message_id"]
    assert line["operation"] == "connectivity_test" and line["status"] == 200
    signature = headers["Signature"].split("=:", 1)[1].rstrip(":")
    for secret in (BODY_SECRET, HEADER_SECRET, signature, headers["Content-Digest"],
                   response.headers["signature"].split("=:", 1)[1].rstrip(":")):
        assert secret not in err


def test_records_logged_while_handling_carry_the_ids(settings, container, admin_headers, clock,
                                                     capsys, monkeypatch):
    def broken_whoami():
        raise errors.Unavailable("the partner registry is away", reason="registry_unavailable")

    monkeypatch.setattr(diagnostics, "whoami", broken_whoami)  # before the app resolves it
    client = create_app(settings, container).test_client()
    partner = register_signed_partner(client, admin_headers, 1, clock=clock)
    capsys.readouterr()
    response = partner.get("/v1/whoami")
    assert response.status_code == 503
    [failure] = [r for r in records(capsys.readouterr().err) if r["logger"] == "govgate.problems"]
    assert failure["level"] == "ERROR"
    assert failure["request_id"] == response.headers["x-request-id"]
    assert failure["partner_id"] == partner.id


def test_a_probe_failure_is_logged_with_the_request_id(client, settings, capsys):
    shutil.rmtree(settings.effective_key_dir)
    capsys.readouterr()
    response = client.get("/v1/readyz")
    assert response.status_code == 503
    # Only this request's records: a server thread an earlier test left may log meanwhile.
    [warning] = [r for r in records(capsys.readouterr().err) if r["logger"] == "govgate.health"
                 and r.get("request_id") == response.headers["x-request-id"]]
    assert warning["message"] == "readiness check keys failed: keystore_empty"


@pytest.fixture
def gateway_log(settings):
    """The gateway's handler on a test logger; json format again afterwards."""
    configure_logging(settings.with_overrides(key_passphrase="correct horse battery"))
    yield logging.getLogger("govgate.test")
    configure_logging(settings)


def test_secrets_in_messages_and_extras_are_redacted(gateway_log, capsys):
    capsys.readouterr()
    gateway_log.warning("got Authorization: Bearer %s, key %s, Signature: sig1=:%s:, pass %s",
                        "ggat_abcDEF123", PEM, "bWFjaGluZQ==", "correct horse battery",
                        extra={"body": BODY_SECRET, "request_headers": HEADER_SECRET,
                               "idempotency_key": "k-1", "operation": "whoami"})
    [entry] = records(capsys.readouterr().err)
    text = json.dumps(entry)
    for secret in ("ggat_abcDEF123", "abcDEF123", "MC4CAQAwBQYDK2VwBCIEIJ", "bWFjaGluZQ==",
                   "correct horse battery", BODY_SECRET, HEADER_SECRET, "k-1"):
        assert secret not in text
    assert entry["message"] == ("got Authorization: Bearer [redacted], key [redacted PEM], "
                                "Signature: sig1=:[redacted]:, pass [redacted]")
    assert entry["operation"] == "whoami"


def test_exception_text_is_redacted_too(gateway_log, capsys):
    capsys.readouterr()
    try:
        raise RuntimeError("token ggat_leaked0123 refused")
    except RuntimeError:
        gateway_log.exception("failed")
    [entry] = records(capsys.readouterr().err)
    assert "RuntimeError: token ggat_[redacted] refused" in entry["exception"]
    assert "leaked0123" not in json.dumps(entry)


def test_configuring_again_replaces_the_handler_in_place(settings, gateway_log, capsys):
    configure_logging(settings.with_overrides(log_format="text"))
    configure_logging(settings.with_overrides(log_format="text"))
    assert [h.get_name() for h in logging.getLogger().handlers].count(HANDLER_NAME) == 1
    capsys.readouterr()
    gateway_log.info("plain %s", "words")
    err = capsys.readouterr().err
    assert err.rstrip().endswith("INFO govgate.test [None]: plain words")
    with pytest.raises(SettingsError, match="GOVGATE_LOG_FORMAT"):
        configure_logging(settings.with_overrides(log_format="xml"))
