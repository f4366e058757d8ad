"""The production shape: two gateway servers and two delivery workers on one PostgreSQL.

Partners sign for the public URL (``GOVGATE_PUBLIC_BASE_URL=https://gateway.test``, a name nobody
resolves) while the test, standing in for the TLS-terminating load balancer, forwards each request
over plain http to one server's own port: without the setting no signature would verify. HR
sends deferral conclusions alternately to server A and B from a few threads; each is copied to
tax and finance, real deduplicating recipients. Midway one worker is SIGKILLed while it holds
deliveries open.

    every message accepted once       both servers verified the same @target-uri, receipts verify
    a replayed request, other server  401 nonce_replayed (the nonce store is the database)
    a retry, other server             the first answer byte for byte, Idempotency-Replayed: true
    the killed worker's deliveries    retried after their lease by the other worker; a recipient
                                      that already had one counts a duplicate, never a new message
    ``govgate log verify``            intact, one entry per accepted message and per delivery,
                                      seq 1..N without gaps

Needs GOVGATE_TEST_DATABASE_URL (the shape is about PostgreSQL: FOR UPDATE SKIP LOCKED, a log
head locked across processes).
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
import requests

from gateway.bootstrap import build_container
from gateway.client import GovgateSigningAuth, PartnerClient, SignedResponse
from gateway.settings import Settings
from gateway.signatures import RequestSigner, keys_from_jwks
from gateway.storage.delivery_repositories import DELIVERED, DELIVERING
from tests.conftest import PG_URL, _postgres_database

from .agencies import FINANCE, HR, TAX, Agencies, conclusion, register_agencies
from .balancer import session_via
from .cluster import Cluster, Process, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PUBLIC_BASE_URL = "https://gateway.test"  # TLS ends at the balancer: servers see plain http
PATH = "/v1/deferral-conclusions"
MESSAGES = 200
DELIVERIES = 2 * MESSAGES  # tax and finance each get a copy
SENDER_THREADS = 4
KILL_AFTER_DELIVERED = DELIVERIES // 4
HOLD_SECONDS = 2.0  # recipients hold requests this long while the victim is killed
SETTLE_SECONDS = 0.2  # for requests already past the short delay when the hold begins
LEASE_SECONDS = 10  # > connect (3.05 s) + read timeout (6 s): a live worker never loses one
SETTINGS = {
    "GOVGATE_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
    "GOVGATE_ALLOW_LOOPBACK_HTTP": "true",
    "GOVGATE_DELIVERY_TIMEOUT_SECONDS": "6",
    "GOVGATE_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
    "GOVGATE_DELIVERY_BASE_DELAY_SECONDS": "1",
}


@pytest.fixture
def database_url():
    if not PG_URL:
        pytest.skip("the deployment test runs on PostgreSQL only: set GOVGATE_TEST_DATABASE_URL "
                    "(e.g. postgresql://postgres@127.0.0.1:5432/postgres)")
    url, drop = _postgres_database(PG_URL)
    yield url
    drop()


@pytest.fixture
def cluster(tmp_path, database_url):
    cluster = Cluster(tmp_path, database_url, SETTINGS)
    yield cluster
    cluster.stop()


@pytest.fixture
def outbox(cluster, database_url):
    """The test's own read-only view of the shared database."""
    container = build_container(Settings(data_dir=cluster.root, database_url=database_url,
                                         key_dir=str(cluster.key_dir)))
    yield container
    container.close()


