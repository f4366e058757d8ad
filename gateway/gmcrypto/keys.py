"""SM2 keys, signing and verification.

A public key is the 64-byte point ``x ‖ y``; a private key is the 32-byte scalar ``d`` with its
public key. Every way in (PEM, DER, hex, base64) checks the point is on the curve, and loading a
private key proves it belongs to its public key, so a bad key fails at registration, not at the
first partner message.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from gateway.gmcrypto import _backend_gmssl as backend
from gateway.gmcrypto import _containers
from gateway.gmcrypto._curve import is_on_curve, is_valid_private_scalar, signer_digest
from gateway.gmcrypto._der import DerError
from gateway.gmcrypto.errors import Sm2KeyMalformed, Sm2SignatureInvalid
from gateway.gmcrypto.settings import DEFAULT_SETTINGS, PublicKeyEncoding, Sm2Settings
from gateway.gmcrypto.signature import decode_signature, encode_signature

_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.DOTALL)
_HEX_POINT_LENGTHS = (130, 128, 66)  # 04‖x‖y, bare x‖y, compressed 02/03‖x


def _pem_body(text: str | bytes, labels: tuple[str, ...]) -> tuple[str, bytes]:
    if isinstance(text, bytes):
        text = text.decode("ascii", errors="replace")
    match = _PEM.search(text)
    if match is None:
        raise Sm2KeyMalformed("not a PEM document")
    label = match.group(1)
    if label not in labels:
        raise Sm2KeyMalformed(f"PEM holds {label!r}, expected one of {', '.join(labels)}")
    return label, _base64(match.group(2))


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Sm2KeyMalformed("key text is not valid base64") from exc


def _pem(label: str, der: bytes) -> str:
    body = base64.b64encode(der).decode("ascii")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


class Sm2PublicKey:
    __slots__ = ("_xy",)

    def __init__(self, public_xy: bytes) -> None:
        """From a checked 64-byte ``x ‖ y``; use the ``from_*`` constructors for outside input."""
        if len(public_xy) != 64 or not is_on_curve(public_xy):
            raise Sm2KeyMalformed("SM2 public key is not a point on the SM2 curve")
        self._xy = bytes(public_xy)

    @classmethod
    def from_point(cls, encoded: bytes) -> Sm2PublicKey:
        """From ``04 ‖ x ‖ y``, bare ``x ‖ y``, or compressed ``02/03 ‖ x`` bytes."""
        return cls(backend.normalize_point(encoded))

    @classmethod
    def from_hex(cls, text: str) -> Sm2PublicKey:
        text = text.strip()
        if len(text) not in _HEX_POINT_LENGTHS:
            raise Sm2KeyMalformed("hex SM2 public key must be 130 (04‖x‖y), 128 or 66 hex digits")
        try:
            point = bytes.fromhex(text)
        except ValueError as exc:
            raise Sm2KeyMalformed("SM2 public key is not valid hex") from exc
        return cls.from_point(point)

    @classmethod
    def from_der(cls, der: bytes) -> Sm2PublicKey:
        """From a DER SubjectPublicKeyInfo."""
        try:
            point = _containers.decode_spki(der)
        except DerError as exc:
            raise Sm2KeyMalformed(f"SM2 public key: {exc}") from exc
        return cls.from_point(point)

    @classmethod
    def from_pem(cls, text: str | bytes) -> Sm2PublicKey:
        return cls.from_der(_pem_body(text, ("PUBLIC KEY",))[1])

    @classmethod
    def decode(cls, text: str, encoding: PublicKeyEncoding) -> Sm2PublicKey:
        """From a partner's own encoding (see :data:`PublicKeyEncoding`)."""
        if encoding == "pem":
            return cls.from_pem(text)
        if encoding == "hex":
            return cls.from_hex(text)
        return cls.from_der(_base64(text))

    @classmethod
    def parse(cls, text: str) -> Sm2PublicKey:
        """Whatever an operator pastes: PEM, hex point, base64 SPKI DER or base64 point."""
        stripped = text.strip()
        if "-----BEGIN" in stripped:
            return cls.from_pem(stripped)
        # No base64 SubjectPublicKeyInfo is all hex digits (it starts "MF" or "MD").
        if re.fullmatch(r"[0-9a-fA-F]+", stripped):
            return cls.from_hex(stripped)
        raw = _base64(stripped)
        if raw[:1] == b"\x30":
            return cls.from_der(raw)
        return cls.from_point(raw)

    def encode(self, encoding: PublicKeyEncoding) -> str:
        if encoding == "pem":
            return self.to_pem()
        if encoding == "hex":
            return self.to_hex()
        return base64.b64encode(self.to_der()).decode("ascii")

    def to_der(self) -> bytes:
        return _containers.encode_spki(self._xy)

    def to_pem(self) -> str:
        return _pem("PUBLIC KEY", self.to_der())

    def to_hex(self) -> str:
        """Uncompressed point ``04 ‖ x ‖ y``, lower-case hex (130 digits)."""
        return "04" + self._xy.hex()

    def to_xy(self) -> bytes:
        return self._xy

    def fingerprint(self) -> str:
        """SHA-256 of the DER SubjectPublicKeyInfo, hex; equals
        ``openssl pkey -pubin -in key.pem -outform DER | sha256sum``."""
        return hashlib.sha256(self.to_der()).hexdigest()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sm2PublicKey) and other._xy == self._xy

    def __hash__(self) -> int:
        return hash(self._xy)

    def __repr__(self) -> str:
        return f"Sm2PublicKey(fingerprint={self.fingerprint()[:16]}…)"


