"""What tracing costs per request: the signed path through the in-process app, tracing off and on.

    .venv/bin/python bench/tracing.py [--requests 200] [--rounds 5]

Three gateways on SQLite files, built the same way but for their tracing settings:

- ``off``: GOVGATE_TRACING_EXPORTER=none (the default): no SDK, plain requests sessions, every
  stage a shared do-nothing span;
- ``sampled out``: the OTLP exporter configured, GOVGATE_TRACING_SAMPLE_RATIO=0: spans are
  started (non-recording), contexts propagated, nothing exported;
- ``OTLP``: every request traced and exported by the batch processor over OTLP/HTTP to a
  collector stand-in in a child process (it reads and drops each export); the batch is flushed
  inside each timed run, so the export's encoding and sending are counted.

For each, Ed25519-signed: ``GET /v1/whoami`` (3 spans: server, admit, receipt),
``POST /v1/connectivity-tests`` (5: server, admit, validate, receipt, evidence) and
``POST /v1/loan-qualifications`` (9: those, and decide, HR query, its HTTP call, rules), HR being
the project's HR simulator on loopback, in a thread of this process. Rounds
alternate between the gateways so that the machine's noise falls on all three; each figure is
the best round. CPU is ``time.process_time`` of this process (every thread: the exporter's too)
per request; wall clock is beside it. First, one stage timed alone in each mode (the figure
that stays readable when the machine is busy). Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verification import WARM_UP, signed  # bench/verification.py

from gateway.bootstrap import build_container, create_app
from gateway.services import tokens
from gateway.settings import Settings
from gateway.signatures import SigningKey
from gateway.simulators.hr import CanonicalHrSimulator
from gateway.storage import migrate
from tests.support.ids import credit_code
from tests.support.samples import APPLICANT, individual_loan
from tests.support.signing import register_signed_partner

COLLECTOR = """
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class Drop(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
server = HTTPServer(("127.0.0.1", 0), Drop)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


class Gateway:
    def __init__(self, label: str, data_dir: Path, **tracing) -> None:
        self.label = label
        settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'govgate.db'}",
                            admin_rate_limit=10**9, allow_loopback_http=True, **tracing)
        self.container = build_container(settings)
        self.container.keystore.ensure_current()
        migrate.upgrade(self.container.engine)
        self.client = create_app(settings, self.container).test_client()
        with self.container.uow() as uow:
            issued, _, _ = tokens.issue(uow, "bench", "admin", None, self.container.clock(), "bench")
        admin = {"Authorization": "Bearer " + issued.secret}
        self.partner = register_signed_partner(self.client, admin, 1, "ed25519", roles=["bank"])
        response = self.client.post("/v1/admin/grants", headers=admin,
                                    json={"partner_id": self.partner.id, "operation": "lending"})
        assert response.status_code == 201, response.text
        self.hr = self._hr_system(admin)

    def _hr_system(self, admin: dict) -> CanonicalHrSimulator:
        """A real HR system on loopback (a thread of this process: its CPU is in every figure)."""
        key = SigningKey.generate("ed25519", "hr-bench")
        hr = CanonicalHrSimulator(credit_code(2), key, self.container.keystore.jwks,
                                  facts={APPLICANT: ["college_graduate"]}).start()
        for path, body in (("/v1/admin/partners", {
                "id": hr.partner_id, "name": "通辽市人社局", "roles": ["hr"], "division_code": "150500",
                "endpoint_url": hr.endpoint_url}), (f"/v1/admin/partners/{hr.partner_id}/keys", {
                "public_key": key.public_info().pem, "keyid": key.keyid})):
            response = self.client.post(path, headers=admin, json=body)
            assert response.status_code == 201, response.text
        return hr

    def flush(self) -> None:
        if self.container.tracing.enabled:
            self.container.tracing.provider.force_flush()

    def run(self, batch) -> tuple[float, float]:
        """(wall, cpu) seconds per request over ``batch``, the export flushed before the end."""
        wall, cpu = time.perf_counter(), time.process_time()
        for method, path, headers, body in batch:
            response = self.client.request(method, path, headers=headers, content=body)
            if response.status_code not in (200, 201):
                raise SystemExit(f"{self.label} {method} {path}: {response.status_code} {response.text[:300]}")
        self.flush()
        return (time.perf_counter() - wall) / len(batch), (time.process_time() - cpu) / len(batch)


