"""The gateway's exception tree.

Every error that can reach a caller is one of these; the HTTP layer maps each class, in one
place (``gateway.api.problems``), to an RFC 9457 problem with a stable ``type`` URI.

    GovgateError                 reason slug + detail safe to show a caller
    ├── InvalidInput             400/422: the request is well-formed but its content is wrong
    ├── Unauthenticated          401: no valid credential (admin token or message signature)
    ├── Forbidden                403: authenticated, but not allowed
    ├── NotFound                 404
    ├── Conflict                 409: clashes with what is already stored
    ├── RateLimited              429: carries retry_after seconds
    └── Unavailable              503/504: a partner system or dependency failed; carries retry_after
        └── StorageUnavailable   503: the database could not take the transaction (full
                                 disk, page limit, lost connection); nothing of it was kept

A ``reason`` is a lower-case slug that callers may switch on; ``detail`` is for humans and must
never contain secrets, key material or internal names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One bad field: a JSON Pointer (RFC 6901) into the request, and what is wrong with it."""

    pointer: str
    detail: str


class GovgateError(Exception):
    status = 500
    reason = "internal_error"

    # Extra problem members (RFC 9457 extensions), e.g. the id of a conflicting message.
    extra: dict | None = None

    def __init__(self, detail: str, *, reason: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if reason is not None:
            self.reason = reason


class InvalidInput(GovgateError):
    status = 422
    reason = "invalid_input"

    def __init__(
        self,
        detail: str,
        *,
        reason: str | None = None,
        errors: list[FieldError] | None = None,
        status: int | None = None,
        pointers_absolute: bool = False,
    ) -> None:
        super().__init__(detail, reason=reason)
        self.errors = list(errors or [])
        # Pointers are relative to the body unless the raiser already rooted them in the
        # request document {"body", "query", "path", "header"}.
        self.pointers_absolute = pointers_absolute
        if status is not None:
            self.status = status


class Unauthenticated(GovgateError):
    status = 401
    reason = "unauthenticated"


class Forbidden(GovgateError):
    status = 403
    reason = "forbidden"


class NotFound(GovgateError):
    status = 404
    reason = "not_found"


class Conflict(GovgateError):
    status = 409
    reason = "conflict"


class RateLimited(GovgateError):
    status = 429
    reason = "rate_limited"

    def __init__(self, detail: str, *, retry_after: int, reason: str | None = None) -> None:
        super().__init__(detail, reason=reason)
        self.retry_after = retry_after


class Unavailable(GovgateError):
    status = 503
    reason = "unavailable"

    def __init__(
        self, detail: str, *, retry_after: int = 30, reason: str | None = None, status: int = 503
    ) -> None:
        super().__init__(detail, reason=reason)
        self.retry_after = retry_after
        self.status = status


class StorageUnavailable(Unavailable):
    reason = "storage_unavailable"

    def __init__(self, detail: str = "the gateway cannot store this request now; retry later",
                 *, retry_after: int = 5) -> None:
        super().__init__(detail, retry_after=retry_after)
