"""People's claims per second through the HTTP API: signed claims of 86号-11 and 86号-13 from the
web hall, each a different person, decided synchronously (facts asked of the partners, rules,
claim register, signed decision, evidence entry, commit).

    .venv/bin/python bench/claims.py [--seconds 15] [--concurrency 8] [--workers 2] [--pg URL | --no-pg]

For SQLite (a file in a temporary directory) and PostgreSQL (a throwaway database next to
``--pg``, default ``$GOVGATE_TEST_DATABASE_URL`` or postgresql://postgres@127.0.0.1:5432/postgres,
dropped afterwards): a database prepared with the ``govgate`` command line (partners, keys,
grant, an 86号-13 schedule), ``govgate serve --workers N``, social insurance and the certificate
registry as canonical fact servers in their own processes (bench/person_facts_server.py), then
``--concurrency`` client threads on keep-alive connections, each POST signed (RFC 9421, fresh
Idempotency-Key) just before it is sent. Printed per database and measure: claims/s over the
window, latency p50 / p95 / p99, the answers by status and outcome.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stack import PYTHON, ROOT, World, answers_http, start

from gateway.domain.identifiers import citizen_id_check_char
from gateway.signatures import Headers, HttpRequest, RequestSigner, SigningKey
from tests.support.ids import credit_code

PARTNERS = {"web_hall": (11, "150000"), "social_insurance": (12, "150500"), "certificate_registry": (13, "150000")}
MEASURES = {"skill_upgrade_subsidy": "86号-11", "migrant_living_allowance": "86号-13"}


def citizen(n: int) -> str:
    """A distinct valid citizen id of Horqin for each n (birth day and sequence from n)."""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)
    first17 = f"150502{born:%Y%m%d}{n % 1000:03d}"
    return first17 + citizen_id_check_char(first17)


def claim_body(measure: str, n: int) -> bytes:
    person = citizen(n)
    body = {"person": {"citizen_id": person, "name": "申领人", "division_code": "150502"},
            "claimed_on": "2022-06-10"}
    if measure == "skill_upgrade_subsidy":
        body["certificate"] = {"number": f"CERT{person}", "occupation_code": "6-18-02-04", "level": 5}
    return json.dumps(body, ensure_ascii=False).encode()


def prepare(database_url: str, scratch: Path) -> World:
    world = World.initialised(database_url, scratch, log_level="WARNING")
    for role, (n, division) in PARTNERS.items():
        world.register(role, credit_code(n), division, groups=["measures"] if role == "web_hall" else [])
    world.govgate("allowance-schedule", "add", "--division", "150500", "--from", "2022-01-01",
                  "--band", "12-23=1500", "--band", "24-=3000", "--source", "bench schedule")
    return world


def facts_server(world: World, role: str):
    keyid, pem = world.keys[role]
    argv = [PYTHON, str(ROOT / "bench" / "person_facts_server.py"), "--role", role, "--partner",
            credit_code(PARTNERS[role][0]), "--key", str(pem), "--keyid", keyid,
            "--jwks", str(world.scratch / "jwks.json"), "--port", str(world.ports[role])]
    return start(role, argv, world.env, world.scratch, world.ports[role], answers_http("/"))


def drive(port: int, key: SigningKey, measure: str, first: int, concurrency: int, seconds: float) -> dict:
    path = f"/v1/measures/{measure}/applications"
    url = f"http://127.0.0.1:{port}{path}"
    counter = iter(range(first, first + 10_000_000))
    lock, latencies, answers = threading.Lock(), [], Counter()
    begin = time.time() + 1.0  # a second of warm-up
    end = begin + seconds

    def client() -> None:
        signer, conn = RequestSigner(key), http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.time() < end:
            with lock:
                n = next(counter)
            body = claim_body(measure, n)
            fields = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
            headers = fields | dict(signer.sign(HttpRequest("POST", url, Headers(fields), body)).headers())
            started = time.perf_counter()
            try:
                conn.request("POST", path, body, headers)
                response = conn.getresponse()
                data = response.read()
                outcome = f"{response.status} {json.loads(data).get('outcome', json.loads(data).get('reason'))}"
            except (OSError, http.client.HTTPException, ValueError) as error:
                outcome = type(error).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            done = time.time()
            if begin <= done < end:
                with lock:
                    answers[outcome] += 1
                    if outcome.startswith("201"):
                        latencies.append(time.perf_counter() - started)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    pct = lambda p: round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1e3, 1) \
        if ordered else None
    return {"claims_per_s": round(len(latencies) / seconds, 1), "p50_ms": pct(50), "p95_ms": pct(95),
            "p99_ms": pct(99), "mean_ms": round(statistics.fmean(ordered) * 1e3, 1) if ordered else None,
            "answers": dict(answers), "next": next(counter)}


def run(label: str, database_url: str, scratch: Path, args) -> None:
    world = prepare(database_url, scratch)
    servers = [facts_server(world, "social_insurance"), facts_server(world, "certificate_registry")]
    try:
        gateway = world.gateway(args.workers)
        servers.append(gateway)
        keyid, pem = world.keys["web_hall"]
        key = SigningKey.from_pem(pem.read_bytes(), keyid)
        first = 0
        for measure, code in MEASURES.items():
            load = os.getloadavg()[0]
            r = drive(gateway.port, key, measure, first, args.concurrency, args.seconds)
            first = r.pop("next")
            print(f"{label:10} {code} {measure:26} | {r['claims_per_s']:6.1f} claims/s | p50 {r['p50_ms']} ms "
                  f"p95 {r['p95_ms']} ms p99 {r['p99_ms']} ms | load {load:.1f} | {r['answers']}", flush=True)
    finally:
        for server in servers:
            server.stop()
        if os.environ.get("BENCH_SHOW_LOGS"):
            for log in sorted(scratch.glob("*.log")):
                print(log.name, log.read_text(errors="replace")[-1500:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg", default=os.environ.get("GOVGATE_TEST_DATABASE_URL",
                                                       "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--only", choices=["sqlite", "pg"])
    args = parser.parse_args()
    print(f"load: {os.getloadavg()}  cores: {os.cpu_count()}  concurrency {args.concurrency}, "
          f"{args.workers} gateway workers, {args.seconds:g} s per measure")
    for backend in ("sqlite", "pg"):
        if args.only not in (None, backend) or (backend == "pg" and args.no_pg):
            continue
        with tempfile.TemporaryDirectory(prefix="govgate-claims-") as tmp:
            scratch = Path(tmp)
            if backend == "pg":
                from tests.conftest import _postgres_database
                try:
                    url, drop = _postgres_database(args.pg)
                except Exception as error:
                    print(f"PostgreSQL skipped: {error}")
                    continue
            else:
                url, drop = f"sqlite:///{scratch / 'govgate.db'}", (lambda: None)
            try:
                run("SQLite" if backend == "sqlite" else "PostgreSQL", url, scratch, args)
            finally:
                drop()
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
