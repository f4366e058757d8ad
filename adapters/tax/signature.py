"""The CFX detached signature: SM2-with-SM3 over the document, base64 in a trailing comment.

    <?xml version="1.0" encoding="GBK"?>\\n<CFX>…</CFX><!--MEUCIQ…-->
    └──────────── signed: every byte up to and including </CFX> ───┘

The signer's user ID and the signature encoding (DER or raw ``r ‖ s``) are per-partner
settings (``Sm2Settings``); TIPS uses the default ID ``1234567812345678`` and DER. Only
whitespace may surround the comment; anything else after ``</CFX>`` is refused, so the bytes
that were verified are exactly the bytes that are parsed.
"""

from __future__ import annotations

import base64
import binascii
import re

from gateway.gmcrypto import (
    Sm2PrivateKey,
    Sm2PublicKey,
    Sm2Settings,
    Sm2SignatureInvalid,
    Sm2SignatureMalformed,
    verify,
)

from .errors import CfxRejected

ROOT_END = b"</CFX>"
_TRAILER = re.compile(rb"\A\s*<!--\s*([A-Za-z0-9+/=]+)\s*-->\s*\Z")
MAX_SIGNATURE_CHARS = 200  # base64 of a DER SM2 signature is at most 100 characters


def sign_document(unsigned: bytes, key: Sm2PrivateKey, settings: Sm2Settings) -> bytes:
    """``unsigned`` (ending with ``</CFX>``) with its signature comment appended."""
    if not unsigned.endswith(ROOT_END):
        raise ValueError("a CFX document to sign must end with </CFX>")
    signature = base64.b64encode(key.sign(unsigned, settings))
    return unsigned + b"<!--" + signature + b"-->"


def split_signed(document: bytes) -> tuple[bytes, bytes]:
    """``(signed bytes, signature)``; raises ``CfxRejected`` cfx_signature_missing."""
    end = document.rfind(ROOT_END)
    if end < 0:
        raise CfxRejected("the document has no </CFX> end tag", reason="cfx_malformed")
    signed, trailer = document[:end + len(ROOT_END)], document[end + len(ROOT_END):]
    found = _TRAILER.match(trailer)
    if found is None:
        detail = ("the document carries no signature comment after </CFX>" if not trailer.strip()
                  else "only a base64 signature comment may follow </CFX>")
        raise CfxRejected(detail, reason="cfx_signature_missing")
    encoded = found.group(1)
    if len(encoded) > MAX_SIGNATURE_CHARS:
        raise CfxRejected("the signature comment is too long", reason="cfx_signature_invalid")
    try:
        return signed, base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise CfxRejected("the signature comment is not base64",
                          reason="cfx_signature_invalid") from None


def verify_document(document: bytes, key: Sm2PublicKey, settings: Sm2Settings) -> bytes:
    """The signed bytes of ``document`` once its signature verifies under ``key``."""
    signed, signature = split_signed(document)
    try:
        verify(key, signed, signature, settings)
    except Sm2SignatureMalformed:
        raise CfxRejected(f"the signature is not an SM2 signature in "
                          f"{settings.signature_encoding} encoding",
                          reason="cfx_signature_invalid") from None
    except Sm2SignatureInvalid:
        raise CfxRejected("the SM2 signature does not verify with the registered key",
                          reason="cfx_signature_invalid") from None
    return signed
