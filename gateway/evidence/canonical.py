"""The byte-exact encodings the evidence log hashes and signs.

Everything that is hashed or signed is first turned into a JSON value and encoded with the JSON
Canonicalization Scheme (RFC 8785), so that an auditor in any language gets the same bytes.
Binary values travel as standard base64 with padding (RFC 4648 §4); timestamps are RFC 3339 UTC
strings with exactly six fractional digits and a ``Z`` (``2024-05-01T08:30:00.000000Z``).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from typing import Any

import rfc8785

from gateway.errors import InvalidInput

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


class MalformedEvidence(InvalidInput):
    """An entry, checkpoint, JWKS or bundle is not in the documented shape."""

    reason = "malformed_evidence"


def canonical_json(value: Any) -> bytes:
    """RFC 8785 bytes of ``value``; raises MalformedEvidence for values JCS cannot encode.

    Values made only of strings, safe integers, booleans, null, lists and objects with ASCII keys
    take a fast path through the C JSON encoder, whose output is then byte-identical to JCS: same
    escapes, code-point key order equals UTF-16 order for ASCII keys, integers print alike (a
    property test holds this against the reference implementation). Anything else, floats
    included, goes to ``rfc8785``.
    """
    try:
        if _plain(value):
            return _FAST.encode(value).encode("utf-8")
        return rfc8785.dumps(value)
    except UnicodeEncodeError as exc:
        raise MalformedEvidence("cannot canonicalise: a string is not valid Unicode") from exc
    except rfc8785.CanonicalizationError as exc:
        raise MalformedEvidence(f"cannot canonicalise: {exc}") from exc


_FAST = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
_SAFE_INT = 2**53 - 1


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, (str, bool)):
        return True
    if type(value) is int:
        return -_SAFE_INT <= value <= _SAFE_INT
    if type(value) is dict:
        return all(type(k) is str and k.isascii() and _plain(v) for k, v in value.items())
    if type(value) is list:
        return all(_plain(v) for v in value)
    return False


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, *, what: str) -> bytes:
    """Strict standard base64 (with padding, no whitespace); raises MalformedEvidence."""
    if not isinstance(text, str) or not _BASE64.fullmatch(text):
        raise MalformedEvidence(f"{what} is not standard base64")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as exc:  # the pattern should have caught this; belt and braces
        raise MalformedEvidence(f"{what} is not standard base64") from exc


def b64url_decode(text: object, *, what: str) -> bytes:
    """base64url without padding, as JWK members use (RFC 7515 §2)."""
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise MalformedEvidence(f"{what} is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:
        raise MalformedEvidence(f"{what} is not base64url") from exc


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def format_timestamp(moment: datetime) -> str:
    """The log's timestamp form; naive datetimes are refused rather than guessed at."""
    if moment.tzinfo is None:
        raise MalformedEvidence("timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def is_timestamp(text: object) -> bool:
    if not isinstance(text, str) or not text.isascii() or not _TIMESTAMP.fullmatch(text):
        return False
    try:  # the pattern fixed the form; this checks the calendar (fromisoformat is C, strptime is not)
        datetime.fromisoformat(text[:-1])
    except ValueError:
        return False
    return True
