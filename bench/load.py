"""Load generation and process accounting for bench/compare.py and bench/fanout.py.

``drive(target, concurrency, warm_up, duration)`` forks client processes (``client_processes``
of them, threads inside) that each keep one keep-alive ``http.client`` connection busy with
signed POSTs: a fresh Idempotency-Key and an RFC 9421 signature (nonce, ``created``) made in the
load thread just before sending. Only requests completed inside the measured window count; the
client's own CPU is measured too, so it can be shown that the client is not the bottleneck.

``cpu_seconds(pid)`` and ``peak_rss_kib(pid)`` read ``/proc/<pid>/stat`` (utime + stime) and
``/proc/<pid>/status`` (VmHWM); ``family(pid)`` is a process and its descendants.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import statistics
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from gateway.signatures import Headers, HttpRequest, RequestSigner, SigningKey

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Target:
    """Where to send what: a signed POST of ``body`` to ``http://host:port{path}``."""

    host: str
    port: int
    path: str
    body: bytes
    key_pem: bytes
    keyid: str
    expected_status: int


@dataclass
class LoadResult:
    concurrency: int
    duration: float
    latencies: list[float] = field(default_factory=list)  # seconds, completed in the window
    statuses: Counter = field(default_factory=Counter)  # status (or error name) → count, window
    client_cpu_seconds: float = 0.0
    client_processes: int = 0

    @property
    def completed(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.completed / self.duration

    def percentile(self, p: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def summary(self) -> dict:
        ms = lambda v: None if v is None else round(v * 1e3, 2)
        return {
            "concurrency": self.concurrency,
            "duration_s": self.duration,
            "completed": self.completed,
            "throughput_rps": round(self.throughput, 1),
            "latency_ms": {"p50": ms(self.percentile(50)), "p95": ms(self.percentile(95)),
                           "p99": ms(self.percentile(99)),
                           "mean": ms(statistics.fmean(self.latencies)) if self.latencies else None},
            "statuses": {str(k): v for k, v in sorted(self.statuses.items(), key=str)},
            "client_processes": self.client_processes,
            "client_cpu_s_per_request": round(self.client_cpu_seconds / self.completed, 6)
            if self.completed else None,
        }


def client_processes(concurrency: int) -> int:
    """One process per 8 connections (at least 2 from concurrency 2): signing in Python threads
    under one GIL would otherwise cap the client before the servers."""
    return max(1, min(concurrency, 4, -(-concurrency // 8) * 2))


def _client_thread(target: Target, begin: float, end: float, out: list, statuses: Counter) -> None:
    signer = RequestSigner(SigningKey.from_pem(target.key_pem, target.keyid))
    url = f"http://{target.host}:{target.port}{target.path}"
    conn = http.client.HTTPConnection(target.host, target.port, timeout=30)
    while time.time() < end:
        fields = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
        signed = signer.sign(HttpRequest("POST", url, Headers(fields), target.body))
        headers = fields | dict(signed.headers())
        started = time.perf_counter()
        try:
            conn.request("POST", target.path, target.body, headers)
            response = conn.getresponse()
            response.read()
            outcome: int | str = response.status
        except (OSError, http.client.HTTPException) as error:
            outcome = type(error).__name__
            conn.close()
            conn = http.client.HTTPConnection(target.host, target.port, timeout=30)
        finished = time.time()
        if begin <= finished < end:
            statuses[outcome] += 1
            if outcome == target.expected_status:
                out.append(time.perf_counter() - started)
    conn.close()


def _client_process(target: Target, threads: int, begin: float, end: float, results) -> None:
    latencies: list[float] = []
    statuses: Counter = Counter()
    workers = [threading.Thread(target=_client_thread, args=(target, begin, end, latencies, statuses))
               for _ in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(max(0.0, begin - time.time()))
    cpu_before = sum(os.times()[:2])
    time.sleep(max(0.0, end - time.time()))
    cpu_after = sum(os.times()[:2])
    for worker in workers:
        worker.join()
    results.put((latencies, statuses, cpu_after - cpu_before))


def drive(target: Target, concurrency: int, warm_up: float, duration: float,
          on_window=None) -> LoadResult:
    """Run ``concurrency`` connections for ``warm_up`` + ``duration`` seconds; figures of the
    last ``duration``. ``on_window(phase)`` is called with "begin" and "end" at the window's
    edges (to sample the servers' CPU)."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    count = client_processes(concurrency)
    shares = [concurrency // count + (1 if i < concurrency % count else 0) for i in range(count)]
    begin = time.time() + 0.3 + warm_up
    end = begin + duration
    processes = [context.Process(target=_client_process, args=(target, share, begin, end, results))
                 for share in shares]
    for process in processes:
        process.start()
    result = LoadResult(concurrency, duration, client_processes=count)
    time.sleep(max(0.0, begin - time.time()))
    if on_window:
        on_window("begin")
    time.sleep(max(0.0, end - time.time()))
    if on_window:
        on_window("end")
    for _ in processes:
        latencies, statuses, cpu = results.get(timeout=120)
        result.latencies += latencies
        result.statuses.update(statuses)
        result.client_cpu_seconds += cpu
    for process in processes:
        process.join(timeout=30)
    return result


# ---- /proc accounting -------------------------------------------------------------------------

def _stat_fields(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()  # after "pid (comm) "


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` in seconds (0 if it is gone)."""
    try:
        fields = _stat_fields(pid)
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def voluntary_switches(pid: int) -> dict[int, int]:
    """Thread id → its voluntary context switches, for every thread of ``pid`` alive now: each is
    a blocking wait, and under the GIL a hand-off to another thread. Compare two readings per
    thread (``switches_between``): threads come and go (anyio's idle workers exit)."""
    counts = {}
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            for line in Path(f"/proc/{pid}/task/{tid}/status").read_text().splitlines():
                if line.startswith("voluntary_ctxt_switches:"):
                    counts[int(tid)] = int(line.split()[1])
    except OSError:
        pass
    return counts


def switches_between(before: dict[int, int], after: dict[int, int]) -> int:
    """Switches made between two readings by the threads alive at the second (a thread that
    ended in between is missed, so this is a lower bound)."""
    return sum(count - before.get(tid, 0) for tid, count in after.items())


def peak_rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def family(pid: int) -> list[int]:
    """``pid`` and all its descendants alive now."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents.setdefault(int(_stat_fields(int(entry))[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += parents.get(current, [])
    return found


def command_name(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [w.decode(errors="replace") for w in argv if w]
    return " ".join(Path(words[0]).name if i == 0 else w for i, w in enumerate(words))[:80]
