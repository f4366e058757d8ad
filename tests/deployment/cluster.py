"""Real ``govgate`` processes sharing one database and one key directory.

    Cluster(root, database_url, settings)   the GOVGATE_* settings every process reads
      .govgate(*args) / .govgate_json(...)   the command line, as an operator runs it
      .start_server(name)                    ``govgate serve --no-migrate --workers 1`` on a
                                             free port
      .start_worker(name, concurrency)       ``govgate worker``
      .wait_until_ready()                    every server answers, every worker has started
      .stop()                                kill whatever is still running (process groups)

Processes start concurrently (each takes seconds to import its stack); wait before using them.

Each process has its own data directory (machines share nothing but the database, the key
directory and the settings) and a log file that failures quote.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import requests

STARTUP_SECONDS = 60.0  # generous: CI runs two test processes on two cores


def wait_for(condition: Callable[[], object], what: str, timeout: float,
             interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    ready: Callable[[], bool] | None = None  # raises if the process died
    url: str = ""  # servers: where it listens

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group (uvicorn may have children)."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=10)

    def terminate(self, timeout: float = 20.0) -> int:
        """SIGTERM, as a service manager stops it; the exit status."""
        self.popen.send_signal(signal.SIGTERM)
        return self.popen.wait(timeout=timeout)


class Cluster:
    def __init__(self, root: Path, database_url: str, settings: Mapping[str, str]) -> None:
        self.root = root
        self.key_dir = root / "keys"
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("GOVGATE_")}
        self.env = {**inherited, "GOVGATE_DATABASE_URL": database_url,
                    "GOVGATE_KEY_DIR": str(self.key_dir), **settings,
                    "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        self.processes: list[Process] = []

    def environment(self, machine: str) -> dict[str, str]:
        data_dir = self.root / machine
        data_dir.mkdir(exist_ok=True)
        return {**self.env, "GOVGATE_DATA_DIR": str(data_dir)}

    def govgate(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "gateway.cli", *args], input=input,
                              capture_output=True, text=True, timeout=60, check=False,
                              env=self.environment("operator"))
        if done.returncode != 0:
            raise AssertionError(f"govgate {' '.join(args)} exited {done.returncode}:\n"
                                 f"{done.stdout}{done.stderr}")
        return done

    def govgate_json(self, *args: str, input: str | None = None):
        return json.loads(self.govgate(*args, "--json", input=input).stdout)

    def _spawn(self, name: str, *args: str) -> Process:
        log = self.root / f"{name}.log"
        with log.open("w") as sink:
            popen = subprocess.Popen([sys.executable, "-m", "gateway.cli", *args],
                                     env=self.environment(name), stdout=sink,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def start_server(self, name: str) -> Process:
        port = free_port()
        server = self._spawn(name, "serve", "--no-migrate", "--port", str(port),
                             "--workers", "1")
        server.url = f"http://127.0.0.1:{port}"
        server.ready = partial(_answers, server)
        return server

    def start_worker(self, name: str, concurrency: int) -> Process:
        worker = self._spawn(name, "worker", "--concurrency", str(concurrency),
                             "--poll-interval", "0.1")
        worker.ready = partial(_started, worker, concurrency)
        return worker

    def wait_until_ready(self) -> None:
        waiting = [process for process in self.processes if process.ready is not None]

        def all_ready() -> bool:
            waiting[:] = [process for process in waiting if not process.ready()]
            return not waiting

        try:
            wait_for(all_ready, "the processes to be ready", STARTUP_SECONDS, interval=0.2)
        except AssertionError as timeout:
            logs = "\n".join(f"--- {p.name}\n{p.output()}" for p in waiting)
            raise AssertionError(f"{timeout}: {[p.name for p in waiting]}\n{logs}") from None

    def stop(self) -> None:
        for process in self.processes:
            if process.alive():
                process.kill()


def _answers(server: Process) -> bool:
    if not server.alive():
        raise AssertionError(f"{server.name} exited:\n{server.output()}")
    try:
        response = requests.get(server.url + "/v1/gateway-keys", timeout=1)
    except requests.RequestException:
        return False
    return response.status_code == 200


def _started(worker: Process, threads: int) -> bool:
    if not worker.alive():
        raise AssertionError(f"{worker.name} exited:\n{worker.output()}")
    return worker.output().count(" started") >= threads
