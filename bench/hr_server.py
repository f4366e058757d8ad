"""The partner systems of bench/compare.py and bench/fanout.py, each in its own process.

    .venv/bin/python bench/hr_server.py --kind hr|recipient --partner ID --key PEM --keyid KID
                                        --jwks FILE [--facts CITIZEN_ID=GROUP ...]

Prints ``ready <port>`` once it listens on 127.0.0.1 and serves until SIGTERM. Both kinds are the
project's own simulators (``gateway/simulators``), unchanged on the gateway's side but for
TCP_NODELAY (see ``without_nagle``):

- ``hr``: ``CanonicalHrSimulator``. ``POST /govgate/queries/person-facts`` verifies the gateway's
  signed query (Ed25519, in-memory nonces), answers the person facts and signs the answer with
  the HR key. One extra, unsigned endpoint serves the bare forwarder:
  ``POST /bare/loan-qualifications`` takes the loan-qualification JSON itself and answers the
  same person-facts JSON for its citizen ids, without verifying or signing anything (the
  forwarder would not check a signature, so HR does not make one for it).
- ``recipient``: ``CanonicalPartnerSimulator``: verifies each delivery, deduplicates, signs a
  receipt. ``GET /bench/received`` answers ``{"received": n, "duplicates": n}`` for the fan-out.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gateway.signatures import HttpRequest, HttpResponse, SigningKey
from gateway.simulators import CanonicalPartnerSimulator
from gateway.simulators.canonical_partner import _json
from gateway.simulators.hr import CanonicalHrSimulator

BARE_PATH = "/bare/loan-qualifications"
COUNT_PATH = "/bench/received"


def loan_citizen_ids(body: dict) -> list[str]:
    """The ids the gateway would ask HR about for this loan (applicant, partners, hires)."""
    ids = [body["applicant"]["citizen_id"], *(p["citizen_id"] for p in body.get("partners", []))]
    ids += [h["citizen_id"] for h in (body.get("enterprise") or {}).get("hires", [])]
    return list(dict.fromkeys(ids))


class BenchHr(CanonicalHrSimulator):
    def handle(self, request: HttpRequest) -> HttpResponse:
        if urlsplit(request.target_uri).path != BARE_PATH:
            response = super().handle(request)
            self.queries.clear()  # the simulator keeps every query for tests; a bench needs none
            return response
        body = json.loads(request.body)
        answer = {
            "persons": [{"citizen_id": pid, "known": pid in self.facts, "groups": self.facts.get(pid, [])}
                        for pid in loan_citizen_ids(body)],
            "enterprise": None,
        }
        return _json(200, answer)


def without_nagle(simulator: CanonicalPartnerSimulator) -> None:
    """http.server writes the headers and the body in two sends; with Nagle's algorithm on, the
    body then waits for the client's delayed ACK (~40 ms on Linux) and every answer would take
    40 ms, hiding both servers' own costs behind the HR system's. TCP_NODELAY, as real servers."""
    simulator._server.RequestHandlerClass.disable_nagle_algorithm = True


def with_counter(simulator: CanonicalPartnerSimulator) -> None:
    """Adds ``GET /bench/received`` to the simulator's request handler."""
    handler = simulator._server.RequestHandlerClass

    def do_GET(self) -> None:
        if self.path != COUNT_PATH:
            self.send_error(404)
            return
        with simulator._lock:
            counts = {"received": len(simulator.received),
                      "duplicates": sum(simulator.duplicates.values())}
        body = json.dumps(counts).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    handler.do_GET = do_GET


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("hr", "recipient"), required=True)
    parser.add_argument("--partner", required=True, help="the partner's id (credit code)")
    parser.add_argument("--key", type=Path, required=True, help="its private key (PEM)")
    parser.add_argument("--keyid", required=True)
    parser.add_argument("--jwks", type=Path, required=True, help="the gateway's JWKS (JSON file)")
    parser.add_argument("--port", type=int, default=0, help="default: any free port")
    parser.add_argument("--facts", action="append", default=[], metavar="CITIZEN_ID=GROUP",
                        help="a borrower group HR has on record (repeatable)")
    args = parser.parse_args(argv)
    key = SigningKey.from_pem(args.key.read_bytes(), args.keyid)
    jwks = json.loads(args.jwks.read_text())
    if args.kind == "hr":
        facts: dict[str, list[str]] = {}
        for item in args.facts:
            person, _, group = item.partition("=")
            facts.setdefault(person, []).append(group)
        simulator: CanonicalPartnerSimulator = BenchHr(args.partner, key, jwks, facts=facts,
                                                       port=args.port)
    else:
        simulator = CanonicalPartnerSimulator(args.partner, key, jwks, port=args.port)
        with_counter(simulator)
    without_nagle(simulator)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    simulator.start()
    print("ready", simulator._server.server_address[1], flush=True)
    stopped.wait()
    simulator.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
