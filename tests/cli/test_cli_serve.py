"""govgate serve: refuses a stale schema, passes its options to uvicorn's workers, really serves."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from gateway.cli.serve import child_environment
from gateway.settings import Settings

CHILD_VARIABLES = ["GOVGATE_HOST", "GOVGATE_PORT", "GOVGATE_WORKERS", "GOVGATE_DATA_DIR",
                   "GOVGATE_DATABASE_URL"]


def test_no_migrate_refuses_a_schema_that_is_not_current(bare_cli, monkeypatch):
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("must not start"))
    error = bare_cli.refused("serve", "--no-migrate")
    assert error.endswith("run 'govgate db upgrade' first (schema_not_current)\n")


def test_options_reach_uvicorn_and_the_workers_environment(bare_cli, monkeypatch):
    for name in CHILD_VARIABLES:  # serve sets them in os.environ: have monkeypatch undo that
        monkeypatch.setenv(name, "registered for restoration")
        monkeypatch.delenv(name)
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw, dict(os.environ))))
    result = bare_cli("serve", "--host", "127.0.0.2", "--port", "9123", "--workers", "3")
    assert result.exit_code == 0, result.output
    [(app, kwargs, environ)] = calls
    assert app == "gateway.bootstrap:asgi_app"
    assert kwargs == {"factory": True, "host": "127.0.0.2", "port": 9123, "workers": 3,
                      "proxy_headers": False, "log_level": "info",
                      "http": "gateway.api.http_server:HttpProtocolFromEnvironment",
                      "access_log": False,  # one JSON line per request is the gateway's own
                      "timeout_worker_healthcheck": 30}
    assert environ["GOVGATE_PORT"] == "9123" and environ["GOVGATE_WORKERS"] == "3"
    assert environ["GOVGATE_DATABASE_URL"] == bare_cli.database_url
    # What the workers will read is what the command was given.
    worker = Settings.from_env(environ)
    assert (worker.host, worker.port, worker.workers) == ("127.0.0.2", 9123, 3)
    assert worker.effective_database_url == bare_cli.database_url
    lines = result.stdout.splitlines()
    assert lines[0] == f"database upgraded empty -> {lines[0].split()[-1]}"
    assert "listening on http://127.0.0.2:9123/v1" in lines[1]
    hint = lines[lines.index("no admin token exists yet; create the first one with:") + 1]
    assert hint.endswith(" admin-token create --name <who> --role admin")


def test_the_first_token_hint_works_from_any_directory(bare_cli, monkeypatch, tmp_path):
    for name in CHILD_VARIABLES:  # serve sets them in os.environ: have monkeypatch undo that
        monkeypatch.setenv(name, "registered for restoration")
        monkeypatch.delenv(name)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    result = bare_cli("serve")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    hint = lines[lines.index("no admin token exists yet; create the first one with:") + 1]
    words = shlex.split(hint.replace("<who>", "first-operator"))
    assert Path(words[0]).is_absolute() and "--data-dir" in words
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVGATE_")}
    env["PATH"] = "/usr/bin:/bin"  # no venv on PATH, as in a fresh operator shell
    made = subprocess.run(words + ["--json"], cwd=elsewhere, env=env, capture_output=True, text=True,
                          timeout=120)
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["token"]["name"] == "first-operator"
    assert not (elsewhere / "data").exists()  # the server's data dir, not one relative to here


def test_child_environment_round_trips_through_settings(tmp_path):
    settings = Settings(data_dir=tmp_path, host="::1", port=8443, workers=4)
    again = Settings.from_env(child_environment(settings))
    assert (again.host, again.port, again.workers) == ("::1", 8443, 4)
    assert again.effective_database_url == settings.effective_database_url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_serve_really_serves_the_contract(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1/openapi.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVGATE_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env["GOVGATE_MAX_HEADER_BYTES"] = "4096"  # reaches the workers' HTTP protocol
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "--data-dir", str(tmp_path / "data"), "serve",
         "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    try:
        status, deadline = None, time.monotonic() + 60  # generous: CI runs tests two at a time
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status = httpx.get(url, timeout=1).status_code
            except httpx.TransportError:
                status = None
            if status == 200:
                break
            time.sleep(0.1)
        log.seek(0)
        output = log.read()
        assert status == 200, output
        assert f"listening on http://127.0.0.1:{port}/v1" in output
        assert (tmp_path / "data" / "govgate.db").exists()
        big = httpx.get(url, headers={"X-Big": "a" * 5000}, timeout=5)
        assert big.status_code == 431 and big.json()["reason"] == "header_too_large"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
