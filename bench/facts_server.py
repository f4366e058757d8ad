"""Tax and social insurance for bench/bulk_batch.py: canonical fact servers in their own process.

    .venv/bin/python bench/facts_server.py --role tax|social_insurance --partner ID --key PEM
                                            --keyid KID --jwks FILE --port PORT

The records are computed from the credit code (no table held in memory, whatever the register's
size): about 1 employer in 10 laid off too many, 1 in 20 has no bank account on file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import signal
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gateway.signatures import SigningKey
from gateway.simulators.facts import CanonicalFactsSimulator


def _n(code: str) -> int:
    return int.from_bytes(hashlib.sha256(code.encode()).digest()[:4], "big")


class Records(Mapping):
    def __init__(self, make) -> None:
        self._make = make

    def __getitem__(self, code: str):
        return self._make(code)

    def __contains__(self, code) -> bool:
        return isinstance(code, str) and len(code) == 18

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


def employment(code: str) -> dict:
    n = _n(code)
    insured = 5 + n % 400
    return {"insured_average": insured, "insured_count": insured,
            "layoffs": insured // 5 if n % 10 == 0 else insured // 100,
            "organisation_type": "enterprise", "size_class": ("large", "medium", "small", "micro")[n % 4],
            "industry": "other", "refunded_fen": 0,
            "bank_account": None if n % 20 == 1 else {"bank_name": "中国农业银行通辽分行",
                                                      "account_number": f"62284800{n:010d}",
                                                      "account_name": "通辽市测试企业"}}


def premiums(code: str) -> dict:
    n = _n(code)
    return {"employer_paid_fen": 100_00 * (5 + n % 400), "staff_paid_fen": 50_00 * (5 + n % 400)}


def serve(facts_of_role) -> None:
    """Serve ``facts_of_role(role)`` — {(kind, year): records} — until SIGTERM."""
    parser = argparse.ArgumentParser()
    for name in ("role", "partner", "key", "keyid", "jwks", "port"):
        parser.add_argument(f"--{name}", required=True)
    args = parser.parse_args()
    key = SigningKey.from_pem(Path(args.key).read_bytes(), args.keyid)
    jwks = json.loads(Path(args.jwks).read_text())
    server = CanonicalFactsSimulator(args.partner, key, jwks, facts=facts_of_role(args.role), port=int(args.port))
    server.keep_asked = False
    server.start()
    print(f"ready {args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    server.stop()


if __name__ == "__main__":
    serve(lambda role: {("employment", 2021): Records(employment)} if role == "social_insurance"
          else {("unemployment_premiums", 2021): Records(premiums)})