class Senders:
    """HR's clients, one per thread and server, each routed to its server like a balancer."""

    def __init__(self, agencies: Agencies, servers: list[Process], jwks: dict) -> None:
        self.agencies, self.servers, self.jwks = agencies, servers, keys_from_jwks(jwks)
        self._local = threading.local()

    def client(self, server: int) -> PartnerClient:
        clients = self._local.__dict__.setdefault("clients", {})
        if server not in clients:
            session = session_via(PUBLIC_BASE_URL, self.servers[server].url)
            clients[server] = PartnerClient(PUBLIC_BASE_URL, self.agencies.hr_key, self.jwks,
                                            session=session, timeout=(3.05, 30.0))
        return clients[server]

    def send(self, n: int) -> SignedResponse:
        """Conclusion n, to server n % 2; the receipt is verified by the client."""
        result = self.client(n % 2).post(PATH, json=conclusion(n), idempotency_key=f"deferral-{n}")
        assert result.status == 202, result.response.text
        return result

    def raw(self, server: int) -> requests.Session:
        return session_via(PUBLIC_BASE_URL, self.servers[server].url)


def raise_first_failure(futures: list[Future]) -> None:
    """A refused send fails the test at once, not after the waits that depend on it."""
    for future in futures:
        if future.done() and future.exception() is not None:
            future.result()


def deliveries(outbox) -> list:
    with outbox.uow() as uow:
        return uow.deliveries.list(limit=DELIVERIES + 1)


def delivered_count(outbox) -> int:
    with outbox.uow() as uow:
        return uow.deliveries.count_by_state().get(DELIVERED, 0)


def leased_by(worker: Process, rows) -> set[tuple[str, str]]:
    """(message, recipient) of the deliveries ``worker`` holds (its id is host:pid:random)."""
    return {(d.message_id, d.recipient_id) for d in rows
            if d.state == DELIVERING and f":{worker.pid}:" in (d.locked_by or "")}


def kill_mid_delivery(victim: Process, agencies: Agencies, outbox) -> set[tuple[str, str]]:
    """SIGKILL ``victim`` while a recipient holds one of its requests; what it held leased."""
    agencies.hold(HOLD_SECONDS)  # read by each request as it arrives: the kill lands inside
    time.sleep(SETTLE_SECONDS)  # requests that read the short delay are answered by now
    before = {(m, r) for r, simulator in agencies.recipients.items() for m in simulator.received}

    def holding() -> bool:
        return any(message in agencies.recipients[recipient].received
                   for message, recipient in leased_by(victim, deliveries(outbox)) - before)

    try:
        wait_for(holding, "the victim to have a request held by a recipient", 30)
        victim.kill()
        return leased_by(victim, deliveries(outbox))
    finally:
        agencies.hold(0.01)


def replay_to(senders: Senders, server: int, original: SignedResponse) -> requests.Response:
    """The very request (headers, body, nonce) that went to the other server, sent again."""
    return senders.raw(server).send(original.response.request.copy(), timeout=(3.05, 30.0))


def retry_on(senders: Senders, server: int, original: SignedResponse) -> requests.Response:
    """A fresh signature (new nonce) over the same body and Idempotency-Key."""
    sent = original.response.request
    auth = GovgateSigningAuth(RequestSigner(senders.agencies.hr_key))
    return senders.raw(server).post(
        str(sent.url), data=sent.body, auth=auth, timeout=(3.05, 30.0),
        headers={"Content-Type": "application/json",
                 "Idempotency-Key": sent.headers["Idempotency-Key"]})


