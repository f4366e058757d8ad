"""Per-partner SM2 settings: the three things partners disagree on.

Tax (TIPS/CFX) uses the default user ID and DER; a bank's JSON API may use its client id,
right-padded to 16 bytes, as the user ID and a raw 64-byte ``r ‖ s`` signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from gateway.gmcrypto._curve import MAX_USER_ID_BYTES
from gateway.gmcrypto.errors import Sm2SettingsInvalid

DEFAULT_USER_ID = b"1234567812345678"

SignatureEncoding = Literal["der", "raw"]
"""``der``: ASN.1 ``SEQUENCE {r, s}`` (OpenSSL, TIPS); ``raw``: 32-byte ``r`` ‖ 32-byte ``s``."""

PublicKeyEncoding = Literal["pem", "hex", "base64"]
"""How a partner hands over its public key: ``pem`` SubjectPublicKeyInfo; ``hex`` the
uncompressed point ``04 ‖ x ‖ y``; ``base64`` the SubjectPublicKeyInfo DER (Java's
``PublicKey.getEncoded()``)."""


@dataclass(frozen=True)
class Sm2Settings:
    user_id: bytes = DEFAULT_USER_ID
    signature_encoding: SignatureEncoding = "der"
    public_key_encoding: PublicKeyEncoding = "pem"

    def __post_init__(self) -> None:
        if not isinstance(self.user_id, bytes):
            raise Sm2SettingsInvalid("SM2 user ID must be bytes")
        # An empty ID is legal in the standard but in practice means a missing setting.
        if not 1 <= len(self.user_id) <= MAX_USER_ID_BYTES:
            raise Sm2SettingsInvalid(f"SM2 user ID must be 1 to {MAX_USER_ID_BYTES} bytes long")
        if self.signature_encoding not in get_args(SignatureEncoding):
            raise Sm2SettingsInvalid(f"unknown SM2 signature encoding {self.signature_encoding!r}")
        if self.public_key_encoding not in get_args(PublicKeyEncoding):
            raise Sm2SettingsInvalid(
                f"unknown SM2 public key encoding {self.public_key_encoding!r}"
            )


DEFAULT_SETTINGS = Sm2Settings()
