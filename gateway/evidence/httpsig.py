"""Rebuild an RFC 9421 signature base from logged component values, to re-check a signature offline.

Only what evidence needs: the logged Signature-Input member gives the covered components and the
parameters; the logged component values fill in each line (RFC 9421 §2.5). Nothing is read from a
live request, so a bundle's signatures can be checked years later without the gateway.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import http_sf

from gateway.evidence.keys import PublicKey, algorithm_of, signature_holds


class SignatureProblem(Exception):
    """Why a logged signature cannot be checked or does not hold (``reason`` is a slug)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class LoggedSignature:
    label: str
    covered: tuple[str, ...]  # component identifiers, serialised as on their signature-base line
    params: Mapping[str, Any]
    params_line: str  # the @signature-params value
    value: bytes

    @property
    def keyid(self) -> str | None:
        keyid = self.params.get("keyid")
        return keyid if isinstance(keyid, str) else None


def parse_logged_signature(signature_input: str, signature: str) -> LoggedSignature:
    """Raises SignatureProblem('signature_unparseable') unless both are one matching member."""
    try:
        inputs = http_sf.parse(signature_input.encode("ascii"), tltype="dictionary")
        values = http_sf.parse(signature.encode("ascii"), tltype="dictionary")
    except (UnicodeEncodeError, ValueError) as exc:
        raise SignatureProblem("signature_unparseable", f"not a structured field: {exc}") from exc
    if len(inputs) != 1 or len(values) != 1 or inputs.keys() != values.keys():
        raise SignatureProblem("signature_unparseable",
                               "expected one Signature-Input and one Signature member with the same label")
    (label, member), = inputs.items()
    (value, _), = values.values()
    if not isinstance(member[0], list) or not isinstance(value, bytes):
        raise SignatureProblem("signature_unparseable",
                               "Signature-Input must be an inner list and Signature a byte sequence")
    try:
        covered = tuple(http_sf.ser_item(item) for item in member[0])
        params_line = http_sf.ser_list([member])
    except ValueError as exc:
        raise SignatureProblem("signature_unparseable", f"cannot serialise: {exc}") from exc
    return LoggedSignature(label, covered, dict(member[1]), params_line, value)


def serialised_member_value(signature: str) -> str | None:
    """``:base64:`` of a logged Signature member: the value a ``"signature";key=...`` component has."""
    try:
        values = http_sf.parse(signature.encode("ascii"), tltype="dictionary")
        if len(values) != 1:
            return None
        return http_sf.ser_item(next(iter(values.values())))
    except (UnicodeEncodeError, ValueError):
        return None


def signature_base(signature: LoggedSignature, components: Mapping[str, str]) -> bytes:
    lines = []
    for identifier in signature.covered:
        if identifier not in components:
            raise SignatureProblem("component_value_missing", f"no logged value for covered component {identifier}")
        lines.append(f"{identifier}: {components[identifier]}")
    lines.append(f'"@signature-params": {signature.params_line}')
    try:
        return "\n".join(lines).encode("ascii")
    except UnicodeEncodeError as exc:
        raise SignatureProblem("component_value_invalid", "component values must be ASCII") from exc


def check_signature(signature: LoggedSignature, components: Mapping[str, str], key: PublicKey) -> None:
    """Raises SignatureProblem unless ``signature`` holds over ``components`` under ``key``."""
    alg = signature.params.get("alg")
    if alg is not None and alg != algorithm_of(key):
        raise SignatureProblem("algorithm_mismatch", f"alg={alg} but the key is {algorithm_of(key)}")
    if not signature_holds(key, signature_base(signature, components), signature.value):
        raise SignatureProblem("signature_invalid", "the signature does not verify over the logged values")