class Sm2PrivateKey:
    __slots__ = ("_d", "_public")

    def __init__(self, private_d: bytes, public_key: Sm2PublicKey) -> None:
        """From a scalar and its public key; proves they belong together."""
        if len(private_d) != 32 or not is_valid_private_scalar(int.from_bytes(private_d, "big")):
            raise Sm2KeyMalformed("SM2 private key is out of range")
        self._d = bytes(private_d)
        self._public = public_key
        probe = bytes(32)
        if not backend.verify_digest(
            public_key.to_xy(), probe, backend.sign_digest(self._d, probe)
        ):
            raise Sm2KeyMalformed("SM2 private key does not match the public key stored with it")

    @classmethod
    def generate(cls) -> Sm2PrivateKey:
        private_d, public_xy = backend.generate_keypair()
        return cls(private_d, Sm2PublicKey(public_xy))

    @classmethod
    def from_der(cls, der: bytes, *, pkcs8: bool = True) -> Sm2PrivateKey:
        """From unencrypted PKCS#8 DER (or a bare SEC1 ``ECPrivateKey`` with ``pkcs8=False``)."""
        try:
            if pkcs8:
                private_d, point = _containers.decode_pkcs8(der)
            else:
                private_d, point = _containers.decode_sec1(der, curve_known=False)
        except DerError as exc:
            raise Sm2KeyMalformed(f"SM2 private key: {exc}") from exc
        if point is None:
            # Deriving d·G would need curve arithmetic the backend does not expose.
            raise Sm2KeyMalformed(
                "SM2 private key carries no public key; re-export it with `openssl pkey`"
            )
        return cls(private_d, Sm2PublicKey.from_point(point))

    @classmethod
    def from_pem(cls, text: str | bytes) -> Sm2PrivateKey:
        """From ``PRIVATE KEY`` (PKCS#8, as ``openssl genpkey -algorithm SM2`` writes) or SEC1
        (``SM2 PRIVATE KEY`` from ``openssl ec``, or ``EC PRIVATE KEY``). Encrypted keys are refused."""
        labels = ("PRIVATE KEY", "SM2 PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY")
        label, der = _pem_body(text, labels)
        if label == "ENCRYPTED PRIVATE KEY":
            raise Sm2KeyMalformed("encrypted SM2 private keys are not supported")
        return cls.from_der(der, pkcs8=label == "PRIVATE KEY")

    def to_der(self) -> bytes:
        return _containers.encode_pkcs8(self._d, self._public.to_xy())

    def to_pem(self) -> str:
        """Unencrypted PKCS#8 PEM: guard it like any secret."""
        return _pem("PRIVATE KEY", self.to_der())

    def public_key(self) -> Sm2PublicKey:
        return self._public

    def sign(self, message: bytes, settings: Sm2Settings = DEFAULT_SETTINGS) -> bytes:
        """SM2-with-SM3 signature of ``message`` under the partner's user ID and encoding."""
        digest = signer_digest(settings.user_id, self._public.to_xy(), message)
        der = backend.sign_digest(self._d, digest)
        if settings.signature_encoding == "der":
            return der
        return encode_signature(*decode_signature(der, "der"), "raw")

    def __repr__(self) -> str:
        return f"Sm2PrivateKey(public={self._public!r})"


def verify(
    public_key: Sm2PublicKey,
    message: bytes,
    signature: bytes,
    settings: Sm2Settings = DEFAULT_SETTINGS,
) -> None:
    """Return if ``signature`` is ``public_key``'s SM2-with-SM3 signature of ``message``.

    Raises :class:`Sm2SignatureMalformed` when ``signature`` is not in the settings' encoding
    and :class:`Sm2SignatureInvalid` when it is but does not verify.
    """
    r, s = decode_signature(signature, settings.signature_encoding)
    digest = signer_digest(settings.user_id, public_key.to_xy(), message)
    if not backend.verify_digest(public_key.to_xy(), digest, encode_signature(r, s, "der")):
        raise Sm2SignatureInvalid("SM2 signature does not verify")
