"""The individual checks a received signature goes through, shared by request and response
verification. Each raises ``SignatureRejected`` with its own reason."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from gateway.signatures.algorithms import algorithm_named
from gateway.signatures.components import (
    ComponentUnavailable,
    SignatureBase,
    build_signature_base,
)
from gateway.signatures.errors import Rejection, SignatureRejected
from gateway.signatures.fields import SignatureEntry
from gateway.signatures.message import HttpRequest, HttpResponse
from gateway.signatures.ports import KeyResolver, RegisteredKey


def signature_base(
    entry: SignatureEntry,
    message: HttpRequest | HttpResponse,
    request: HttpRequest | None = None,
) -> SignatureBase:
    try:
        return build_signature_base(entry.components, entry.params, message, request)
    except ComponentUnavailable as exc:
        raise SignatureRejected(Rejection.SIGNATURE_MALFORMED) from exc


def usable_key(
    resolver: KeyResolver, entry: SignatureEntry, now: datetime
) -> RegisteredKey:
    """The registered key named by ``keyid``, if it may sign at ``now``."""
    key = resolver(entry.param("keyid"))
    if key is None:
        raise SignatureRejected(Rejection.KEY_UNKNOWN)
    if key.not_before is not None and now < key.not_before:
        raise SignatureRejected(Rejection.KEY_NOT_YET_VALID)
    if key.not_after is not None and now >= key.not_after:
        raise SignatureRejected(Rejection.KEY_EXPIRED)
    if key.revoked_at is not None and now >= key.revoked_at:
        raise SignatureRejected(Rejection.KEY_REVOKED)
    if key.partner_status != "active":
        raise SignatureRejected(Rejection.PARTNER_SUSPENDED)
    alg = entry.param("alg")
    # The key decides the algorithm (RFC 9421 §3.3.7); a differing alg is a downgrade attempt.
    if alg is not None and alg != key.algorithm:
        raise SignatureRejected(Rejection.ALGORITHM_MISMATCH)
    return key


def created_within(
    entry: SignatureEntry, now: datetime, max_age: int, max_future: int
) -> int:
    """The ``created`` time, if it lies in [now - max_age, now + max_future] and not past ``expires``."""
    created: int = entry.param("created")
    now_s = now.timestamp()
    expires = entry.param("expires")
    if now_s - created > max_age or (expires is not None and now_s >= expires):
        raise SignatureRejected(Rejection.SIGNATURE_EXPIRED)
    if created - now_s > max_future:
        raise SignatureRejected(Rejection.SIGNATURE_FROM_FUTURE)
    return created


def created_at(created: int) -> datetime:
    try:
        return datetime.fromtimestamp(created, UTC)
    except (OverflowError, ValueError, OSError) as exc:
        raise SignatureRejected(Rejection.SIGNATURE_MALFORMED) from exc


def replay_expiry(created: int, max_age: int) -> datetime:
    """How long a nonce must be remembered: until its signature would be rejected as expired."""
    return created_at(created) + timedelta(seconds=max_age)


def cryptographically_valid(
    key: RegisteredKey, entry: SignatureEntry, base: SignatureBase
) -> None:
    algorithm = algorithm_named(key.algorithm)
    if algorithm is None or not algorithm.verify(
        key.public_key, entry.signature, base.encode()
    ):
        raise SignatureRejected(Rejection.SIGNATURE_INVALID)


def covered_values(base: SignatureBase) -> Sequence[tuple[str, str]]:
    return tuple((component.serialise(), value) for component, value in base.components)
