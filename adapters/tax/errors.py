"""Why a CFX document was refused, or could not be written.

    InvalidInput (gateway.errors)
    └── CfxRejected              reason (one of REASONS) + detail; ``path`` names the element
                                 (e.g. ``MSG/DeferralConclusion3101/CorpName``) when one is at
                                 fault. ``codes.RESULT_FOR_REJECTION`` gives the 9120 Result
                                 code that says the same thing in the tax idiom.

Translation and parsing raise only this; the channel turns it into a delivery error.
"""

from __future__ import annotations

from gateway.errors import FieldError, InvalidInput

REASONS = frozenset({
    "cfx_too_large",              # more bytes than the limit; not parsed at all
    "cfx_encoding_declaration",   # no XML declaration, or one that does not say GBK
    "cfx_not_gbk",                # bytes that are not GBK, or text that GBK cannot carry
    "cfx_forbidden_construct",    # DOCTYPE, entity declarations, processing instructions
    "cfx_malformed",              # not well-formed XML, or a wrong root
    "cfx_header_invalid",         # HEAD fields missing, malformed or not addressed to us
    "cfx_msgno_unsupported",      # a message number this adapter does not translate
    "cfx_missing_field",
    "cfx_unexpected_field",
    "cfx_field_invalid",
    "cfx_signature_missing",
    "cfx_signature_invalid",
})


class CfxRejected(InvalidInput):
    reason = "cfx_malformed"

    def __init__(self, detail: str, *, reason: str, path: str | None = None) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown CFX rejection reason {reason!r}")
        pointer = "/" + path if path else ""
        super().__init__(detail, reason=reason, errors=[FieldError(pointer, detail)],
                         status=422)
        self.path = path
