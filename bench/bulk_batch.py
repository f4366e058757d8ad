"""The bulk exchange end to end: a comparison run of N employers (default 100,000) over real HTTP.

    .venv/bin/python bench/bulk_batch.py [--lines 100000 --lines 10000] [--pg URL]

For each size: a fresh gateway database (SQLite file, or a throwaway PostgreSQL database next to
``--pg``), ``govgate serve`` (1 worker process), tax and social insurance as canonical fact
servers in their own processes (bench/facts_server.py), and HR's register streamed as one
signed NDJSON request (chunked, its Content-Digest computed in a first pass). Then
``govgate batches work --once`` answers every line (facts asked 1,000 employers at a time, the
86号-6 rules, signed decisions), and the results are downloaded as one signed stream and their
digest checked. Printed per phase: wall time, lines/s, CPU seconds of the process doing it, and
peak RSS (VmHWM of the server; ru_maxrss of the worker) — memory should not grow with N.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stack import GOVGATE, PYTHON, ROOT, Server, World, answers_http, start

from gateway.signatures import Headers, HttpRequest, RequestSigner, SigningKey
from gateway.signatures.digest import DigestWriter
from tests.support.ids import credit_code

PARTNERS = {"hr": (1, "150502"), "tax": (3, "150500"), "social_insurance": (5, "150500")}
GRANTS = {"hr": ["comparison", "payout"]}


def prepare(database_url: str, scratch: Path) -> World:
    world = World.initialised(database_url, scratch, log_level="WARNING")
    for role, (n, division) in PARTNERS.items():
        world.register(role, credit_code(n), division, groups=GRANTS.get(role, []))
    return world


def facts_server(world: World, role: str) -> Server:
    keyid, pem = world.keys[role]
    argv = [PYTHON, str(ROOT / "bench" / "facts_server.py"), "--role", role, "--partner",
            credit_code(PARTNERS[role][0]), "--key", str(pem), "--keyid", keyid,
            "--jwks", str(world.scratch / "jwks.json"), "--port", str(world.ports[role])]
    return start(role, argv, world.env, world.scratch, world.ports[role], answers_http("/"))


def register(n: int):
    for i in range(1, n + 1):
        line = {"employer": {"credit_code": credit_code(i, division="150500", authority="91"),
                             "name": f"通辽市测试企业{i}有限公司", "division_code": "150502"}}
        yield json.dumps(line, ensure_ascii=False).encode() + b"\n"


def chunks(n: int, size: int = 64 * 1024):
    pending, length = [], 0
    for line in register(n):
        pending.append(line)
        length += len(line)
        if length >= size:
            yield b"".join(pending)
            pending, length = [], 0
    if pending:
        yield b"".join(pending)


def peak_rss_kib(pids: list[int]) -> int:
    peak = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return total


def run(n: int, database_url: str, scratch: Path) -> dict:
    world = prepare(database_url, scratch)
    servers = [facts_server(world, "tax"), facts_server(world, "social_insurance")]
    gateway = world.gateway(1)
    servers.append(gateway)
    try:
        keyid, pem = world.keys["hr"]
        key = SigningKey.from_pem(pem.read_bytes(), keyid)
        base = f"http://127.0.0.1:{gateway.port}"
        url = f"{base}/v1/comparison-runs?measure=job_stabilisation_refund&year=2022&division_code=150502"
        digest = DigestWriter()
        for chunk in chunks(n):
            digest.update(chunk)
        headers = {"Content-Type": "application/x-ndjson", "Idempotency-Key": str(uuid.uuid4())}
        fields = RequestSigner(key).sign(HttpRequest("POST", url, Headers(headers), b""), digest=digest.value())
        headers |= dict(fields.headers())
        cpu0 = cpu_seconds(gateway.pids)
        t0 = time.perf_counter()
        sent = requests.post(url, data=chunks(n), headers=headers, timeout=600)
        upload = time.perf_counter() - t0
        upload_cpu = cpu_seconds(gateway.pids) - cpu0
        if sent.status_code != 202:
            raise SystemExit(f"upload refused: {sent.status_code} {sent.text[:300]}")
        batch_id = sent.json()["batch_id"]
        server_rss = peak_rss_kib(gateway.pids)

        facts_cpu0 = sum(cpu_seconds(server.pids) for server in servers[:2])
        t0 = time.perf_counter()
        worker = subprocess.Popen([GOVGATE, "batches", "work", "--once"], env=world.env, cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(worker.pid, 0)
        process = time.perf_counter() - t0
        facts_cpu = sum(cpu_seconds(server.pids) for server in servers[:2]) - facts_cpu0
        output = worker.stdout.read().decode(errors="replace")
        if status != 0:
            raise SystemExit(f"worker failed: {output[-2000:]}")

        get = HttpRequest("GET", f"{base}/v1/batches/{batch_id}/results", Headers({}), b"")
        t0 = time.perf_counter()
        download = requests.get(get.target_uri, headers=dict(RequestSigner(key).sign(get).headers()),
                                stream=True, timeout=600)
        check, lines = hashlib.sha256(), 0
        for chunk in download.iter_content(65536):
            check.update(chunk)
            lines += chunk.count(b"\n")
        fetch = time.perf_counter() - t0
        import base64
        expected = download.headers["content-digest"]
        ok = expected == f"sha-256=:{base64.b64encode(check.digest()).decode()}:"
        status_get = HttpRequest("GET", f"{base}/v1/batches/{batch_id}", Headers({}), b"")
        summary = requests.get(status_get.target_uri, headers=dict(RequestSigner(key).sign(status_get).headers()),
                               timeout=60).json()["summary"]
        return {"lines": n, "upload_s": upload, "upload_cpu_s": upload_cpu, "server_peak_mib": server_rss / 1024,
                "process_s": process, "process_cpu_s": usage.ru_utime + usage.ru_stime,
                "worker_peak_mib": usage.ru_maxrss / 1024, "facts_cpu_s": facts_cpu, "download_s": fetch, "download_lines": lines,
                "digest_ok": ok, "summary": summary}
    finally:
        for server in servers:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, action="append")
    parser.add_argument("--pg", default=None, help="PostgreSQL base URL (a throwaway database is made)")
    args = parser.parse_args()
    sizes = args.lines or [10_000, 100_000]
    print(f"load: {os.getloadavg()}  cores: {os.cpu_count()}")
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="govgate-bulk-") as tmp:
            scratch = Path(tmp)
            if args.pg:
                from tests.conftest import _postgres_database
                url, drop = _postgres_database(args.pg)
            else:
                url, drop = f"sqlite:///{scratch / 'govgate.db'}", (lambda: None)
            try:
                r = run(n, url, scratch)
            finally:
                drop()
        print(f"{r['lines']:>7} lines | upload {r['upload_s']:6.1f} s ({r['lines'] / r['upload_s']:7.0f} lines/s, "
              f"server CPU {r['upload_cpu_s']:5.1f} s, peak {r['server_peak_mib']:5.0f} MiB) | "
              f"process {r['process_s']:6.1f} s ({r['lines'] / r['process_s']:6.0f} lines/s, CPU "
              f"{r['process_cpu_s']:5.1f} s = {r['lines'] / r['process_cpu_s']:6.0f} lines/CPU-s, peak "
              f"{r['worker_peak_mib']:5.0f} MiB; simulated partners' CPU {r['facts_cpu_s']:5.1f} s) | download {r['download_s']:5.1f} s "
              f"({r['download_lines']} lines, digest {'ok' if r['digest_ok'] else 'MISMATCH'}) | {r['summary']}",
              flush=True)
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
