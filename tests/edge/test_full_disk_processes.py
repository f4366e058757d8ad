"""A real full filesystem under a real ``govgate serve`` and ``govgate worker`` (issue #10,
defect 1): a 16 MiB tmpfs holds the data directory (SQLite, keys, metric files) and is filled
to the last block while the server runs.

Before the fix, the metric files (memory-mapped, grown sparse) killed the process with SIGBUS
at the first new page, and every write was a 500. Now: writes are signed 503s with
Retry-After, reads go on, readiness names the failing checks, the process lives, and once
there is room the same request goes through.

Needs to mount a tmpfs (root or CAP_SYS_ADMIN); skips saying so otherwise.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from gateway.bootstrap import build_container, create_app
from gateway.client import PartnerClient
from gateway.settings import Settings
from gateway.storage import migrate
from gateway.storage.policy_repositories import StoredMessage
from tests.conftest import issue_token
from tests.delivery.conftest import SENDER, register_partner
from tests.support.signing import register_signed_partner

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SIGBUS = -7


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a 16 MiB tmpfs here (needs root or CAP_SYS_ADMIN): "
                    f"{done.stderr.strip() or done.returncode}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Write until the filesystem refuses one more byte; the file to delete for room."""
    ballast = disk / "ballast"
    fd = os.open(ballast, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError as error:
                assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
    assert os.statvfs(disk).f_bavail == 0
    return ballast


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GOVGATE_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update({"PYTHONPATH": str(ROOT), "GOVGATE_DATA_DIR": str(data_dir),
                "GOVGATE_MIN_FREE_DISK_MB": "1", "GOVGATE_ALLOW_LOOPBACK_HTTP": "true",
                "GOVGATE_DELIVERY_MAX_ATTEMPTS": "1", "GOVGATE_DELIVERY_TIMEOUT_SECONDS": "2"})
    return env


def prepared(data_dir: Path):
    """A migrated database with a signed partner and an admin token, made in this process."""
    settings = Settings(data_dir=data_dir, allow_loopback_http=True)
    container = build_container(settings)
    migrate.upgrade(container.engine)
    token = issue_token(container, "admin")
    admin = {"Authorization": f"Bearer {token}"}
    partner = register_signed_partner(create_app(settings, container).test_client(), admin, 1)
    container.close()
    return admin, partner.key


def serve(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)],
                              env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/v1/healthz", timeout=1).status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError(f"the server did not start:\n{log.read_text()}")


def test_a_full_disk_under_a_running_server(small_disk, tmp_path):
    admin, key = prepared(small_disk)
    log = tmp_path / "serve.log"
    server, base = serve(environment(small_disk), log)
    try:
        partner = PartnerClient.from_published_keys(base, key)
        assert partner.post("/v1/connectivity-tests", json={"n": 1}).status == 200
        assert httpx.get(f"{base}/v1/readyz").status_code == 200
        ballast = fill(small_disk)

        body = {"n": "x" * 50_000}
        refused = partner.post("/v1/connectivity-tests", json=body, idempotency_key="disk-1")
        assert refused.status == 503, refused.response.text  # and its receipt verified
        assert refused.json()["reason"] == "storage_unavailable"
        assert refused.response.headers["retry-after"] == "5"
        admin_write = httpx.post(f"{base}/v1/admin/tokens", headers=admin,
                                 json={"name": "night shift", "role": "auditor"})
        assert admin_write.status_code == 503, admin_write.text
        assert admin_write.json()["reason"] == "storage_unavailable"
        # New operations: new metric series on pages of the metric files never touched yet.
        for path in ("/v1/admin/partners", "/v1/admin/audit-events", "/v1/admin/operations",
                     "/v1/admin/grants", "/v1/admin/deliveries", "/v1/admin/gateway-keys"):
            # (admin reads count against the token's rate limit: a write, so 503 as well)
            assert httpx.get(base + path, headers=admin).status_code == 503, path
        whoami = partner.get("/v1/whoami")  # its nonce must be stored: a signed 503 too
        assert (whoami.status, whoami.json()["reason"]) == (503, "storage_unavailable")
        assert httpx.get(f"{base}/v1/gateway-keys").status_code == 200  # reads go on
        ready = httpx.get(f"{base}/v1/readyz")
        assert ready.status_code == 503
        failed = {name for name, outcome in ready.json()["checks"].items() if outcome == "failed"}
        assert failed == {"database_writable", "disk_space"}, ready.text
        assert httpx.get(f"{base}/v1/metrics").status_code == 200
        assert server.poll() is None, f"the server died ({server.returncode}):\n{log.read_text()}"

        ballast.unlink()
        assert httpx.get(f"{base}/v1/readyz").status_code == 200
        retried = partner.post("/v1/connectivity-tests", json=body, idempotency_key="disk-1")
        assert retried.status == 200, retried.response.text
    finally:
        server.terminate()
        server.wait(timeout=15)
    assert "Traceback" not in log.read_text(), log.read_text()[-6000:]


