"""Real `govgate worker` processes against one database and a deduplicating simulator.

    two workers, ~100 deliveries     every delivery delivered, each message seen exactly once
    a worker SIGKILLed mid-delivery  retried after its lease, delivered; the recipient counts a
                                     duplicate
    a worker outlives its lease      the other worker delivers; the stale worker's (duplicate)
                                     receipt is ignored: one receipt, one evidence entry

PostgreSQL runs need GOVGATE_TEST_DATABASE_URL; SQLite runs always.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from gateway.bootstrap import build_container
from gateway.settings import Settings
from gateway.signatures import SigningKey
from gateway.simulators import Behaviour, CanonicalPartnerSimulator
from gateway.storage import migrate
from gateway.storage.policy_repositories import StoredMessage
from tests.conftest import PG_URL, _postgres_database

from .conftest import SENDER, register_partner

pytestmark = pytest.mark.slow

RECIPIENT = "91110000600037341L"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'govgate.db'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL worker tests need GOVGATE_TEST_DATABASE_URL "
                    "(e.g. postgresql://postgres@127.0.0.1:5432/postgres)")
    url, drop = _postgres_database(PG_URL)
    yield url
    drop()


class Gateway:
    """The database, keys and recipient the worker processes share with the test."""

    def __init__(self, tmp_path: Path, database_url: str, behaviour: Behaviour) -> None:
        self.tmp_path = tmp_path
        self.settings = Settings(data_dir=tmp_path, database_url=database_url,
                                 allow_loopback_http=True)
        self.container = build_container(self.settings)
        migrate.upgrade(self.container.engine)
        self.container.keystore.ensure_current()
        key = SigningKey.generate("ed25519", "recipient-receipts")
        self.recipient = CanonicalPartnerSimulator(RECIPIENT, key, self.container.keystore.jwks,
                                                   behaviour=behaviour).start()
        register_partner(self.container, RECIPIENT, self.recipient.endpoint_url, key)
        self.workers: list[tuple[subprocess.Popen, Path]] = []

    def accept(self, count: int) -> list[str]:
        ids = [str(uuid.uuid4()) for _ in range(count)]
        now = self.container.clock()
        with self.container.uow() as uow:
            for message_id in ids:
                uow.messages.add(StoredMessage(message_id, "test", SENDER, "150500", None,
                                               {"n": message_id}, now))
                uow.deliveries.schedule(message_id, RECIPIENT, now)
        return ids

    def start_worker(self, *args: str, lease_seconds: int = 60) -> tuple[subprocess.Popen, Path]:
        log = self.tmp_path / f"worker-{len(self.workers)}.log"
        env = {**os.environ, "GOVGATE_DATA_DIR": str(self.tmp_path),
               "GOVGATE_DATABASE_URL": self.settings.database_url,
               "GOVGATE_ALLOW_LOOPBACK_HTTP": "true",
               "GOVGATE_DELIVERY_LEASE_SECONDS": str(lease_seconds),
               "GOVGATE_DELIVERY_BASE_DELAY_SECONDS": "1"}
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "worker", "--poll-interval", "0.1", *args],
            env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
        self.workers.append((process, log))
        wait_for(lambda: log.read_text().count("started") >= 1, f"{log.name} to start")
        return process, log

    def deliveries(self):
        with self.container.uow() as uow:
            return uow.deliveries.list(limit=1000)

    def stop(self) -> None:
        for process, _log in self.workers:
            if process.poll() is None:
                process.kill()
                process.wait()
        self.recipient.stop()
        self.container.close()


def wait_for(condition, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def terminate(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=15)


@pytest.fixture
def gateway_for(tmp_path, database):
    made: list[Gateway] = []

    def make(behaviour: Behaviour | None = None) -> Gateway:
        made.append(Gateway(tmp_path, database, behaviour or Behaviour()))
        return made[-1]

    yield make
    for gateway in made:
        gateway.stop()


def test_two_workers_deliver_every_message_exactly_once(gateway_for):
    gateway = gateway_for(Behaviour(delay_seconds=0.01))  # long enough for the workers to overlap
    first = gateway.start_worker("--concurrency", "2")
    second = gateway.start_worker("--concurrency", "2")
    ids = gateway.accept(100)

    wait_for(lambda: all(d.state == "delivered" for d in gateway.deliveries()), "100 deliveries", timeout=240)
    assert terminate(first[0]) == 0 and terminate(second[0]) == 0  # graceful SIGTERM

    deliveries = gateway.deliveries()
    assert len(deliveries) == 100 and {d.attempts for d in deliveries} == {1}
    assert sorted(gateway.recipient.received) == sorted(ids)
    assert not gateway.recipient.duplicates and gateway.recipient.requests == 100
    per_worker = [log.read_text().count(": delivered") for _process, log in (first, second)]
    assert sum(per_worker) == 100 and min(per_worker) > 0, per_worker


def test_a_worker_killed_mid_delivery_loses_nothing(gateway_for):
    gateway = gateway_for(Behaviour(delay_seconds=30))
    victim, _log = gateway.start_worker(lease_seconds=2)
    [message_id] = gateway.accept(1)
    wait_for(lambda: message_id in gateway.recipient.received, "the recipient to hold the request")
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    gateway.recipient.behaviour.delay_seconds = 0

    survivor, _ = gateway.start_worker(lease_seconds=2)
    wait_for(lambda: gateway.deliveries()[0].state == "delivered", "the retried delivery")
    assert terminate(survivor) == 0

    [delivery] = gateway.deliveries()
    assert delivery.attempts == 2
    assert gateway.recipient.duplicates[message_id] == 1  # the recipient deduplicated the retry
    assert delivery.receipt["body"] == {"message_id": message_id, "status": "accepted",
                                        "duplicate": True}


def test_a_stale_workers_duplicate_receipt_is_ignored(gateway_for):
    # The first request is held until the second worker has delivered, however slowly the
    # machine starts that worker; only then does the stale worker get its (duplicate) receipt.
    release = threading.Event()
    gateway = gateway_for(Behaviour(delay_seconds=120, release=release))
    slow, slow_log = gateway.start_worker(lease_seconds=1)
    [message_id] = gateway.accept(1)
    wait_for(lambda: message_id in gateway.recipient.received, "the recipient to hold the request")
    gateway.recipient.behaviour.delay_seconds = 0

    fast, _ = gateway.start_worker(lease_seconds=1)  # takes over once the lease has run out
    wait_for(lambda: gateway.deliveries()[0].state == "delivered", "the second worker's delivery", timeout=120)
    delivered = gateway.deliveries()[0]
    release.set()
    wait_for(lambda: "duplicate receipt ignored" in slow_log.read_text(), "the stale worker")
    assert terminate(slow) == 0 and terminate(fast) == 0

    [delivery] = gateway.deliveries()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert delivery.receipt == delivered.receipt and delivery.updated_at == delivered.updated_at
    assert gateway.recipient.duplicates[message_id] == 1
    with gateway.container.uow() as uow:  # the stale worker's attempt logged nothing
        entries = uow.message_log.by_message_id(message_id)
    assert sorted(e.record.direction for e in entries) == ["outbound-delivery", "receipt"]
