"""``GatewayKeyStore``: create, rotate, load and publish the gateway's signing keys.

Changes (``ensure_current``, ``rotate``) run under the directory's flock; reads take no lock and
rely on the order of writes instead: a key's files are complete before its ``<kid>.json`` appears
(renamed into place), and ``<kid>.json`` exists before ``current`` names the kid. A reader that
finds a kid in ``current`` therefore finds it published, and the gateway never signs with a key
its JWKS does not carry.
"""

from __future__ import annotations

import builtins
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from gateway.keystore.errors import KeystoreError
from gateway.keystore.files import (
    PRIVATE_MODE,
    PUBLIC_MODE,
    FileSignature,
    check_directory,
    create_exclusive,
    directory_lock,
    make_directory,
    read_private,
    read_signed,
    replace_atomically,
    signature_of,
    sync_directory,
)
from gateway.keystore.records import KeyRecord, is_kid, new_kid
from gateway.keystore.sealing import seal, unseal
from gateway.signatures.errors import KeyRefused
from gateway.signatures.keys import PublicKeyInfo, jwks_document, load_public_key
from gateway.signatures.ports import Clock, utc_now
from gateway.signatures.signing_key import SigningKey

log = logging.getLogger(__name__)

CURRENT_NAME = "current"
DEFAULT_ALGORITHM = "ed25519"


@dataclass(frozen=True)
class GatewayKeyInfo:
    kid: str
    algorithm: str  # RFC 9421 name
    created_at: datetime
    retired_at: datetime | None
    current: bool
    fingerprint: str  # hex SHA-256 of the DER SubjectPublicKeyInfo
    thumbprint: str  # RFC 7638, base64url


@dataclass(frozen=True)
class _Held:
    """The key ``current()`` hands out, and the version of the ``current`` file that named it."""

    signature: FileSignature
    kid: str
    key: SigningKey


