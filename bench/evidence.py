"""Time `verify_log` over 100,000 in-memory entries with a checkpoint every 1,000.

    .venv/bin/python bench/evidence.py [ENTRIES]

Records are synthetic but realistically sized (a ~1 KB JSON body, RFC 9421 header values); the
partner signatures are not checked by verify_log, so they need not be real.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
import tracemalloc
from base64 import b64encode
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.evidence import (
    GENESIS,
    ChainHead,
    GatewayKeys,
    MessageRecord,
    append,
    format_timestamp,
    public_jwk,
    sign_checkpoint,
    verify_log,
)

EVERY = 1000


def record(n: int, start: datetime) -> MessageRecord:
    items = [{"line": i, "amount": "1200.00"} for i in range(20)]
    body = json.dumps({"applicationNo": f"SB{n:010d}", "items": items}).encode()
    digest = f"sha-256=:{b64encode(hashlib.sha256(body).digest()).decode()}:"
    uri = "https://gateway.example.gov.cn/v1/deferrals"
    return MessageRecord(
        recorded_at=format_timestamp(start + timedelta(milliseconds=n)), message_id=f"msg-{n:010d}",
        partner_id="91110000717800000X", key_fingerprint="ab" * 32, operation="submitDeferral", direction="inbound",
        method="POST", target_uri=uri, body=body, content_digest=digest,
        signature_input=('sig1=("@method" "@target-uri" "content-type" "content-digest" "idempotency-key")'
                         f';created=1714959000;keyid="hrss-2024";nonce="n{n:020d}";tag="govgate-request"'),
        signature="sig1=:" + b64encode(hashlib.sha512(body).digest()).decode() + ":",
        covered_components={'"@method"': "POST", '"@target-uri"': uri, '"content-type"': "application/json",
                            '"content-digest"': digest, '"idempotency-key"': f"idem-{n}"},
        response_status=202, response_content_digest=digest, response_signature_input='sig1=("@status");keyid="gw"',
        response_signature="sig1=:" + b64encode(hashlib.sha512(body[::-1]).digest()).decode() + ":",
        response_components={'"@status"': "202"},
    )


def main(count: int) -> None:
    key = Ed25519PrivateKey.generate()
    keys = GatewayKeys.from_jwks({"keys": [public_jwk(key.public_key(), kid="gw")]})
    start, head, entries, checkpoints = datetime(2024, 5, 6, tzinfo=UTC), GENESIS, [], []
    began = time.perf_counter()
    for n in range(1, count + 1):
        entry = append(head, record(n, start))
        entries.append(entry)
        head = ChainHead(entry.seq, entry.entry_hash)
        if n % EVERY == 0:
            checkpoints.append(sign_checkpoint(head, entry.record.recorded_at, key, "gw"))
    built = time.perf_counter() - began

    began = time.perf_counter()
    report = verify_log(iter(entries), iter(checkpoints), keys)
    took = time.perf_counter() - began
    assert report.ok and report.entries_checked == count, report.failure

    head_of_log, first_checkpoints = entries[:10_000], checkpoints[:10]  # tracing is slow: a tenth will do
    tracemalloc.start()  # verify's own peak allocation, fed by a generator so it holds no list
    verify_log((e for e in head_of_log), iter(first_checkpoints), keys)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"built {count:,} entries + {len(checkpoints):,} checkpoints in {built:.1f} s")
    print(f"verify_log: {took:.2f} s, {count / took:,.0f} entries/s, {took / count * 1e6:.1f} µs/entry; "
          f"peak extra memory {peak / 1024:.0f} KiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
