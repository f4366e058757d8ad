"""What a recipient's HTTP answer means for the delivery: a pure table, tested without HTTP.

    2xx                          accepted (the receipt is checked next)
    408, 425, 429, 5xx           Retryable (except 501, 505: the recipient will never do it)
    3xx                          NonRetryable: redirects are not followed, since the signed
                                 @target-uri would no longer be what the recipient sees
    other 4xx                    NonRetryable with a reason naming what the recipient said

``Retry-After`` (RFC 9110 §10.2.3) is read on 429 and 503 as delta-seconds or an HTTP-date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime

from .errors import DeliveryError, NonRetryable, Retryable

RETRYABLE_CLIENT_STATUSES = {408: "recipient_timeout", 425: "recipient_too_early",
                             429: "recipient_rate_limited"}
PERMANENT_SERVER_STATUSES = {501: "recipient_not_implemented", 505: "recipient_http_version"}
REFUSAL_REASONS = {
    400: "recipient_rejected_message",
    401: "recipient_refused_signature",
    403: "recipient_forbidden",
    404: "recipient_endpoint_not_found",
    405: "recipient_method_not_allowed",
    409: "recipient_conflict",
    410: "recipient_endpoint_gone",
    413: "recipient_payload_too_large",
    415: "recipient_unsupported_media_type",
    422: "recipient_rejected_message",
}


def failure_for(status: int, headers: Mapping[str, str], now: datetime) -> DeliveryError | None:
    """None for a 2xx answer; otherwise the error the answer amounts to."""
    if 200 <= status < 300:
        return None
    said = f"the recipient answered {status}"
    if status in RETRYABLE_CLIENT_STATUSES or (500 <= status < 600
                                               and status not in PERMANENT_SERVER_STATUSES):
        reason = RETRYABLE_CLIENT_STATUSES.get(status, "recipient_server_error")
        return Retryable(said, reason=reason, retry_after=retry_after(headers, now))
    if 300 <= status < 400:
        return NonRetryable(f"{said} (a redirect, which is not followed)", reason="recipient_redirected")
    reason = PERMANENT_SERVER_STATUSES.get(status) or REFUSAL_REASONS.get(status, "recipient_refused")
    return NonRetryable(said, reason=reason)


def retry_after(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds from ``now`` that ``Retry-After`` asks for; None if absent or unreadable."""
    raw = _header(headers, "retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP-date is GMT by definition
        return None
    return max((when - now).total_seconds(), 0.0)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
