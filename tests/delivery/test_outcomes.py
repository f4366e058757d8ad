"""The table from a recipient's HTTP status to retryable / non-retryable, and Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateway.delivery.errors import NonRetryable, Retryable
from gateway.delivery.outcomes import failure_for, retry_after

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_2xx_is_no_failure(status):
    assert failure_for(status, {}, NOW) is None


@pytest.mark.parametrize(("status", "reason"), [
    (408, "recipient_timeout"), (425, "recipient_too_early"), (429, "recipient_rate_limited"),
    (500, "recipient_server_error"), (502, "recipient_server_error"),
    (503, "recipient_server_error"), (504, "recipient_server_error"),
    (599, "recipient_server_error"),
])
def test_retryable_statuses(status, reason):
    failure = failure_for(status, {}, NOW)
    assert isinstance(failure, Retryable) and failure.retryable
    assert failure.reason == reason and str(status) in failure.detail


@pytest.mark.parametrize(("status", "reason"), [
    (400, "recipient_rejected_message"), (401, "recipient_refused_signature"),
    (403, "recipient_forbidden"), (404, "recipient_endpoint_not_found"),
    (409, "recipient_conflict"), (413, "recipient_payload_too_large"),
    (415, "recipient_unsupported_media_type"), (422, "recipient_rejected_message"),
    (418, "recipient_refused"), (501, "recipient_not_implemented"),
    (505, "recipient_http_version"), (301, "recipient_redirected"),
    (307, "recipient_redirected"),
])
def test_non_retryable_statuses(status, reason):
    failure = failure_for(status, {}, NOW)
    assert isinstance(failure, NonRetryable) and not failure.retryable
    assert failure.reason == reason


def test_429_carries_retry_after():
    failure = failure_for(429, {"Retry-After": "120"}, NOW)
    assert isinstance(failure, Retryable) and failure.retry_after == 120


@pytest.mark.parametrize(("value", "seconds"), [
    ("0", 0), ("3600", 3600), (" 7 ", 7),
    ("Mon, 02 Mar 2026 09:02:00 GMT", 120),
    ("Mon, 02 Mar 2026 08:00:00 GMT", 0),  # in the past: due now
    ("soon", None), ("-5", None), ("", None),
])
def test_retry_after_forms(value, seconds):
    assert retry_after({"retry-after": value}, NOW) == seconds


def test_no_retry_after():
    assert retry_after({"Content-Type": "text/plain"}, NOW) is None
