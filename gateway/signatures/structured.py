"""Parsing RFC 8941 structured fields at the trust boundary.

http-sf is strict and raises its own errors (and, on odd input, the odd ValueError); every
one of them becomes a ``SignatureRejected`` here so that nothing a sender puts in a header can
surface as a 500.
"""

from __future__ import annotations

from typing import Any

import http_sf

from gateway.signatures.errors import Rejection, SignatureRejected

# One member as http-sf returns it: (bare item or list of items, parameters).
Member = tuple[Any, dict[str, Any]]


def _refuse_duplicates(key: str, context: str) -> None:
    # A repeated label or parameter would let two parties read the same field differently.
    raise ValueError(f"duplicate {context} key")


def parse_dictionary(value: str, rejection: Rejection) -> dict[str, Member]:
    """Parse a Dictionary field; any failure raises ``SignatureRejected(rejection)``."""
    try:
        data = value.encode("ascii")
        parsed = http_sf.parse(
            data, tltype="dictionary", on_duplicate_key=_refuse_duplicates
        )
    except (ValueError, TypeError, IndexError, UnicodeError, OverflowError) as exc:
        raise SignatureRejected(rejection) from exc
    if not isinstance(parsed, dict):
        raise SignatureRejected(rejection)
    return {key: _as_member(member) for key, member in parsed.items()}


def _as_member(member: Any) -> Member:
    if isinstance(member, tuple) and len(member) == 2 and isinstance(member[1], dict):
        return member[0], member[1]
    return member, {}


def serialise_member(member: Member) -> str:
    """The serialisation of one dictionary member, parameters included (RFC 9421 §2.1.2)."""
    return http_sf.ser([member])
