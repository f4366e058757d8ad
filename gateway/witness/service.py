"""add-checkpoint of C2SP tlog-witness, as a function of the request body.

    request  = "old " size "\n" *(base64 hash "\n") "\n" checkpoint (a signed note)
    200      one cosignature/v1 line                          text/plain; charset=utf-8
    400      malformed, or old size larger than the checkpoint's
    403      no signature by a trusted key of the log          404  unknown origin
    409      old size is not the size last cosigned (body: that size, text/x.tlog.size), or the
             same size with another root (a split view)
    422      the consistency proof does not verify (a split view, or a broken log)
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.evidence.canonical import MalformedEvidence
from gateway.evidence.merkle import verify_consistency
from gateway.evidence.note import (
    ALG_COSIGNATURE_V1,
    Checkpoint,
    Note,
    Verifier,
    cosign,
    signature_holds,
)
from gateway.witness.state import Cosigned, WitnessState

MAX_PROOF_LINES = 63
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


class Refused(Exception):
    def __init__(self, status: int, reason: str, body: str | None = None, content_type: str | None = None):
        super().__init__(reason)
        self.answer = Answer(status, body if body is not None else reason + "\n",
                             content_type or "text/plain; charset=utf-8")


class Witness:
    def __init__(self, name: str, key: Ed25519PrivateKey, logs: dict[str, list[Verifier]], state: WitnessState,
                 clock: Callable[[], float] = time.time) -> None:
        self.name, self.key, self.logs, self.state, self.clock = name, key, logs, state, clock

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.key.public_key(), ALG_COSIGNATURE_V1)

    def add_checkpoint(self, body: bytes) -> Answer:
        now = int(self.clock())
        origin = "?"
        try:
            old, proof, note, checkpoint = _parse(body)
            origin = checkpoint.origin
            trusted = self.logs.get(origin)
            if trusted is None:
                raise Refused(404, f"unknown log origin {origin!r}")
            if not any(signature_holds(note.text, s, v) for s in note.signatures for v in trusted):
                raise Refused(403, "no signature on the checkpoint verifies under the log's keys")
            if old > checkpoint.size:
                raise Refused(400, f"old size {old} is larger than the checkpoint's size {checkpoint.size}")
            cosignature = cosign(note.text, self.name, self.key, now)

            def decide(state: Cosigned):
                if old != state.size:
                    raise Refused(409, "old size mismatch", f"{state.size}\n", "text/x.tlog.size")
                if old == checkpoint.size and old and state.root != checkpoint.root:
                    raise Refused(409, f"split view: another root for size {old} than the one cosigned")
                if old and old < checkpoint.size and not verify_consistency(
                        old, checkpoint.size, state.root, checkpoint.root, proof):
                    raise Refused(422, f"split view or broken log: size {checkpoint.size} is not "
                                       f"consistent with the cosigned size {old}")
                if old == 0 and proof:
                    raise Refused(422, "a proof from size 0 must be empty")
                return checkpoint.size, checkpoint.root, note.text

            self.state.advance(origin, decide, now)
            return Answer(200, cosignature.line())
        except Refused as refused:
            if refused.answer.status in (409, 422) and refused.answer.content_type != "text/x.tlog.size":
                self.state.refuse(origin, refused.answer.status, str(refused),
                                  body.decode("utf-8", "replace"), now)
            return refused.answer
        except MalformedEvidence as exc:
            return Answer(400, f"malformed request: {exc.detail}\n")


def _parse(body: bytes) -> tuple[int, list[bytes], Note, Checkpoint]:
    if len(body) > MAX_BODY:
        raise MalformedEvidence("the request is too large")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedEvidence("the request is not UTF-8") from None
    head, sep, rest = text.partition("\n\n")
    if not sep:
        raise MalformedEvidence("an old size line, proof lines and a blank line come first")
    lines = head.split("\n")
    if not lines[0].startswith("old ") or not lines[0][4:].isdigit() or (
            lines[0][4:] != "0" and lines[0][4:].startswith("0")):
        raise MalformedEvidence("the first line is 'old <size>'")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise MalformedEvidence(f"at most {MAX_PROOF_LINES} proof lines")
    try:
        proof = [base64.b64decode(line, validate=True) for line in lines[1:]]
    except (binascii.Error, ValueError):
        raise MalformedEvidence("a proof line is not base64") from None
    if any(len(h) != 32 for h in proof):
        raise MalformedEvidence("a proof hash is 32 bytes")
    note = Note.parse(rest)
    return int(lines[0][4:]), proof, note, Checkpoint.from_text(note.text)


def request_body(old: int, proof: list[bytes], signed_note: str) -> bytes:
    """The add-checkpoint body a log sends."""
    lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + signed_note).encode()
