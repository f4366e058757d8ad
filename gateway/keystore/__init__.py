"""The gateway's own signing keys: a key directory, rotation, and the published JWKS.

The gateway signs every receipt (RFC 9421) and every evidence-log checkpoint with its current
key; every key it ever signed with stays in its JWKS so that old receipts and checkpoints verify.

Layout of the key directory (``Settings.key_dir``, created 0700)::

    current              "<kid>\\n", the key to sign with (replaced atomically)       0644
    <kid>.key            PKCS#8 PEM private key; with a passphrase, encrypted          0600
                         (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC)
    <kid>.pub            SubjectPublicKeyInfo PEM                                      0644
    <kid>.json           {"kid", "algorithm", "created_at", "retired_at"}: the key     0644
                         is published once this file exists (renamed into place)
    .lock                flock target for ensure_current and rotate                    0600

kids look like ``gw-20260302-1f2e3d4c`` (UTC creation date, 32 random bits). Key files are never
rewritten; only ``current`` and a key's ``.json`` (when it retires) are replaced. A retired key's
``.key`` may be deleted: it is never used again, and its ``.pub`` keeps it published.

Several processes may share the directory: rotations are seen on the next ``current()`` call
(one ``stat`` per call, no thread). The flock only serialises processes on one host; where
machines share the directory through configuration management, rotate on one machine and let
the tool distribute the files. The PBKDF2 work factor of PKCS#8 encryption is low (2048
iterations), so a passphrase should be random (at least 128 bits), not a memorable word.

    GatewayKeyStore(directory, passphrase=None, clock=utc_now)
        .ensure_current(algorithm="ed25519") -> kid
        .rotate(algorithm="ed25519") -> kid
        .current() -> (kid, SigningKey)
        .jwks() -> dict
        .list() -> list[GatewayKeyInfo]
    KeystoreError    reasons keystore_locked, keystore_permissions, keystore_corrupt,
                     keystore_empty (see ``errors``)
"""

from gateway.keystore.errors import KeystoreError
from gateway.keystore.store import GatewayKeyInfo, GatewayKeyStore

__all__ = ["GatewayKeyInfo", "GatewayKeyStore", "KeystoreError"]
