"""Where the CPU of one signed loan qualification goes, layer by layer, in the real app.

    .venv/bin/python bench/layers.py [--requests 60] [--rounds 5] [--pg URL] [--profile FILE] [--statements]

Prepares a world as bench/compare.py does (the CLI, four partners, the HR simulator in its own
process), builds the app in this process and sends signed ``POST /v1/loan-qualifications``
one after another through connexion's in-process client (no HTTP server, no concurrency: no
GIL contention and no hand-off waits, so the figures are the work itself). The requests are
signed before the clock starts.

Each layer's CPU is the calling thread's CPU time (``time.thread_time``) spent inside it,
measured by wrapping, in this process only, the functions that are that layer:

    validation      connexion's request validation with our pointing body validator
    admission       SignedExchange.admit: RFC 9421 verification, access check, nonce, claim
    handler         the use case (loans.decide), the HR query included
      HR query      sign the query, the HTTP round trip (requests), verify the signed answer
    receipt         SignedExchange.finish: sign the answer; the evidence transaction
    of which:
      database      every unit of work (connect, begin, statements, commit, the writer queue)
      crypto        every signature made or verified (the algorithms' sign and verify)

``total`` is the process CPU per request (the test client's share included; the unauthenticated
``GET /v1/gateway-keys`` row shows the framework and the client alone), so ``total`` minus the
layers above is the framework: starlette/connexion middleware, routing, Flask, the thread
hand-offs. Best of ``--rounds`` rounds (the machine is shared; noise only adds). Figures only.

``--profile FILE`` runs one more round with cProfile enabled inside admission, the handler and the
receipt (cProfile sees only the thread that enables it) and writes its stats to FILE; that round
also prints two figures the machine's load cannot move: **statements per request** (every
statement SQLAlchemy sends, BEGIN included) and **Python calls** inside those three layers.
``--statements`` first prints each statement of one request, in order, with the thread that sent it.
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compare import LOAN
from log import ThrowawayPostgres, reachable
from stack import World

from gateway.api.partner.exchange import SignedExchange
from gateway.api.validation import PointingJSONBodyValidator, PointingParameterValidator
from gateway.bootstrap import create_app
from gateway.queries.canonical_hr import CanonicalHrFacts
from gateway.services.policy import loans
from gateway.settings import Settings
from gateway.signatures import Headers, HttpRequest, RequestSigner, SigningKey, algorithms
from gateway.storage.unit_of_work import SqlUnitOfWork
from tests.support.samples import APPLICANT

URL = "http://testserver/v1/loan-qualifications"
spent: dict[str, float] = defaultdict(float)


def measured(layer: str, owner, name: str) -> None:
    """Wrap ``owner.name`` so that the CPU its calls take adds to ``spent[layer]`` (outermost
    call only, so recursion and nesting within one layer count once)."""
    original = getattr(owner, name)
    depth = {"n": 0}

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if depth["n"]:
            return original(*args, **kwargs)
        depth["n"] += 1
        began = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[layer] += time.thread_time() - began
            depth["n"] -= 1

    setattr(owner, name, wrapper)


def instrument() -> None:
    measured("validation", PointingJSONBodyValidator, "_validate")
    measured("validation", PointingParameterValidator, "validate_request")
    measured("admission", SignedExchange, "admit")
    measured("handler", loans, "decide")
    measured("HR query", CanonicalHrFacts, "person_facts")
    measured("receipt", SignedExchange, "finish")
    measured("database", SqlUnitOfWork, "__enter__")
    measured("database", SqlUnitOfWork, "__exit__")
    from sqlalchemy.engine import Connection
    measured("database", Connection, "execute")
    for cls in (algorithms.Ed25519, algorithms.EcdsaP256Sha256, algorithms.RsaPssSha512):
        measured("crypto", cls, "sign")
        measured("crypto", cls, "verify")


def signed_headers(signer: RequestSigner) -> dict:
    fields = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
    signed = signer.sign(HttpRequest("POST", URL, Headers(fields), LOAN))
    return fields | dict(signed.headers())


def print_statements(client, signer: RequestSigner) -> None:
    """Every statement one signed loan qualification sends, in order, with its thread."""
    import threading

    from sqlalchemy import Engine, event

    sent = []
    listener = lambda conn, cursor, statement, *rest: sent.append(
        (threading.current_thread().name, " ".join(statement.split())))
    event.listen(Engine, "before_cursor_execute", listener)
    try:
        client.post("/v1/loan-qualifications", headers=signed_headers(signer), content=LOAN)
    finally:
        event.remove(Engine, "before_cursor_execute", listener)
    print(f"\n{len(sent)} statements of one signed loan qualification:")
    for thread, statement in sent:
        print(f"  {thread[:24]:<24} {statement[:140]}")


def run(world: World, count: int, rounds: int, profile: Path | None = None,
        statements: bool = False) -> list[tuple[str, float]]:
    hr = world.partner_server("hr", "--facts", f"{APPLICANT}=college_graduate")
    try:
        settings = Settings.from_env({k: v for k, v in world.env.items() if k.startswith("GOVGATE_")})
        client = create_app(settings).test_client()
        keyid, pem = world.keys["bank"]
        signer = RequestSigner(SigningKey.from_pem(pem.read_bytes(), keyid))
        for _ in range(20):  # warm up: imports, caches, connections
            assert client.post("/v1/loan-qualifications", headers=signed_headers(signer),
                               content=LOAN).status_code == 201
            client.get("/v1/gateway-keys")
        if statements:
            print_statements(client, signer)
        best: dict[str, float] = {}
        for _ in range(rounds):
            began = time.process_time()
            for _ in range(count):
                client.get("/v1/gateway-keys")
            framework = (time.process_time() - began) / count
            best["GET /v1/gateway-keys (framework + client)"] = min(
                best.get("GET /v1/gateway-keys (framework + client)", 1e9), framework)
            batch = [signed_headers(signer) for _ in range(count)]
            spent.clear()
            began = time.process_time()
            for headers in batch:
                response = client.post("/v1/loan-qualifications", headers=headers, content=LOAN)
                if response.status_code != 201:
                    raise SystemExit(f"{response.status_code} {response.text[:300]}")
            total = (time.process_time() - began) / count
            if total < best.get("total", 1e9):
                best["total"] = total
                for layer, seconds in spent.items():
                    best[layer] = seconds / count
        if profile is not None:  # one more round under cProfile, for pstats (not in the figures)
            import cProfile
            import pstats

            from sqlalchemy import Engine, event

            # cProfile sees only the thread that enables it: profile the layers where they run.
            profiler = cProfile.Profile()
            stages = [(SignedExchange, "admit"), (SignedExchange, "finish"), (loans, "decide")]
            originals = [getattr(owner, name) for owner, name in stages]
            for (owner, name), original in zip(stages, originals):
                setattr(owner, name, functools.wraps(original)(
                    lambda *args, _original=original, **kwargs: profiler.runcall(_original, *args, **kwargs)))
            statements = []
            count_statement = lambda *args: statements.append(1)
            event.listen(Engine, "before_cursor_execute", count_statement)
            try:
                for headers in [signed_headers(signer) for _ in range(count)]:
                    response = client.post("/v1/loan-qualifications", headers=headers, content=LOAN)
                    if response.status_code != 201:
                        raise SystemExit(f"{response.status_code} {response.text[:300]}")
            finally:
                event.remove(Engine, "before_cursor_execute", count_statement)
                for (owner, name), original in zip(stages, originals):
                    setattr(owner, name, original)
            profiler.dump_stats(profile)
            calls = sum(stat[1] for stat in pstats.Stats(profiler).stats.values())
            best["statements per request (count)"] = len(statements) / count / 1e3
            best["Python calls in admission + handler + receipt (count)"] = calls / count / 1e3
        return list(best.items())
    finally:
        hr.stop()


def report(label: str, rows: list[tuple[str, float]]) -> None:
    figures = dict(rows)
    print(f"\n{label}: CPU per signed loan qualification, in-process, one at a time")
    order = ["GET /v1/gateway-keys (framework + client)", "total", "validation", "admission",
             "handler", "HR query", "receipt", "database", "crypto"]
    for name in order:
        if name in figures:
            indent = "  " if name in ("HR query",) else ""
            print(f"{indent}{name:<44}{figures[name] * 1e3:>8.3f} ms")
    layers = sum(figures.get(n, 0.0) for n in ("validation", "admission", "handler", "receipt"))
    print(f"{'rest (framework, hand-offs, test client)':<44}{(figures['total'] - layers) * 1e3:>8.3f} ms")
    for name, value in figures.items():
        if name.endswith("(count)"):
            print(f"{name[:-8]:<44}{value * 1e3:>8.1f}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pg", default=None, help="also on a throwaway PostgreSQL database there")
    parser.add_argument("--profile", type=Path, default=None,
                        help="write cProfile stats of one more round here (SQLite; FILE.pg for PostgreSQL)")
    parser.add_argument("--statements", action="store_true",
                        help="first list the statements of one request (BEGIN/COMMIT are not statements here)")
    args = parser.parse_args(argv)
    instrument()
    with tempfile.TemporaryDirectory() as scratch:
        world = World.prepare(f"sqlite:///{scratch}/govgate.db", Path(scratch), "WARNING")
        report("SQLite", run(world, args.requests, args.rounds, args.profile, args.statements))
    if args.pg and reachable(args.pg):
        with tempfile.TemporaryDirectory() as scratch, ThrowawayPostgres(args.pg) as url:
            profile = args.profile.with_suffix(".pg") if args.profile else None
            report("PostgreSQL", run(World.prepare(url, Path(scratch), "WARNING"), args.requests, args.rounds, profile))


if __name__ == "__main__":
    main(sys.argv[1:])
