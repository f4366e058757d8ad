"""Cost of verifying one signed request (µs), per algorithm, and its parts.

    .venv/bin/python bench/signatures.py [iterations]

Prints the full RequestVerifier.verify() cost (parse, profile checks, digest, base, crypto,
nonce record) next to the bare cryptographic verify, and the signing cost for comparison.
"""

from __future__ import annotations

import sys
import timeit
from itertools import count

from gateway.signatures import (
    HttpRequest,
    InMemoryNonceStore,
    RegisteredKey,
    RequestSigner,
    RequestVerifier,
    SigningKey,
)
from gateway.signatures.algorithms import ALGORITHMS
from gateway.signatures.components import build_signature_base
from gateway.signatures.fields import select_signature

BODY = b'{"applicant":"110101199003077777","months":6,"reason":"COVID-19 deferral"}' * 8


def signed_requests(key: SigningKey, n: int) -> list[HttpRequest]:
    nonces = (f"bench-nonce-{i:012d}" for i in count())
    signer = RequestSigner(key, nonce_factory=lambda: next(nonces))
    requests = []
    for _ in range(n):
        request = HttpRequest(
            "POST",
            "https://gw.example.cn/v1/deferrals",
            {"Content-Type": "application/json", "Idempotency-Key": "k-1"},
            BODY,
        )
        for name, value in signer.sign(request).headers():
            request.headers.set(name, value)
        requests.append(request)
    return requests


def microseconds(seconds: float, n: int) -> float:
    return seconds / n * 1e6


def best_of(statement, n: int, rounds: int = 5) -> float:
    """Seconds for ``n`` runs, the fastest of ``rounds`` (the machine is shared; noise only adds)."""
    return min(timeit.repeat(statement, number=n, repeat=rounds))


def main(n: int) -> None:
    print(
        f"{'algorithm':<20}{'verify() µs':>14}{'crypto only µs':>16}{'sign µs':>10}"
        f"   (best of 5 x {n})"
    )
    for name in ALGORITHMS:
        key = SigningKey.generate(name, f"bench-{name}")
        registered = RegisteredKey(
            key.keyid, "bench", name, key.private_key.public_key()
        )
        verifier = RequestVerifier({key.keyid: registered}.get, InMemoryNonceStore())
        requests = iter(signed_requests(key, n * 5))  # fresh nonces for every round
        full = best_of(lambda v=verifier, r=requests: v.verify(next(r)), n)

        sample = signed_requests(key, 1)[0]
        entry = select_signature(sample.headers, "govgate-request")
        data = build_signature_base(entry.components, entry.params, sample).encode()
        public = key.private_key.public_key()
        algorithm, signature = ALGORITHMS[name], entry.signature
        crypto = best_of(
            lambda a=algorithm, p=public, s=signature, d=data: a.verify(p, s, d), n
        )
        sign = best_of(lambda k=key, d=data: k.sign(d), n)
        print(
            f"{name:<20}{microseconds(full, n):>14.0f}{microseconds(crypto, n):>16.0f}"
            f"{microseconds(sign, n):>10.0f}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
