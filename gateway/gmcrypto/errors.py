"""Errors raised by :mod:`gateway.gmcrypto`, placed in the gateway's tree (``gateway.errors``).

    GovgateError
    └── Sm2BackendFailure        the native library failed for no reason of the input (500)
    Unauthenticated
    └── Sm2SignatureInvalid      well-formed signature that does not verify (wrong key, user ID,
                                 message or encoding): reason ``sm2_signature_invalid``
    InvalidInput
    ├── Sm2SignatureMalformed    not a signature at all in the partner's encoding
    ├── Sm2KeyMalformed          a key that cannot be read, is not SM2, or is not on the curve
    └── Sm2SettingsInvalid       a per-partner setting that cannot work (e.g. empty user ID)

A partner adapter that must answer "signature check failed" (TIPS ``91005``) catches both
``Sm2SignatureInvalid`` and ``Sm2SignatureMalformed``. No library exception escapes this package.
"""

from __future__ import annotations

from gateway.errors import GovgateError, InvalidInput, Unauthenticated


class Sm2SignatureInvalid(Unauthenticated):
    reason = "sm2_signature_invalid"


class Sm2SignatureMalformed(InvalidInput):
    reason = "sm2_signature_malformed"


class Sm2KeyMalformed(InvalidInput):
    reason = "sm2_key_malformed"


class Sm2SettingsInvalid(InvalidInput):
    reason = "sm2_settings_invalid"


class Sm2BackendFailure(GovgateError):
    reason = "sm2_backend_failure"