def test_a_worker_whose_metrics_disk_is_full_still_delivers(small_disk, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'govgate.db'}"  # the database has room; metrics not
    settings = Settings(data_dir=tmp_path, database_url=database_url, allow_loopback_http=True)
    container = build_container(settings)
    migrate.upgrade(container.engine)
    recipient = "91512081MA62K0260E"
    register_partner(container, recipient, f"http://127.0.0.1:{free_port()}/inbox", None)
    with container.uow() as uow:
        message_id = str(uuid.uuid4())
        uow.messages.add(StoredMessage(message_id, "test", SENDER, "150500", None, {"n": 1},
                                       container.clock()))
        uow.deliveries.schedule(message_id, recipient, container.clock())
    container.close()
    fill(small_disk)
    env = {**environment(tmp_path), "GOVGATE_DATABASE_URL": database_url,
           "GOVGATE_METRICS_DIR": str(small_disk / "metrics")}
    (small_disk / "metrics").mkdir()
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "worker", "--once"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != SIGBUS, "the worker died of SIGBUS"
    assert done.returncode == 0, done.stderr
    assert "1 delivery attempt(s) made" in done.stdout
    assert "metrics degraded" in done.stderr


def test_a_worker_whose_database_disk_is_full_says_so_and_exits_1(small_disk, tmp_path):
    settings = Settings(data_dir=small_disk, allow_loopback_http=True)
    container = build_container(settings)
    migrate.upgrade(container.engine)
    recipient = "91512081MA62K0260E"
    register_partner(container, recipient, f"http://127.0.0.1:{free_port()}/inbox", None)
    with container.uow() as uow:
        message_id = str(uuid.uuid4())
        uow.messages.add(StoredMessage(message_id, "test", SENDER, "150500", None, {"n": 1},
                                       container.clock()))
        uow.deliveries.schedule(message_id, recipient, container.clock())
    container.keystore.ensure_current()  # the gateway's key exists, as in any deployment
    env = {**environment(small_disk), "GOVGATE_METRICS_DIR": str(tmp_path / "metrics")}
    held = container.engine.connect().execution_options(govgate_readonly=True)  # keeps the WAL
    held.exec_driver_sql("SELECT 1")
    try:
        fill(small_disk)
        done = subprocess.run([sys.executable, "-m", "gateway.cli", "worker", "--once"], env=env,
                              capture_output=True, text=True, timeout=120, check=False)
    finally:
        held.close()
        container.close()
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "(storage_unavailable)" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_key_that_cannot_be_written_is_a_clear_error_not_a_traceback(small_disk, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'govgate.db'}"  # the database has room; keys not
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    container = build_container(settings)
    migrate.upgrade(container.engine)
    container.close()
    fill(small_disk)
    env = {**environment(tmp_path), "GOVGATE_DATABASE_URL": database_url,
           "GOVGATE_KEY_DIR": str(small_disk / "keys"), "GOVGATE_METRICS_DIR": str(tmp_path / "m")}
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "worker", "--once"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "(keystore_unwritable)" in done.stderr and "Traceback" not in done.stderr
    assert not any((small_disk / "keys").glob("*.key"))  # no torn key left behind
