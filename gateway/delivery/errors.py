"""Why a delivery attempt failed, and whether trying again could help.

    DeliveryError            reason slug + detail; never reaches an HTTP caller
    ├── Retryable            timeouts, connection errors, 408/425/429, most 5xx; carries
    │                        ``retry_after`` (seconds the recipient asked for, or None)
    └── NonRetryable         other 4xx, redirects, a missing or bad receipt signature, an
                             unknown format: retrying would repeat the same answer

Channels translate every foreign error (``requests``, an adapter's library) into one of these
where it enters, with ``raise … from``; the worker only ever sees this tree.
"""

from __future__ import annotations

from ..errors import GovgateError


class DeliveryError(GovgateError):
    status = 502
    reason = "delivery_failed"
    retryable = False


class Retryable(DeliveryError):
    reason = "delivery_retryable"
    retryable = True

    def __init__(self, detail: str, *, reason: str, retry_after: float | None = None) -> None:
        super().__init__(detail, reason=reason)
        self.retry_after = retry_after


class NonRetryable(DeliveryError):
    reason = "delivery_refused"

    def __init__(self, detail: str, *, reason: str) -> None:
        super().__init__(detail, reason=reason)
