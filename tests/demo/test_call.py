"""``govgate call`` against a running gateway (the demo's, on loopback): it signs as the
partner whose key file it is given and refuses to present an answer whose receipt does not
verify against the gateway's published keys."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from click.testing import CliRunner

from gateway.cli import main
from gateway.demo import DemoGateway
from gateway.demo.world import AdminApi, DemoWorld


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    gateway = DemoGateway(tmp_path_factory.mktemp("call") / "data").start()
    world = DemoWorld(gateway, AdminApi(gateway.base_url, gateway.issue_admin_token())).build()
    yield world
    world.stop()
    gateway.stop()


def call(world, role: str, *args: str, keyid: str | None = None, input: str | None = None):
    partner = world[role]
    return CliRunner().invoke(main, [
        "call", *args, "--base-url", world.gateway.base_url, "--key", str(partner.key_file),
        "--keyid", keyid or partner.key.keyid], input=input, catch_exceptions=False)


def test_whoami_is_signed_and_its_receipt_verified(world):
    result = call(world, "bank", "GET", "/v1/whoami")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "HTTP 200 OK"
    kid = world.gateway.container.keystore.current()[0]
    assert any(line.startswith(f"receipt: verified (gateway key {kid},") for line in lines)
    body = json.loads(result.stdout[result.stdout.index("\n{") + 1:])
    assert body["partner_id"] == world["bank"].id and body["keyid"] == "demo-bank-1"


def test_a_post_with_a_body_from_stdin_and_a_chosen_idempotency_key(world):
    args = ("POST", "/v1/connectivity-tests", "--json-body", "-", "--idempotency-key",
            "demo-call-1", "--json")
    result = call(world, "hr", *args, input='{"hello": "govgate"}')
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["status"] == 200 and answer["receipt"]["verified"] is True
    assert answer["headers"]["Idempotency-Key (sent)"] == "demo-call-1"
    assert answer["body"]["body_length"] == len('{"hello": "govgate"}')  # the bytes, as given


def test_a_retry_with_the_same_idempotency_key_gets_the_stored_answer(world):
    args = ("POST", "/v1/connectivity-tests", "--json-body", "-", "--idempotency-key",
            "demo-call-2", "--json")
    first = json.loads(call(world, "hr", *args, input='{"n": 2}').stdout)
    again = call(world, "hr", *args, input='{"n": 2}')
    assert again.exit_code == 0, again.output
    replayed = json.loads(again.stdout)
    assert replayed["headers"]["Idempotency-Replayed"] == "true"
    assert replayed["body"]["message_id"] == first["body"]["message_id"]


def test_a_refusal_is_shown_with_its_verified_receipt_and_exits_1(world):
    result = call(world, "bank", "GET", "/v1/whoami", keyid="not-registered")
    assert result.exit_code == 1
    assert result.stdout.startswith("HTTP 401 ")
    assert "receipt: verified" in result.stdout and '"reason": "key_unknown"' in result.stdout


def test_usage_errors_exit_2(world, tmp_path):
    bad_body = call(world, "bank", "POST", "/v1/connectivity-tests", "--json-body", "-",
                    input="{not json")
    assert bad_body.exit_code == 2 and "--json-body" in bad_body.stderr
    not_a_key = tmp_path / "key.pem"
    not_a_key.write_text("hello")
    result = CliRunner().invoke(main, ["call", "GET", "/v1/whoami", "--key", str(not_a_key),
                                       "--keyid", "k"])
    assert result.exit_code == 2 and "is not a usable private key" in result.stderr


def test_an_unreachable_gateway_is_one_line(world, tmp_path):
    gone = DemoGateway(tmp_path / "never-started")  # a bound port nobody answers on
    gone.stop()
    result = CliRunner().invoke(main, [
        "call", "GET", "/v1/whoami", "--base-url", gone.base_url,
        "--key", str(world["bank"].key_file), "--keyid", "demo-bank-1"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("error: ")


@pytest.fixture
def unsigned_gateway(world):
    """Publishes the real gateway's keys but answers without signing: a man in the middle."""
    jwks = requests.get(world.gateway.base_url + "/v1/gateway-keys", timeout=5).content

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = jwks if self.path == "/v1/gateway-keys" else b'{"partner_id": "forged"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_answer_without_a_valid_receipt_is_an_error_not_an_answer(world, unsigned_gateway):
    result = CliRunner().invoke(main, [
        "call", "GET", "/v1/whoami", "--base-url", unsigned_gateway,
        "--key", str(world["bank"].key_file), "--keyid", "demo-bank-1"])
    assert result.exit_code == 1
    assert "forged" not in result.stdout
    assert result.stderr.startswith("error: the gateway's answer carries no valid receipt")
    assert "(signature_missing)" in result.stderr