def test_two_servers_and_two_workers_share_one_postgresql(cluster, outbox):
    started = time.monotonic()
    cluster.govgate("db", "upgrade")
    cluster.govgate_json("gateway-key", "init")
    servers = [cluster.start_server("server-a"), cluster.start_server("server-b")]
    victim = cluster.start_worker("worker-1", concurrency=2)
    survivor = cluster.start_worker("worker-2", concurrency=2)
    agencies = register_agencies(cluster, delay_seconds=0.01)  # while the processes boot
    try:
        cluster.wait_until_ready()
        jwks = requests.get(servers[0].url + "/v1/gateway-keys", timeout=5).json()
        senders = Senders(agencies, servers, jwks)
        ready = time.monotonic()

        with ThreadPoolExecutor(SENDER_THREADS) as pool:
            pending = [pool.submit(senders.send, n) for n in range(MESSAGES)]
            wait_for(lambda: raise_first_failure(pending)
                     or delivered_count(outbox) >= KILL_AFTER_DELIVERED
                     or all(f.done() for f in pending), "deliveries to get going", 120)
            orphaned = kill_mid_delivery(victim, agencies, outbox)
            accepted = [f.result(timeout=120) for f in pending]
        sent = time.monotonic()

        replayed = replay_to(senders, 0, accepted[1])  # accepted by B, replayed to A
        retried = retry_on(senders, 1, accepted[0])  # accepted by A, retried on B

        wait_for(lambda: delivered_count(outbox) == DELIVERIES, "every delivery", 120,
                 interval=0.2)
        drained = time.monotonic()
        assert survivor.terminate() == 0, survivor.output()
        for server in servers:
            server.terminate()
    finally:
        agencies.stop()

    message_ids = [a.json()["message_id"] for a in accepted]
    assert len(set(message_ids)) == MESSAGES

    assert replayed.status_code == 401, replayed.text
    assert replayed.json()["reason"] == "nonce_replayed"
    assert retried.status_code == 202, retried.text
    assert retried.headers["Idempotency-Replayed"] == "true"
    assert retried.content == accepted[0].response.content

    rows = deliveries(outbox)
    assert len(rows) == DELIVERIES and {d.state for d in rows} == {DELIVERED}
    assert {(d.message_id, d.recipient_id) for d in rows} == {
        (m, r) for m in message_ids for r in (TAX, FINANCE)}
    retried_rows = {(d.message_id, d.recipient_id) for d in rows if d.attempts > 1}
    assert orphaned and retried_rows == orphaned  # only the victim's leases were attempted twice
    assert {d.attempts for d in rows if (d.message_id, d.recipient_id) in orphaned} == {2}
    assert ": delivered" in victim.output()  # both workers shared the work before the kill

    duplicates = set()
    for recipient, simulator in agencies.recipients.items():
        assert sorted(simulator.received) == sorted(message_ids)  # nothing lost, no extra
        assert simulator.refused == []
        assert set(simulator.duplicates.values()) <= {1}
        assert simulator.requests == MESSAGES + sum(simulator.duplicates.values())
        duplicates |= {(message, recipient) for message in simulator.duplicates}
    assert duplicates and duplicates <= orphaned  # re-deliveries only after the kill
    receipts = {(d.message_id, d.recipient_id): d.receipt["body"] for d in rows}
    for delivery in orphaned:  # the gateway's record agrees with what the recipient saw
        assert receipts[delivery]["duplicate"] is (delivery in duplicates)

    cluster.govgate_json("log", "integrate", "--once")  # the servers' integrators may be mid-batch
    report = cluster.govgate_json("log", "verify")
    assert report["intact"] and report["failure"] is None, report
    entries_logged = MESSAGES + 2 * DELIVERIES  # each request; each delivery and its receipt
    assert report["entries_checked"] == entries_logged == report["tree"]["size"]
    assert report["pending_entries"] == 0
    with outbox.uow() as uow:
        entries = list(uow.message_log.entries())
    assert [e.index for e in entries] == list(range(entries_logged))
    assert sum(e.record.direction == "receipt" for e in entries) == DELIVERIES
    inbound = [e.record for e in entries if e.record.direction == "inbound"]
    assert {r.target_uri for r in inbound} == {PUBLIC_BASE_URL + PATH}
    assert sorted(r.message_id for r in inbound) == sorted(message_ids)
    assert sorted(r.partner_id for r in inbound) == [HR] * MESSAGES

    listed = cluster.govgate_json("deliveries", "list", "--state", "delivered", "--limit", "1000")
    assert len(listed["items"]) == DELIVERIES

    print(json.dumps({"messages": MESSAGES, "deliveries": DELIVERIES,
                      "setup_s": round(ready - started, 1), "send_s": round(sent - ready, 1),
                      "drain_s": round(drained - sent, 1),
                      "total_s": round(time.monotonic() - started, 1),
                      "orphaned_by_kill": len(orphaned), "duplicates": len(duplicates)}))
