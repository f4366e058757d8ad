"""Idempotency-Key (draft-ietf-httpapi-idempotency-key-header-07) for partners' POSTs.

Scope: partner + method + route (the operationId). A key is *claimed* in a short transaction of
its own before the request is processed, so a concurrent duplicate sees it and gets 409; the
*completed* record (the exact response bytes and headers, gateway signature included) is written
in the same transaction as the message and its evidence entry. A request that fails releases
its claim, so the partner can correct it and retry with the same key. A claim whose process
died is taken over once its lease has passed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from ..errors import Conflict, InvalidInput

LEASE = timedelta(seconds=60)

# The header's one pattern, the same string as the contract's ``IdempotencyKey`` schema
# (openapi/components/exchange.yaml; a test holds them equal): 1 to 255 visible ASCII
# characters, bare (no spaces) or as an RFC 8941 sf-string (quoted; spaces allowed inside).
# ``"`` and ``\`` are left out, so no escape needs undoing; 255 is the stored column's width.
KEY_PATTERN = r'^(?:[!#-\[\]-~]{1,255}|"[ !#-\[\]-~]{1,255}")$'
MAX_KEY_LENGTH = 255
_KEY = re.compile(KEY_PATTERN)


class IdempotencyKeyReused(InvalidInput):
    status = 422
    reason = "idempotency_key_reused"


@dataclass(frozen=True)
class Claim:
    record_id: int


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def parse_key(raw: str | None) -> str | None:
    """The key an ``Idempotency-Key`` field value carries, or None when it does not match."""
    value = (raw or "").strip(" \t")
    if not _KEY.fullmatch(value):
        return None
    return value[1:-1] if value[0] == '"' else value


def request_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class Idempotency:
    def __init__(self, uow_factory, clock, ttl: timedelta) -> None:
        self._uow = uow_factory
        self._clock = clock
        self.ttl = ttl

    def begin(self, partner_id: str, method: str, route: str, key: str, body: bytes,
              uow=None) -> Claim | StoredResponse:
        """Claim the key, or return the stored response of the completed first request.

        In a transaction of its own, or in ``uow``'s (write) transaction when one is given."""
        if uow is None:
            with self._uow() as own:
                return self.begin(partner_id, method, route, key, body, own)
        digest = request_digest(body)
        now = self._clock()
        claim = lambda: uow.idempotency.claim(partner_id, method, route, key, digest, now,
                                              now + LEASE, now + self.ttl)
        # A new key (nearly every request) is claimed in one statement; only a key in use is read.
        if (claimed := claim()) is not None:
            return Claim(claimed)
        existing = uow.idempotency.find(partner_id, method, route, key)
        if existing is not None and (existing.expires_at <= now or (
                existing.state == "processing" and existing.locked_until and existing.locked_until <= now)):
            uow.idempotency.remove(existing.id)  # expired, or its holder died: start afresh
            if (claimed := claim()) is not None:
                return Claim(claimed)
            existing = uow.idempotency.find(partner_id, method, route, key)
        if existing is None or existing.state == "processing":
            raise Conflict("a request with this Idempotency-Key is still being processed; retry later",
                           reason="idempotency_in_progress")
        if existing.request_digest != digest:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was used for a different request body; use a new key")
        return StoredResponse(existing.response_status, [tuple(h) for h in existing.response_headers],
                              existing.response_body)

    @staticmethod
    def complete(uow, claim: Claim, response: StoredResponse, message_id: str | None) -> None:
        """Store the final response; call inside the transaction that stores the message."""
        uow.idempotency.complete(claim.record_id, response.status, [list(h) for h in response.headers],
                                 response.body, message_id)

    def release(self, claim: Claim) -> None:
        with self._uow() as uow:
            uow.idempotency.release(claim.record_id)
