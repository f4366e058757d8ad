"""Why a signed message or a submitted key was refused.

    Unauthenticated (gateway.errors)
    └── SignatureRejected    a message signature, its parameters or its digest failed a check;
                             ``reason`` is a ``Rejection`` slug, ``detail`` a fixed text
    InvalidInput (gateway.errors)
    └── KeyRefused           public key material submitted for registration was refused

Details come from one table so that no rejection can describe key material or say which part
of a signature base differed: an attacker learns the category of the failure and nothing more.
"""

from __future__ import annotations

from enum import StrEnum

from gateway.errors import InvalidInput, Unauthenticated


class Rejection(StrEnum):
    SIGNATURE_MISSING = "signature_missing"
    SIGNATURE_TAG_MISSING = "signature_tag_missing"
    SIGNATURE_COMPONENT_MISSING = "signature_component_missing"
    SIGNATURE_PARAMETER_MISSING = "signature_parameter_missing"
    SIGNATURE_MALFORMED = "signature_malformed"
    KEY_UNKNOWN = "key_unknown"
    KEY_NOT_YET_VALID = "key_not_yet_valid"
    KEY_EXPIRED = "key_expired"
    KEY_REVOKED = "key_revoked"
    PARTNER_SUSPENDED = "partner_suspended"
    SIGNATURE_EXPIRED = "signature_expired"
    SIGNATURE_FROM_FUTURE = "signature_from_future"
    NONCE_REPLAYED = "nonce_replayed"
    CONTENT_DIGEST_MISSING = "content_digest_missing"
    CONTENT_DIGEST_MALFORMED = "content_digest_malformed"
    CONTENT_DIGEST_UNSUPPORTED = "content_digest_unsupported"
    CONTENT_DIGEST_MISMATCH = "content_digest_mismatch"
    ALGORITHM_MISMATCH = "algorithm_mismatch"
    SIGNATURE_INVALID = "signature_invalid"


_DETAILS: dict[Rejection, str] = {
    Rejection.SIGNATURE_MISSING: "The message carries no Signature-Input and Signature fields.",
    Rejection.SIGNATURE_TAG_MISSING: "No signature carries the expected tag parameter.",
    Rejection.SIGNATURE_COMPONENT_MISSING: "The signature does not cover a component the profile requires.",
    Rejection.SIGNATURE_PARAMETER_MISSING: "The signature lacks a parameter the profile requires.",
    Rejection.SIGNATURE_MALFORMED: "The signature fields are not valid RFC 9421 structured fields.",
    Rejection.KEY_UNKNOWN: "The keyid does not name a registered key.",
    Rejection.KEY_NOT_YET_VALID: "The signing key is not valid yet.",
    Rejection.KEY_EXPIRED: "The signing key has expired.",
    Rejection.KEY_REVOKED: "The signing key has been revoked.",
    Rejection.PARTNER_SUSPENDED: "The partner that owns the signing key is suspended.",
    Rejection.SIGNATURE_EXPIRED: "The signature was created too long ago.",
    Rejection.SIGNATURE_FROM_FUTURE: "The signature was created too far in the future.",
    Rejection.NONCE_REPLAYED: "The signature nonce has already been used with this key.",
    Rejection.CONTENT_DIGEST_MISSING: "A message with content must carry a Content-Digest field.",
    Rejection.CONTENT_DIGEST_MALFORMED: "The Content-Digest field is not a valid RFC 9530 dictionary.",
    Rejection.CONTENT_DIGEST_UNSUPPORTED: "The Content-Digest field uses no supported algorithm (sha-256, sha-512).",
    Rejection.CONTENT_DIGEST_MISMATCH: "The Content-Digest field does not match the message content.",
    Rejection.ALGORITHM_MISMATCH: "The alg parameter does not match the registered key's algorithm.",
    Rejection.SIGNATURE_INVALID: "The signature does not verify.",
}


class SignatureRejected(Unauthenticated):
    """A signed message failed one check; ``reason`` says which category, never which byte."""

    def __init__(self, rejection: Rejection, detail: str | None = None) -> None:
        super().__init__(detail or _DETAILS[rejection], reason=rejection.value)
        self.rejection = rejection


class KeyRefused(InvalidInput):
    """Key material offered for registration was refused.

    Reasons: ``private_key_refused``, ``key_malformed``, ``key_too_weak``,
    ``algorithm_unsupported``, ``algorithm_mismatch``.
    """

    reason = "key_refused"
