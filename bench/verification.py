"""What the signed path costs per request, through the whole in-process app, per algorithm.

    .venv/bin/python bench/verification.py [--requests N] [--rounds R] [--pg URL]

Times, against the real app (create_app, connexion's in-process test client) on a SQLite file
(or a throwaway PostgreSQL database next to --pg):

- a signed GET /v1/whoami: signature verification, nonce record, partner lookup, signed receipt;
- a signed POST /v1/connectivity-tests: the above plus Content-Digest, the idempotency record and
  the evidence-log append (and a checkpoint every 100 entries);
- baselines: an admin GET /v1/admin/partners with a bearer token (token check, rate-limit window,
  audit rules; no signatures), and the unauthenticated GET /v1/gateway-keys (framework only).

Requests are signed before the clock starts, so the figures are the gateway's cost (plus the
test client's, which the baselines show), not the partner's. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

# The partner side (a registered partner that signs its requests) is the tests' own helper.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from log import DEFAULT_PG, ThrowawayPostgres, reachable  # bench/log.py

from gateway.bootstrap import build_container, create_app
from gateway.services import tokens
from gateway.settings import Settings
from gateway.storage import migrate
from tests.support.signing import register_signed_partner

ALGORITHMS = ("ed25519", "ecdsa-p256-sha256", "rsa-pss-sha512")
WARM_UP = 20


def timed(client, requests: list[tuple[str, str, dict, bytes]], rounds: int) -> float:
    """Seconds per request, the fastest of ``rounds`` equal runs through ``requests`` (method,
    path, headers, body) after a warm-up: the machine is shared, and noise only adds."""
    for method, path, headers, body in requests[:WARM_UP]:
        client.request(method, path, headers=headers, content=body)
    measured = requests[WARM_UP:]
    size = len(measured) // rounds
    best = float("inf")
    for start in range(0, size * rounds, size):
        began = time.perf_counter()
        for method, path, headers, body in measured[start:start + size]:
            response = client.request(method, path, headers=headers, content=body)
            if response.status_code != 200:
                raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:300]}")
        best = min(best, (time.perf_counter() - began) / size)
    return best


def signed(partner, method: str, path: str, count: int) -> list[tuple[str, str, dict, bytes]]:
    requests = []
    for n in range(count):
        body = json.dumps({"n": n, "note": "连通性测试"}).encode() if method == "POST" else b""
        headers = partner.sign(method, path, body, idempotency_key=str(uuid.uuid4()))
        requests.append((method, path, headers, body))
    return requests


def run(database_url: str, data_dir: Path, count: int, rounds: int) -> list[tuple[str, float]]:
    settings = Settings(data_dir=data_dir, database_url=database_url, admin_rate_limit=10**9)
    container = build_container(settings)
    migrate.upgrade(container.engine)
    client = create_app(settings, container).test_client()
    with container.uow() as uow:
        issued, _, _ = tokens.issue(uow, "bench", "admin", None, container.clock(), "bench")
    admin = {"Authorization": "Bearer " + issued.secret}
    total = count * rounds + WARM_UP  # every signed request is fresh (nonce, idempotency key)
    rows = [
        ("GET /v1/gateway-keys (no auth)",
         timed(client, [("GET", "/v1/gateway-keys", {}, b"")] * total, rounds)),
        ("GET /v1/admin/partners (bearer)",
         timed(client, [("GET", "/v1/admin/partners", admin, b"")] * total, rounds)),
    ]
    for n, algorithm in enumerate(ALGORITHMS, start=1):
        partner = register_signed_partner(client, admin, n, algorithm)
        rows.append((f"{algorithm}: signed GET /v1/whoami",
                     timed(client, signed(partner, "GET", "/v1/whoami", total), rounds)))
        rows.append((f"{algorithm}: signed POST /v1/connectivity-tests",
                     timed(client, signed(partner, "POST", "/v1/connectivity-tests", total),
                           rounds)))
    container.close()
    return rows


def report(label: str, rows: list[tuple[str, float]], count: int, rounds: int) -> None:
    print(f"\n{label}: best of {rounds} x {count} requests each (after {WARM_UP} to warm up)")
    print(f"{'request':<52}{'req/s':>8}{'ms/req':>9}{'ms over bearer GET':>20}")
    baseline = rows[1][1]
    for name, seconds in rows:
        print(f"{name:<52}{1 / seconds:>8.0f}{seconds * 1e3:>9.2f}"
              f"{(seconds - baseline) * 1e3:>+20.2f}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pg", default=None, help=f"also on PostgreSQL, e.g. {DEFAULT_PG}")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'govgate.db'}"
        rows = run(url, Path(scratch), args.requests, args.rounds)
        report("SQLite", rows, args.requests, args.rounds)
    if args.pg and reachable(args.pg):
        with tempfile.TemporaryDirectory() as scratch, ThrowawayPostgres(args.pg) as url:
            rows = run(url, Path(scratch), args.requests, args.rounds)
            report("PostgreSQL", rows, args.requests, args.rounds)


if __name__ == "__main__":
    main(sys.argv[1:])
