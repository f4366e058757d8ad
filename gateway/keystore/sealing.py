"""A private key at rest: PKCS#8 PEM, encrypted when the operator gave a passphrase.

The PEM label tells an encrypted key from a plain one, so a store that gained a passphrase still
reads the keys written before it, and a missing passphrase is reported as such, not as damage.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.serialization import load_pem_private_key

from gateway.keystore.errors import KeystoreError
from gateway.signatures.signing_key import SigningKey

_ENCRYPTED_PEM = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"


def seal(key: SigningKey, passphrase: bytes | None) -> bytes:
    return key.private_pem(passphrase).encode("ascii")


def is_sealed(pem: bytes) -> bool:
    return pem.lstrip().startswith(_ENCRYPTED_PEM)


def unseal(pem: bytes, kid: str, algorithm: str, passphrase: bytes | None) -> SigningKey:
    """Raises KeystoreError: keystore_locked (no or wrong passphrase), keystore_corrupt."""
    sealed = is_sealed(pem)
    if sealed and passphrase is None:
        raise KeystoreError(
            f"{kid}.key is encrypted and no passphrase was given.", reason="keystore_locked"
        )
    try:
        private_key = load_pem_private_key(pem, passphrase if sealed else None)
    except ValueError as exc:
        if sealed:  # cryptography cannot tell a wrong passphrase from damaged ciphertext
            raise KeystoreError(
                f"{kid}.key cannot be decrypted: wrong passphrase or a damaged file.",
                reason="keystore_locked",
            ) from None
        raise _not_a_key(kid) from exc
    except (TypeError, UnicodeError) as exc:
        raise _not_a_key(kid) from exc
    try:
        return SigningKey(
            keyid=kid, algorithm=algorithm, private_key=private_key  # type: ignore[arg-type]
        )
    except ValueError as exc:
        raise KeystoreError(
            f"{kid}.key does not fit its algorithm {algorithm}.", reason="keystore_corrupt"
        ) from exc


def _not_a_key(kid: str) -> KeystoreError:
    return KeystoreError(f"{kid}.key is not a private key.", reason="keystore_corrupt")