class GatewayKeyStore:
    def __init__(
        self, directory: Path, passphrase: bytes | str | None = None, clock: Clock = utc_now
    ) -> None:
        self.directory = Path(directory)
        if isinstance(passphrase, str):
            passphrase = passphrase.encode("utf-8")
        self._passphrase = passphrase or None
        self._clock = clock
        self._held: _Held | None = None
        self._logged_failure: FileSignature | None = None
        # Key files never change once written, so what was parsed once stays valid.
        self._private: dict[str, SigningKey] = {}
        self._public: dict[str, PublicKeyInfo] = {}

    # -- changing the directory ---------------------------------------------------------------

    def ensure_current(self, algorithm: str = DEFAULT_ALGORITHM) -> str:
        """The current kid, creating the first key if there is none. Safe to race."""
        make_directory(self.directory)
        check_directory(self.directory)
        with directory_lock(self.directory):
            kid = self._current_kid()
            if kid is not None:
                self._record(kid)
                return kid
            records = self._records()
            if records:  # a crash between publishing a key and naming it current
                kid = records[0].kid
            else:
                kid = self._create(algorithm)
            replace_atomically(self._path(CURRENT_NAME), f"{kid}\n".encode(), PUBLIC_MODE)
            return kid

    def rotate(self, algorithm: str = DEFAULT_ALGORITHM) -> str:
        """Make a new key current; the old ones stay published. Returns the new kid.

        Refused (``keystore_locked``) if the current key is encrypted and this store cannot
        decrypt it: a mistyped passphrase would otherwise encrypt the new key so that no
        worker could load it.
        """
        make_directory(self.directory)
        check_directory(self.directory)
        with directory_lock(self.directory):
            previous = self._previous_record()
            kid = self._create(algorithm)
            replace_atomically(self._path(CURRENT_NAME), f"{kid}\n".encode(), PUBLIC_MODE)
            if previous is not None:
                retired = previous.retired(self._clock())
                retired_file = self._path(f"{previous.kid}.json")
                replace_atomically(retired_file, retired.to_json(), PUBLIC_MODE)
            return kid

    def _previous_record(self) -> KeyRecord | None:
        """The current key's record, after checking this store's passphrase opens it.

        Only a locked key stops a rotation: rotating away from a damaged key is the way out.
        """
        try:
            kid = self._current_kid()
        except KeystoreError:
            return None
        if kid is None:
            return None
        try:
            self._signing_key(kid)
        except KeystoreError as exc:
            if exc.reason == "keystore_locked":
                raise
        try:
            return self._record(kid)
        except KeystoreError:
            return None

    def _create(self, algorithm: str) -> str:
        now = self._clock()
        while True:
            kid = new_kid(now)
            key = SigningKey.generate(algorithm, kid)
            try:
                sealed = seal(key, self._passphrase)
                create_exclusive(self._path(f"{kid}.key"), sealed, PRIVATE_MODE)
            except FileExistsError:  # 32 random bits on the same day: retry, never overwrite
                continue
            break
        create_exclusive(self._path(f"{kid}.pub"), key.public_info().pem.encode(), PUBLIC_MODE)
        sync_directory(self.directory)
        record = KeyRecord(kid=kid, algorithm=key.algorithm, created_at=now)
        replace_atomically(self._path(f"{kid}.json"), record.to_json(), PUBLIC_MODE)
        self._private[kid] = key
        return kid

    # -- signing ------------------------------------------------------------------------------

    def current(self) -> tuple[str, SigningKey]:
        """The kid and key to sign with now.

        One ``stat`` when nothing changed; when another process rotated, the new key is loaded.
        If that load fails while an older key is held, the older (still published) key goes on
        signing and the load is retried on the next call, so a half-synchronised directory
        degrades instead of failing every response. Raises KeystoreError when there is no key to
        fall back on: ``keystore_empty``, ``keystore_locked``, ``keystore_permissions`` or
        ``keystore_corrupt``.
        """
        held = self._held
        if held is not None and signature_of(self._path(CURRENT_NAME)) == held.signature:
            return held.kid, held.key
        try:
            signature, kid = self._read_current()
            key = self._signing_key(kid)
        except KeystoreError as exc:
            if held is None:
                raise
            self._log_once(exc)
            return held.kid, held.key
        self._held = _Held(signature, kid, key)
        return kid, key

    def _log_once(self, exc: KeystoreError) -> None:
        seen = signature_of(self._path(CURRENT_NAME))
        if seen != self._logged_failure:
            self._logged_failure = seen
            log.warning("gateway key rotation not picked up (%s): %s", exc.reason, exc.detail)

    def _signing_key(self, kid: str) -> SigningKey:
        if kid in self._private:
            return self._private[kid]
        record = self._record(kid)
        check_directory(self.directory)
        pem = read_private(self._path(f"{kid}.key"))
        if pem is None:
            raise KeystoreError(f"{kid}.key is missing.", reason="keystore_corrupt")
        key = unseal(pem, kid, record.algorithm, self._passphrase)
        if key.public_info().fingerprint != self._public_info(kid).fingerprint:
            raise KeystoreError(
                f"{kid}.key and {kid}.pub do not match.", reason="keystore_corrupt"
            )
        self._private[kid] = key
        return key

    # -- publishing ---------------------------------------------------------------------------

    def jwks(self) -> dict[str, Any]:
        """RFC 7517 JWK Set of every key ever created, newest first; ``alg`` is the JOSE name
        (``EdDSA`` for Ed25519) and ``use`` is ``sig``. Needs no passphrase."""
        published = [(record.kid, self._public_info(record.kid)) for record in self._records()]
        return jwks_document(published)

    def list(self) -> list[GatewayKeyInfo]:
        """Every key, newest first."""
        current = self._current_kid()
        infos = []
        for record in self._records():
            public = self._public_info(record.kid)
            infos.append(
                GatewayKeyInfo(
                    kid=record.kid,
                    algorithm=record.algorithm,
                    created_at=record.created_at,
                    retired_at=record.retired_at,
                    current=record.kid == current,
                    fingerprint=public.fingerprint,
                    thumbprint=public.thumbprint,
                )
            )
        return infos

    # -- reading the directory ----------------------------------------------------------------

    def _path(self, name: str) -> Path:
        return self.directory / name

    def _read_current(self) -> tuple[FileSignature, str]:
        found = read_signed(self._path(CURRENT_NAME))
        if found is None:
            raise KeystoreError(
                "There is no current gateway key; run `govgate gateway-key init`.",
                reason="keystore_empty",
            )
        signature, data = found
        kid = data.decode("ascii", errors="replace").strip()
        if not is_kid(kid):
            raise KeystoreError("The current file does not name a kid.", reason="keystore_corrupt")
        return signature, kid

    def _current_kid(self) -> str | None:
        try:
            return self._read_current()[1]
        except KeystoreError as exc:
            if exc.reason == "keystore_empty":
                return None
            raise

    def _record(self, kid: str) -> KeyRecord:
        found = read_signed(self._path(f"{kid}.json"))
        if found is None:
            raise KeystoreError(f"Gateway key {kid} is not published.", reason="keystore_corrupt")
        return KeyRecord.from_json(kid, found[1])

    def _records(self) -> builtins.list[KeyRecord]:
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return []
        kids = [name[: -len(".json")] for name in names if name.endswith(".json")]
        records = [self._record(kid) for kid in kids if is_kid(kid)]
        return sorted(records, key=lambda r: (r.created_at, r.kid), reverse=True)

    def _public_info(self, kid: str) -> PublicKeyInfo:
        if kid in self._public:
            return self._public[kid]
        found = read_signed(self._path(f"{kid}.pub"))
        if found is None:
            raise KeystoreError(f"{kid}.pub is missing.", reason="keystore_corrupt")
        try:
            info = load_public_key(found[1].decode("ascii"), self._record(kid).algorithm)
        except (KeyRefused, UnicodeError) as exc:
            raise KeystoreError(
                f"{kid}.pub is not a valid public key.", reason="keystore_corrupt"
            ) from exc
        self._public[kid] = info
        return info
