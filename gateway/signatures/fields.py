"""The Signature-Input and Signature fields (RFC 9421 §4): finding the signature we trust.

Labels are not signed, so the signature is selected by its signed ``tag``. Only the selected
member is validated in depth: another party's signature on the same message (a proxy's, say)
may use components this profile does not support without making ours unusable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.signatures.components import (
    ComponentId,
    ComponentUnavailable,
    serialise_signature_params,
)
from gateway.signatures.errors import Rejection, SignatureRejected
from gateway.signatures.message import Headers
from gateway.signatures.structured import Member, parse_dictionary

# RFC 9421 §2.3: the registered parameters and the structured type each must have.
_INTEGER_PARAMETERS = frozenset({"created", "expires"})
_STRING_PARAMETERS = frozenset({"alg", "keyid", "nonce", "tag"})


@dataclass(frozen=True)
class SignatureEntry:
    """One labelled signature: what it covers, its parameters in signed order, its bytes."""

    label: str
    components: tuple[ComponentId, ...]
    params: dict[str, Any]
    signature: bytes

    @property
    def input_value(self) -> str:
        """The Signature-Input member value, which is also the ``@signature-params`` line."""
        return serialise_signature_params(self.components, self.params)

    def param(self, name: str) -> Any:
        return self.params.get(name)


def select_signature(headers: Headers, tag: str) -> SignatureEntry:
    """The one signature whose ``tag`` parameter is ``tag``.

    Raises ``SignatureRejected``: ``signature_missing`` (no fields), ``signature_tag_missing``
    (no member with that tag), ``signature_malformed`` (unparseable, ambiguous, or the tagged
    member is not a valid RFC 9421 signature).
    """
    inputs, signatures = _parsed_fields(headers)
    tagged = [
        label for label, (_value, params) in inputs.items() if params.get("tag") == tag
    ]
    if not tagged:
        raise SignatureRejected(Rejection.SIGNATURE_TAG_MISSING)
    if len(tagged) > 1 or tagged[0] not in signatures:
        raise SignatureRejected(Rejection.SIGNATURE_MALFORMED)
    label = tagged[0]
    return _entry(label, inputs[label], signatures[label])


def tagged_label(headers: Headers, tag: str) -> str | None:
    """The label of the signature tagged ``tag``, even if that signature is invalid, or None.

    For signing the answer to a rejected request: the receipt still binds the signature that
    was presented (``"signature";req;key=<label>``), so the partner can match it up.
    """
    try:
        inputs, signatures = _parsed_fields(headers)
    except SignatureRejected:
        return None
    tagged = [
        label for label, (_value, params) in inputs.items() if params.get("tag") == tag
    ]
    return tagged[0] if len(tagged) == 1 and tagged[0] in signatures else None


def signature_by_label(headers: Headers, label: str) -> SignatureEntry:
    """The signature under ``label``, for messages signed outside the profile (e.g. RFC test
    vectors, which carry no tag). Never use it to pick the signature to trust: labels are not
    signed. Raises as ``select_signature`` does."""
    inputs, signatures = _parsed_fields(headers)
    if label not in inputs or label not in signatures:
        raise SignatureRejected(Rejection.SIGNATURE_MISSING)
    return _entry(label, inputs[label], signatures[label])


def _parsed_fields(headers: Headers) -> tuple[dict[str, Member], dict[str, Member]]:
    inputs_field, signatures_field = (
        headers.get("signature-input"),
        headers.get("signature"),
    )
    if inputs_field is None or signatures_field is None:
        raise SignatureRejected(Rejection.SIGNATURE_MISSING)
    inputs = parse_dictionary(inputs_field, Rejection.SIGNATURE_MALFORMED)
    signatures = parse_dictionary(signatures_field, Rejection.SIGNATURE_MALFORMED)
    return inputs, signatures


def _entry(
    label: str, input_member: Member, signature_member: Member
) -> SignatureEntry:
    items, params = input_member
    signature, _signature_params = signature_member
    if not isinstance(items, list) or not isinstance(signature, bytes) or not signature:
        raise SignatureRejected(Rejection.SIGNATURE_MALFORMED)
    for name, value in params.items():
        wanted = (
            int
            if name in _INTEGER_PARAMETERS
            else str
            if name in _STRING_PARAMETERS
            else None
        )
        if wanted is not None and type(value) is not wanted:
            raise SignatureRejected(Rejection.SIGNATURE_MALFORMED)
    try:
        components = tuple(
            ComponentId.from_sf(value, item_params) for value, item_params in items
        )
    except ComponentUnavailable as exc:
        raise SignatureRejected(Rejection.SIGNATURE_MALFORMED) from exc
    return SignatureEntry(label, components, dict(params), signature)
