"""A second gateway process on the same database, driven line by line from a test.

    python -m tests.support.other_gateway DATABASE_URL DATA_DIR [REGISTRY_GENERATION_TRUST_MS]

It builds its own app (its own container, so its own registry cache) and, for each JSON line
on stdin — ``{"method", "path", "json", "key_pem", "keyid", "headers"}`` — sends the request
to itself, signed with the given private key when one is given, and answers with one JSON
line: ``{"status": ..., "reason": ...}`` (the problem's reason, or null).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gateway.bootstrap import create_app
from gateway.settings import Settings
from gateway.signatures import SigningKey

from .signing import SignedPartner


def main(database_url: str, data_dir: str, trust_ms: str = "0") -> None:
    settings = Settings(data_dir=Path(data_dir), database_url=database_url, allow_loopback_http=True,
                        admin_rate_limit=1000, registry_generation_trust_ms=int(trust_ms))
    client = create_app(settings).test_client()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        order = json.loads(line)
        if order.get("key_pem"):
            key = SigningKey.from_pem(order["key_pem"], order["keyid"])
            sender = SignedPartner(client, {"id": None}, key)
            response = sender.request(order["method"], order["path"], json=order.get("json"))
        else:
            response = client.request(order["method"], order["path"], headers=order.get("headers") or {},
                                      json=order.get("json"))
        reason = None
        if response.headers.get("content-type", "").startswith("application/problem+json"):
            reason = response.json().get("reason")
        print(json.dumps({"status": response.status_code, "reason": reason}), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
