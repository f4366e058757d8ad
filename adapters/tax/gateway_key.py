"""The gateway's own SM2 key, which signs the CFX messages it sends.

It lives beside the gateway's RFC 9421 keys, in ``<key_dir>/sm2/``:

    gateway.key   unencrypted PKCS#8 PEM, mode 0600 (refused if group or others may read it)
    gateway.pub   SubjectPublicKeyInfo PEM, mode 0644: what the tax system registers for us

Created on first use under the key directory's lock, so two workers starting together make
one key. A separate small store rather than a kind of ``GatewayKeyStore`` key: that store's
keys are RFC 9421 keys published in the JWKS, and an SM2 key must never be one of them.
Rotation is manual for now: move the files aside and restart; the tax side must register the
new ``gateway.pub`` first. (``gateway.gmcrypto`` reads no encrypted PKCS#8, so a key
passphrase does not apply to this file: protect it with the directory's permissions.)
"""

from __future__ import annotations

import threading
from pathlib import Path

from gateway.gmcrypto import Sm2KeyMalformed, Sm2PrivateKey, Sm2PublicKey
from gateway.keystore.errors import KeystoreError
from gateway.keystore.files import (
    PRIVATE_MODE,
    PUBLIC_MODE,
    create_exclusive,
    directory_lock,
    make_directory,
    read_private,
    replace_atomically,
)

PRIVATE_NAME = "gateway.key"
PUBLIC_NAME = "gateway.pub"


class GatewaySm2Key:
    def __init__(self, key_dir: Path) -> None:
        self.directory = Path(key_dir) / "sm2"
        self._key: Sm2PrivateKey | None = None
        self._lock = threading.Lock()

    def private_key(self) -> Sm2PrivateKey:
        """The key, created on first use; raises ``KeystoreError`` (keystore_permissions,
        keystore_corrupt) when the file on disk cannot be trusted or read."""
        with self._lock:
            if self._key is None:
                self._key = self._load_or_create()
            return self._key

    def public_key(self) -> Sm2PublicKey:
        return self.private_key().public_key()

    def public_pem(self) -> str:
        return self.public_key().to_pem()

    def _load_or_create(self) -> Sm2PrivateKey:
        make_directory(self.directory)
        with directory_lock(self.directory):
            pem = read_private(self.directory / PRIVATE_NAME)
            if pem is None:
                key = Sm2PrivateKey.generate()
                create_exclusive(self.directory / PRIVATE_NAME, key.to_pem().encode(), PRIVATE_MODE)
                # The public half is derived, so it may be rewritten (e.g. after a crash).
                replace_atomically(self.directory / PUBLIC_NAME,
                                   key.public_key().to_pem().encode(), PUBLIC_MODE)
                return key
        try:
            return Sm2PrivateKey.from_pem(pem)
        except Sm2KeyMalformed as exc:
            raise KeystoreError(f"sm2/{PRIVATE_NAME} is not an SM2 private key ({exc.detail}).",
                                reason="keystore_corrupt") from None
