"""C2SP signed notes, tlog checkpoints and tlog cosignatures — the text Go's ``sumdb/note`` reads.

    note        = text (UTF-8, newline-terminated lines) || "\\n" || signature lines
    signature   = "— " name " " base64(key ID (4 bytes) || signature) "\\n"
    key ID      = SHA-256(name || "\\n" || alg || public key)[:4]
                  alg 0x01: Ed25519 over the text (c2sp.org/signed-note)
                  alg 0x04: timestamped Ed25519 cosignature (c2sp.org/tlog-cosignature): the
                  signature is u64 big-endian time || Ed25519 over
                  "cosignature/v1\\ntime <t>\\n" || text
    checkpoint  = origin "\\n" size "\\n" base64(root) "\\n" [extension lines] (c2sp.org/tlog-checkpoint)
    verifier key= name "+" hex(key ID) "+" base64(alg || public key)

Standard library and ``cryptography`` only, like ``merkle``. Signatures by keys a verifier does
not know are ignored, never an error (that is how a witness adds its line to a note).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gateway.evidence.canonical import MalformedEvidence

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
DASH = "\u2014"
MAX_SIGNATURES = 100  # Go's note package refuses more
_NAME = re.compile(r"[^\s+\u2014]+")  # no spaces, no '+' (signed-note §Key names)
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,18}")


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise MalformedEvidence(f"{what} is not base64") from None


def key_id(name: str, alg: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """A (name, Ed25519 key, algorithm) a reader trusts; ``vkey`` is its one-line form."""

    name: str
    key: Ed25519PublicKey
    alg: int = ALG_ED25519

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.alg, _raw(self.key))

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(bytes([self.alg]) + _raw(self.key)).decode()}"

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        parts = vkey.strip().split("+", 2)  # the base64 may contain "+"
        if len(parts) != 3 or not _NAME.fullmatch(parts[0]):
            raise MalformedEvidence("a verifier key is <name>+<hex key id>+<base64 key>")
        raw = _b64decode(parts[2], "the verifier key")
        if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
            raise MalformedEvidence("only Ed25519 (0x01) and cosignature/v1 (0x04) keys are supported")
        verifier = cls(parts[0], Ed25519PublicKey.from_public_bytes(raw[1:]), raw[0])
        if verifier.key_id.hex() != parts[1].lower():
            raise MalformedEvidence("the verifier key's id does not match its name and key")
        return verifier


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes  # for a cosignature: 8-byte timestamp || 64-byte signature

    def line(self) -> str:
        return f"{DASH} {self.name} {base64.b64encode(self.key_id + self.signature).decode()}\n"

    @property
    def timestamp(self) -> int | None:
        return int.from_bytes(self.signature[:8], "big") if len(self.signature) == 72 else None


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[NoteSignature, ...] = ()

    def format(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def with_signatures(self, *extra: NoteSignature) -> Note:
        known = set(self.signatures)
        return Note(self.text, self.signatures + tuple(s for s in extra if s not in known))

    @classmethod
    def parse(cls, message: str | bytes) -> Note:
        """Raises MalformedEvidence unless ``message`` is a well-formed signed note."""
        if isinstance(message, bytes):
            try:
                message = message.decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedEvidence("a note is UTF-8") from None
        if any(c < " " and c != "\n" for c in message) or "\x7f" in message:
            raise MalformedEvidence("a note has no control characters but newlines")
        split = message.rfind("\n\n")
        if split < 0 or not message.endswith("\n"):
            raise MalformedEvidence("a note is text, a blank line, then signature lines")
        text, lines = message[:split + 1], message[split + 2:].splitlines()
        if not lines or len(lines) > MAX_SIGNATURES:
            raise MalformedEvidence(f"a note has 1 to {MAX_SIGNATURES} signature lines")
        return cls(text, tuple(parse_signature_line(line) for line in lines))


def parse_signature_line(line: str) -> NoteSignature:
    parts = line.rstrip("\n").split(" ")
    if len(parts) != 3 or parts[0] != DASH or not _NAME.fullmatch(parts[1]):
        raise MalformedEvidence(f"not a note signature line: {line[:80]!r}")
    raw = _b64decode(parts[2], "a note signature")
    if len(raw) < 5:
        raise MalformedEvidence("a note signature is a key id and a signature")
    return NoteSignature(parts[1], raw[:4], raw[4:])


def sign(text: str, name: str, key: Ed25519PrivateKey) -> NoteSignature:
    """The signer's Ed25519 note signature over ``text``."""
    _check_text(text)
    return NoteSignature(name, key_id(name, ALG_ED25519, _raw(key.public_key())), key.sign(text.encode()))


def cosign(text: str, name: str, key: Ed25519PrivateKey, timestamp: int) -> NoteSignature:
    """A witness's cosignature/v1 over checkpoint ``text`` at ``timestamp`` (POSIX seconds)."""
    _check_text(text)
    if not 0 <= timestamp < 2**63:
        raise MalformedEvidence("a cosignature timestamp is 0 .. 2^63-1")
    signed = _cosigned_message(text, timestamp)
    return NoteSignature(name, key_id(name, ALG_COSIGNATURE_V1, _raw(key.public_key())),
                         timestamp.to_bytes(8, "big") + key.sign(signed))


def _cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()


def signature_holds(text: str, signature: NoteSignature, verifier: Verifier) -> bool:
    if signature.name != verifier.name or signature.key_id != verifier.key_id:
        return False
    try:
        if verifier.alg == ALG_ED25519:
            verifier.key.verify(signature.signature, text.encode())
        else:
            if signature.timestamp is None:
                return False
            verifier.key.verify(signature.signature[8:], _cosigned_message(text, signature.timestamp))
    except InvalidSignature:
        return False
    return True


def verified_by(note: Note, verifiers: list[Verifier]) -> list[tuple[NoteSignature, Verifier]]:
    """The note's signatures that hold under one of ``verifiers`` (unknown ones are skipped)."""
    found = []
    for signature in note.signatures:
        for verifier in verifiers:
            if signature_holds(note.text, signature, verifier):
                found.append((signature, verifier))
                break
    return found


def _check_text(text: str) -> None:
    if not text.endswith("\n") or "\n\n" in text or any(c < " " and c != "\n" for c in text):
        raise MalformedEvidence("note text is non-empty newline-terminated lines without controls")


@dataclass(frozen=True)
class Checkpoint:
    """A tree head as c2sp.org/tlog-checkpoint: origin, size, root (and extension lines)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode(), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
            raise MalformedEvidence("a checkpoint is origin, size and root hash lines")
        origin, size, root = lines[0], lines[1], lines[2]
        if not _DECIMAL.fullmatch(size) or int(size) >= 2**63:
            raise MalformedEvidence("a checkpoint's size is a decimal without leading zeros")
        digest = _b64decode(root, "the checkpoint root hash")
        if len(digest) != 32:
            raise MalformedEvidence("a checkpoint's root hash is 32 bytes")
        return cls(origin, int(size), digest, tuple(lines[3:-1]))


def gateway_verifiers(origin: str, keys) -> list[Verifier]:
    """Note verifiers for every Ed25519 key of the gateway's JWKS (``GatewayKeys``): a rotated
    key signs under the same name (the origin) with its own key ID."""
    return [Verifier(origin, key) for key in keys.by_kid.values() if isinstance(key, Ed25519PublicKey)]
