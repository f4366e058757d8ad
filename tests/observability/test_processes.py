"""Multiprocess metrics: a real ``govgate serve --workers 2`` and two ``govgate worker --once``
processes share one metrics directory; one scrape shows the sum of all of them.

Before the server starts, a process that has since exited leaves a counter file behind; the
server removes it at startup, so its counts do not appear.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from gateway.bootstrap import build_container
from gateway.settings import Settings
from gateway.storage import migrate
from gateway.storage.policy_repositories import StoredMessage
from tests.delivery.conftest import SENDER, register_partner

from .scrape import parse, value

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
RECIPIENT = "91512081MA62K0260E"
ATTEMPTS = "govgate_delivery_attempts_total"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GOVGATE_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update({"PYTHONPATH": str(ROOT), "GOVGATE_DATA_DIR": str(tmp_path),
                "GOVGATE_DATABASE_URL": database_url, "GOVGATE_ALLOW_LOOPBACK_HTTP": "true",
                "GOVGATE_DELIVERY_TIMEOUT_SECONDS": "2",
                # one attempt, then a dead letter: no jittered retry within the test
                "GOVGATE_DELIVERY_MAX_ATTEMPTS": "1"})
    return env


def leave_stale_counts(metrics_dir: Path, env: dict) -> None:
    """A process that counted 5 attempts in the metrics directory and exited."""
    script = ("from gateway.observability import metrics\n"
              "for _ in range(5): metrics.delivery_attempted('canonical', 'failed', 0.1)\n")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60,
                   env={**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)})


def wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the server did not start:\n{log.read_text()}")


def test_one_scrape_sums_server_and_worker_processes(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'govgate.db'}"
    settings = Settings(data_dir=tmp_path, database_url=database_url, allow_loopback_http=True)
    container = build_container(settings)
    migrate.upgrade(container.engine)
    # Nothing listens there: each attempt fails, which is an outcome to count.
    register_partner(container, RECIPIENT, f"http://127.0.0.1:{free_port()}/inbox", None)
    env = environment(tmp_path, database_url)
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    leave_stale_counts(metrics_dir, env)

    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_until_serving(f"{base}/healthz", server, log)
        for _ in range(2):  # two worker processes, one delivery attempt each
            message_id = str(uuid.uuid4())
            with container.uow() as uow:
                uow.messages.add(StoredMessage(message_id, "test", SENDER, "150500", None,
                                               {"n": 1}, container.clock()))
                uow.deliveries.schedule(message_id, RECIPIENT, container.clock())
            done = subprocess.run([sys.executable, "-m", "gateway.cli", "worker", "--once"],
                                  env=env, capture_output=True, text=True, timeout=60,
                                  check=False)
            assert done.returncode == 0, done.stderr
            assert "1 delivery attempt(s) made" in done.stdout
            assert '"logger": "govgate.delivery"' in done.stderr  # the worker logs JSON
        for _ in range(20):
            assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        response = httpx.get(f"{base}/metrics", timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=15)
        container.close()

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = parse(response.text)
    assert value(samples, ATTEMPTS, format="canonical", outcome="dead") == 2
    assert value(samples, ATTEMPTS, format="canonical", outcome="failed") == 0  # the stale 5
    assert value(samples, "govgate_delivery_failures_total", format="canonical",
                 reason="recipient_unreachable") == 2
    latency = "govgate_delivery_attempt_duration_seconds_count"
    assert value(samples, latency, format="canonical") == 2
    # The first probe may have raced the second server worker; those after it all count.
    assert value(samples, "govgate_http_requests_total", operation="healthz", status="200") >= 20
    assert value(samples, "govgate_delivery_queue_depth", state="dead") == 2
    # Files of the two worker processes and of the server worker(s) that answered.
    pids = {int(m.group(1)) for path in metrics_dir.iterdir()
            if (m := re.fullmatch(r"\w+_(\d+)\.db", path.name))}
    assert len(pids) >= 3, sorted(metrics_dir.iterdir())
