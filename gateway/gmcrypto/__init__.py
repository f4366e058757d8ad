"""National cryptography (国密): SM2-with-SM3 signatures behind one small interface.

    key = Sm2PrivateKey.from_pem(pem)
    bank = Sm2Settings(user_id=b"CLIENT0042000000", signature_encoding="raw")
    signature = key.sign(message, bank)
    verify(partner_key, message, signature, bank)      # raises Sm2SignatureInvalid

Per-partner settings (:class:`Sm2Settings`): user ID (default ``1234567812345678``), signature
encoding (DER or raw ``r ‖ s``), public key encoding (PEM, hex point, base64 SPKI). Keys travel
as OpenSSL 3 writes them (SPKI with the SM2 curve OID, PKCS#8); the test suite checks interop
both ways with ``openssl dgst -sm3 -sign/-verify -sigopt distid:…``. SM3 comes from
``cryptography``; errors are in :mod:`gateway.gmcrypto.errors`.

Backend choice (``bench/sm2.py``, 1 KiB message, 2-core machine shared with other work, so
ranges over three runs; per second):

    library                       user ID          sign           verify     maintained
    gmssl-pyx 2.1 via this API    any (Z_A here)   2,000–3,300    800–1,400  2.1.0 released 2026
    gmssl-pyx 2.1 message API     any              200–300        700–1,000
    tongsuopy 1.0.1               default only     1,350–2,000    1,450–1,700  last release 2023-02,
                                                                     bundles Tongsuo (OpenSSL 1.1.1)
    gmssl-fast 0.1.0              default only     ~650           ~360       one release, new
    snowland-smx 1.1 (pysmx)      any              70–120         55–120     pure Python
    gmssl 3.2.2                   hard-coded       30–75          30–45      pure Python

``gmssl-pyx`` wraps GmSSL 3 (the reference national-crypto library, statically linked) as a C
extension with manylinux wheels (cp311 x86_64 among them) and no system dependency, and its
public API signs and verifies a digest. We compute ``e = SM3(Z_A ‖ M)`` ourselves and sign
``e``: that frees the user ID and is ten times faster than its own message API. ``tongsuopy``
verifies up to twice as fast, but its public API signs only under the default user ID
(``EVP_DigestSign`` without a distid; banks need their own), it has not been released since
2023 and carries its own OpenSSL fork; the pure-Python options are 20–50× slower.
Verification at ~1,000/s is far above the partner message rates a gateway sees. The backend is
one private module (``_backend_gmssl``): swapping it touches nothing else.
"""

from __future__ import annotations

from gateway.gmcrypto._curve import sm3
from gateway.gmcrypto.errors import (
    Sm2BackendFailure,
    Sm2KeyMalformed,
    Sm2SettingsInvalid,
    Sm2SignatureInvalid,
    Sm2SignatureMalformed,
)
from gateway.gmcrypto.keys import Sm2PrivateKey, Sm2PublicKey, verify
from gateway.gmcrypto.settings import (
    DEFAULT_SETTINGS,
    DEFAULT_USER_ID,
    PublicKeyEncoding,
    SignatureEncoding,
    Sm2Settings,
)
from gateway.gmcrypto.signature import der_to_raw, raw_to_der

__all__ = [
    "DEFAULT_SETTINGS",
    "DEFAULT_USER_ID",
    "PublicKeyEncoding",
    "SignatureEncoding",
    "Sm2BackendFailure",
    "Sm2KeyMalformed",
    "Sm2PrivateKey",
    "Sm2PublicKey",
    "Sm2Settings",
    "Sm2SettingsInvalid",
    "Sm2SignatureInvalid",
    "Sm2SignatureMalformed",
    "der_to_raw",
    "raw_to_der",
    "sm3",
    "verify",
]