def loans(partner, count: int) -> list[tuple[str, str, dict, bytes]]:
    body = json.dumps(individual_loan(), ensure_ascii=False).encode()
    return [("POST", "/v1/loan-qualifications",
             partner.sign("POST", "/v1/loan-qualifications", body, idempotency_key=str(uuid.uuid4())), body)
            for _ in range(count)]


def measure(gateways: list[Gateway], method: str, path: str, count: int, rounds: int) -> dict:
    make = loans if path == "/v1/loan-qualifications" else (
        lambda partner, n: signed(partner, method, path, n))
    batches = {g.label: make(g.partner, WARM_UP + count * rounds) for g in gateways}
    for g in gateways:
        g.run(batches[g.label][:WARM_UP])
    best = {g.label: (float("inf"), float("inf")) for g in gateways}
    for r in range(rounds):
        for g in gateways:
            start = WARM_UP + r * count
            wall, cpu = g.run(batches[g.label][start:start + count])
            best[g.label] = (min(best[g.label][0], wall), min(best[g.label][1], cpu))
    return best


def per_span(tracer, count: int, rounds: int, flush=lambda: None) -> float:
    """CPU seconds of one stage (enter, one attribute, exit), best of ``rounds``."""
    attributes = {"govgate.operation": "submit_loan_qualification", "govgate.message_id": "m" * 36}
    best = float("inf")
    for _ in range(rounds):
        cpu = time.process_time()
        for _ in range(count):
            with tracer.span("govgate.stage", attributes) as span:
                span.set_attribute("govgate.partner_id", "91150500MA0N123456")
        flush()
        best = min(best, (time.process_time() - cpu) / count)
    return best


def spans_alone(endpoint: str, count: int, rounds: int) -> None:
    from gateway.observability.spans import NO_TRACING
    from gateway.observability.tracing import build_tracing

    otlp = {"tracing_exporter": "otlp", "tracing_otlp_endpoint": endpoint}
    sampled_out = build_tracing(Settings(**otlp, tracing_sample_ratio=0.0))
    recorded = build_tracing(Settings(**otlp))
    print(f"\none stage alone (enter, set an attribute, exit), best of {rounds} x {count}:")
    for label, tracer, flush in (("off (NO_TRACING)", NO_TRACING, lambda: None),
                                 ("sampled out", sampled_out, lambda: None),
                                 ("OTLP, recorded and exported", recorded, recorded.provider.force_flush)):
        print(f"  {label:<30}{per_span(tracer, count, rounds, flush) * 1e6:>8.2f} µs CPU")
    sampled_out.shutdown()
    recorded.shutdown()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--spans", type=int, default=20000, help="stages timed alone per round")
    args = parser.parse_args(argv)
    collector = subprocess.Popen([sys.executable, "-c", COLLECTOR], stdout=subprocess.PIPE, text=True)
    try:
        endpoint = f"http://127.0.0.1:{collector.stdout.readline().strip()}/v1/traces"
        spans_alone(endpoint, args.spans, args.rounds)
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch)
            otlp = {"tracing_exporter": "otlp", "tracing_otlp_endpoint": endpoint}
            gateways = []
            for label, tracing in (("off", {}), ("sampled out", {**otlp, "tracing_sample_ratio": 0.0}),
                                   ("OTLP", otlp)):
                (root / label).mkdir()
                gateways.append(Gateway(label, root / label, **tracing))
            print(f"load average {os.getloadavg()[0]:.2f} (2 cores); best of {args.rounds} rounds of "
                  f"{args.requests} requests per gateway, rounds interleaved")
            print(f"{'request':<36}{'tracing':<13}{'CPU ms/req':>11}{'Δ CPU µs':>10}"
                  f"{'wall ms/req':>12}{'Δ wall µs':>11}")
            for method, path in (("GET", "/v1/whoami"), ("POST", "/v1/connectivity-tests"),
                                 ("POST", "/v1/loan-qualifications")):
                best = measure(gateways, method, path, args.requests, args.rounds)
                base_wall, base_cpu = best["off"]
                for g in gateways:
                    wall, cpu = best[g.label]
                    print(f"{method + ' ' + path:<36}{g.label:<13}{cpu * 1e3:>11.2f}"
                          f"{(cpu - base_cpu) * 1e6:>+10.0f}{wall * 1e3:>12.2f}{(wall - base_wall) * 1e6:>+11.0f}")
            for g in gateways:
                g.hr.stop()
                g.container.close()
    finally:
        collector.terminate()
        collector.wait()


if __name__ == "__main__":
    main(sys.argv[1:])
