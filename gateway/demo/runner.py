"""The gateway as the demo runs it: one process, the embedded default, real HTTP.

``DemoGateway`` takes a fresh data directory (SQLite and the gateway's keys in it), migrates
it, serves the real ASGI application under uvicorn on a loopback port in a background thread,
and runs a ``DeliveryWorker`` in another thread. The worker retries after fractions of a
second (``DEMO_RETRY``) so that a failed delivery is seen to recover while the demo watches;
``govgate serve`` and ``govgate worker`` remain the production way to run the same code.
"""

from __future__ import annotations

import getpass
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Self

from ..bootstrap import Container, batch_worker, build_container, create_app, utc_now
from ..delivery import DeliveryWorker, RetryPolicy
from ..delivery.assembly import container_adapters
from ..domain.admin import Actor, AdminRole, Permission
from ..errors import GovgateError, Unavailable
from ..services import tokens as token_service
from ..services.admin import Action
from ..settings import Settings
from ..storage import migrate

# Short enough that a failed delivery recovers within a second or two of the demo's time.
DEMO_RETRY = RetryPolicy(max_attempts=5, base_delay=0.5, max_delay=2.0)
WORKER_POLL_SECONDS = 0.1
# A signed checkpoint every few entries, so that ``log verify`` has signatures to check.
CHECKPOINT_INTERVAL = 5
STARTUP_TIMEOUT_SECONDS = 20.0


class DataDirNotFresh(GovgateError):
    """The demo's data directory already holds a gateway database."""

    def __init__(self, directory: Path) -> None:
        super().__init__(f"{directory} already holds a govgate database; the demo needs a fresh "
                         "directory", reason="data_dir_not_fresh")


def demo_actor() -> Actor:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        user = f"uid{os.getuid()}"
    return Actor(id=f"cli:{user}", role=AdminRole.ADMIN, kind="cli")


def demo_settings(data_dir: Path, port: int) -> Settings:
    """Defaults, except what the demo needs: loopback partners on plain http, frequent
    checkpoints, quiet logs. The environment is not read: the demo is the same everywhere."""
    return Settings(data_dir=data_dir, port=port, allow_loopback_http=True,
                    checkpoint_interval=CHECKPOINT_INTERVAL, log_level="WARNING")


def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise Unavailable(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}",
                          reason="port_unavailable") from None
    return sock


def _each(stop: threading.Event, work) -> None:
    """Call ``work`` until ``stop``; pause while it finds nothing to do."""
    while not stop.is_set():
        if not work():
            stop.wait(WORKER_POLL_SECONDS)


class DemoGateway:
    def __init__(self, data_dir: Path, *, port: int = 0, retry: RetryPolicy = DEMO_RETRY,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.data_dir = Path(data_dir).resolve()
        self._socket = _listen(port)  # bound now, so port 0 becomes a real free port at once
        self.port = self._socket.getsockname()[1]
        self.settings = demo_settings(self.data_dir, self.port)
        self._retry = retry
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._server = None
        self.container: Container | None = None
        self.clock = clock  # the gateway's, its worker's and the demo partners' time
        self.worker: DeliveryWorker | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        if (self.data_dir / "govgate.db").exists():
            raise DataDirNotFresh(self.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        container = self.container = build_container(self.settings, clock=self.clock)
        migrate.upgrade(container.engine)
        container.keystore.ensure_current()
        self._serve(create_app(self.settings, container))
        self.worker = DeliveryWorker(container.uow, container.clock, container_adapters(container),
                                     container.message_log, self._retry, lease_seconds=30)
        self._spawn("demo-delivery", lambda: self.worker.run(self._stop, WORKER_POLL_SECONDS))
        batches = batch_worker(container)  # comparison runs and bank results (the bulk exchange)
        self._spawn("demo-batches", lambda: _each(self._stop, batches.run_once))
        return self

    def _serve(self, app) -> None:
        import uvicorn

        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False, proxy_headers=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._spawn("demo-gateway", lambda: self._server.run(sockets=[self._socket]))
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not self._server.started:
            if time.monotonic() > deadline or not self._threads[-1].is_alive():
                raise Unavailable("the gateway did not start", reason="gateway_not_started")
            time.sleep(0.02)

    def _spawn(self, name: str, target) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def issue_admin_token(self, name: str = "govgate demo") -> str:
        """An admin token made as an operator makes one: through the token service, audited."""
        c = self._require()
        actor = demo_actor()
        action = Action("token.create", "token", None, Permission.WRITE)
        issued = c.admin.run(actor, action, lambda uow: token_service.issue(
            uow, name, AdminRole.ADMIN.value, None, c.clock(), created_by=actor.id))
        return issued.secret

    def _require(self) -> Container:
        if self.container is None:
            raise RuntimeError("the demo gateway is not started")
        return self.container

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.should_exit = True
        for thread in self._threads:
            thread.join(timeout=5)
        self._socket.close()
        if self.container is not None:
            self.container.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
