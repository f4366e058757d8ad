"""The processes of bench/compare.py and bench/fanout.py: a prepared gateway database, the HR
and recipient servers, the gateway (``govgate serve``) and the bare forwarder.

``World.prepare(url, scratch)`` does what an operator does, through the ``govgate`` command line:
migrate, create the gateway key, register four partners of Tongliao (150500) with generated
Ed25519 keys (HR, a bank, tax, finance), and grant the bank ``lending`` and HR ``deferral``.
Every server is a child process whose stdout/stderr go to a file in the scratch directory.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from click.testing import CliRunner
from load import family

from gateway import cli
from tests.support.ids import credit_code

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GOVGATE = str(Path(PYTHON).with_name("govgate"))
ROLES = {"hr": 1, "bank": 2, "tax": 3, "finance": 4}
GRANTS = {"bank": "lending", "hr": "deferral"}
DIVISION = "150500"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    log: BinaryIO | None = None  # where the process writes; closed when it is stopped

    @property
    def pids(self) -> list[int]:
        return family(self.process.pid)

    def stop(self) -> None:
        pids = self.pids
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                for pid in pids:  # only the processes this bench started
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.process.wait()
        if self.log is not None:
            self.log.close()


def start(name: str, argv: list[str], env: dict, log_dir: Path, port: int, ready) -> Server:
    log = (log_dir / f"{name}.log").open("wb")
    process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    server = Server(name, process, port, log)
    deadline = time.time() + 90
    while not ready(port):
        if process.poll() is not None or time.time() > deadline:
            server.stop()
            raise SystemExit(f"{name} did not start; see {log_dir / (name + '.log')}")
        time.sleep(0.2)
    return server


def answers_http(path: str, method: str = "GET"):
    def ready(port: int) -> bool:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=None)
        try:
            urllib.request.urlopen(request, timeout=2).close()
            return True
        except urllib.error.HTTPError:
            return True  # any HTTP answer: it listens
        except OSError:
            return False
    return ready


@dataclass
class World:
    """A prepared gateway database and everything a server of the bench needs to know."""

    database_url: str
    scratch: Path
    env: dict = field(default_factory=dict)
    ports: dict = field(default_factory=dict)  # role → port of its server
    keys: dict = field(default_factory=dict)  # role → (keyid, private PEM path)

    def partner(self, role: str) -> str:
        return credit_code(ROLES[role])

    def govgate(self, *args: str) -> str:
        """A ``govgate`` command, run in this process (click's runner) to spare the start-ups."""
        done = CliRunner().invoke(cli.main, list(args), env=self.env)
        if done.exit_code != 0:
            raise SystemExit(f"govgate {' '.join(args)} failed: {done.output.strip()} {done.exception!r}")
        return done.stdout

    @classmethod
    def initialised(cls, database_url: str, scratch: Path, log_level: str = "INFO") -> World:
        """A migrated database with a gateway key, its JWKS in ``scratch/jwks.json``; no partners."""
        env = {**os.environ, "GOVGATE_DATA_DIR": str(scratch / "data"),
               "GOVGATE_DATABASE_URL": database_url, "GOVGATE_ALLOW_LOOPBACK_HTTP": "true",
               "GOVGATE_LOG_LEVEL": log_level}
        world = cls(database_url, scratch, env)
        world.govgate("db", "upgrade")
        world.govgate("gateway-key", "init")
        (scratch / "jwks.json").write_text(world.govgate("gateway-key", "jwks"))
        return world

    def register(self, role: str, partner_id: str, division: str, *, groups=(), endpoint: str | None = None,
                 name: str | None = None) -> None:
        """A partner of ``role`` with a fresh Ed25519 key (PEM under ``scratch/partner-keys``), served on
        a free loopback port unless ``endpoint`` is given, granted ``groups``."""
        self.ports[role] = free_port()
        endpoint = endpoint or f"http://127.0.0.1:{self.ports[role]}/govgate"
        self.govgate("partners", "add", "--id", partner_id, "--name", name or f"{role} bench",
                     "--role", role, "--division", division, "--endpoint", endpoint)
        keyid, keys = f"{role}-bench", self.scratch / "partner-keys"
        self.govgate("keys", "generate", partner_id, "--algorithm", "ed25519", "--out", str(keys), "--keyid", keyid)
        self.keys[role] = (keyid, keys / f"{keyid}.private.pem")
        for group in groups:
            self.govgate("grants", "add", partner_id, group)

    @classmethod
    def prepare(cls, database_url: str, scratch: Path, log_level: str = "INFO") -> World:
        world = cls.initialised(database_url, scratch, log_level)
        for role in ROLES:
            world.register(role, world.partner(role), DIVISION, groups=[GRANTS[role]] if role in GRANTS else [],
                           name=f"{role} of Tongliao",
                           endpoint=None if role != "bank" else "https://bank.example.cn/govgate")
        return world

    def partner_server(self, role: str, *extra: str) -> Server:
        keyid, pem = self.keys[role]
        kind = "hr" if role == "hr" else "recipient"
        argv = [PYTHON, str(ROOT / "bench" / "hr_server.py"), "--kind", kind, "--partner",
                self.partner(role), "--key", str(pem), "--keyid", keyid,
                "--jwks", str(self.scratch / "jwks.json"), "--port", str(self.ports[role]), *extra]
        return start(f"{role}-server", argv, self.env, self.scratch, self.ports[role],
                     answers_http("/"))

    def gateway(self, workers: int) -> Server:
        port = free_port()
        argv = [GOVGATE, "serve", "--workers", str(workers), "--port", str(port), "--no-migrate"]
        return start("gateway", argv, self.env, self.scratch, port, answers_http("/v1/gateway-keys"))

    def worker(self, n: int, concurrency: int) -> Server:
        argv = [GOVGATE, "worker", "--concurrency", str(concurrency), "--poll-interval", "0.05"]
        return start(f"worker-{n}", argv, self.env, self.scratch, 0, lambda _: True)


def forwarder(forward_url: str, workers: int, log_dir: Path) -> Server:
    """bench/forwarder.py under uvicorn with ``workers`` processes, as ``govgate serve`` runs."""
    port = free_port()
    argv = [PYTHON, "-m", "uvicorn", "--app-dir", str(ROOT / "bench"), "forwarder:asgi_app",
            "--factory", "--workers", str(workers), "--port", str(port), "--host", "127.0.0.1",
            "--log-level", "warning", "--no-proxy-headers"]
    env = {**os.environ, "BENCH_FORWARD_URL": forward_url}
    return start("forwarder", argv, env, log_dir, port, answers_http("/"))
