"""What verification needs from the rest of the gateway, as injected collaborators.

The verifier never touches a database: the composition root hands it a key resolver (the
partner key registry), a nonce store (the replay cache) and a clock.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from gateway.signatures.algorithms import PublicKey

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RegisteredKey:
    """A signing key as the registry knows it; validity bounds are aware datetimes."""

    keyid: str
    partner_id: str
    algorithm: str  # RFC 9421 name; the only algorithm this key may verify with
    public_key: PublicKey = field(repr=False)
    not_before: datetime | None = None
    not_after: datetime | None = None
    revoked_at: datetime | None = None
    partner_status: str = (
        "active"  # anything but "active" means the partner is suspended
    )


KeyResolver = Callable[[str], RegisteredKey | None]


class NonceStore(Protocol):
    """Remembers (keyid, nonce) pairs until they expire.

    ``record`` must be atomic: it returns False if the pair was already present, so two
    concurrent deliveries of one message cannot both be accepted.
    """

    def seen(self, keyid: str, nonce: str) -> bool: ...

    def record(self, keyid: str, nonce: str, expires_at: datetime) -> bool: ...


class InMemoryNonceStore:
    """A process-local NonceStore for a single worker, tests and the partner client."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self._clock = clock
        self._expiry: dict[tuple[str, str], datetime] = {}
        self._queue: list[
            tuple[datetime, str, str]
        ] = []  # expiry order, for cheap eviction
        self._lock = threading.Lock()

    def seen(self, keyid: str, nonce: str) -> bool:
        with self._lock:
            expires_at = self._expiry.get((keyid, nonce))
            return expires_at is not None and expires_at > self._clock()

    def record(self, keyid: str, nonce: str, expires_at: datetime) -> bool:
        with self._lock:
            self._evict(self._clock())
            if (keyid, nonce) in self._expiry:
                return False
            self._expiry[(keyid, nonce)] = expires_at
            heapq.heappush(self._queue, (expires_at, keyid, nonce))
            return True

    def _evict(self, now: datetime) -> None:
        while self._queue and self._queue[0][0] <= now:
            _at, keyid, nonce = heapq.heappop(self._queue)
            self._expiry.pop((keyid, nonce), None)
