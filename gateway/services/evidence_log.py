"""The evidence log as people look at it: its size, the latest signed checkpoint with the
witnesses' cosignatures, and a full verification on demand.

A read-side seam. The console (and any other reader) asks this module, never the log's
tables, so a new log format — a Merkle tree with witnessed checkpoints — changes what is
behind these few methods, not the pages. Witnesses come from a ``WitnessSource``; until one is
configured a checkpoint carries the gateway's signature alone (``NoWitnesses``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..evidence import Checkpoint, Finding, GatewayKeys, LogReport
from ..evidence.canonical import b64


@dataclass(frozen=True)
class Cosignature:
    witness: str  # the witness's name (its note key name, for C2SP tlog-witness)
    keyid: str
    signed_at: str  # RFC 3339
    signature: str  # base64


@dataclass(frozen=True)
class CheckpointView:
    size: int  # entries covered (the seq signed)
    head_hash: str  # base64
    issued_at: str
    keyid: str
    signature: str  # base64
    cosignatures: tuple[Cosignature, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Verification:
    intact: bool
    entries_checked: int
    checkpoints_checked: int
    head_seq: int
    head_hash: str
    last_checkpoint_seq: int | None
    unsealed_entries: int
    failure: Finding | None


class WitnessSource(Protocol):
    def cosignatures(self, checkpoint: Checkpoint) -> list[Cosignature]: ...


class NoWitnesses:
    def cosignatures(self, checkpoint: Checkpoint) -> list[Cosignature]:
        return []


class EvidenceLogView:
    def __init__(self, message_log, keystore, witnesses: WitnessSource | None = None) -> None:
        self._log = message_log
        self._keystore = keystore
        self._witnesses = witnesses or NoWitnesses()

    def size(self, uow) -> int:
        return uow.message_log.count()

    def latest_checkpoint(self, uow) -> CheckpointView | None:
        checkpoint = uow.message_log.latest_checkpoint()
        if checkpoint is None:
            return None
        return CheckpointView(checkpoint.seq, b64(checkpoint.head_hash), checkpoint.issued_at,
                              checkpoint.keyid, b64(checkpoint.signature),
                              tuple(self._witnesses.cosignatures(checkpoint)))

    def verify_now(self, recorded_head: int) -> Verification:
        """Recompute the whole log against the gateway's JWKS. ``recorded_head``: the head row's
        seq, read (and audited) before, so that removed unsealed entries are noticed."""
        report = self._log.verify(GatewayKeys.from_jwks(self._keystore.jwks()))
        failure = report.failure or truncation(report, recorded_head)
        return Verification(failure is None, report.entries_checked, report.checkpoints_checked,
                            report.head.seq, b64(report.head.hash), report.last_checkpoint_seq,
                            report.unsealed_entries, failure)


def truncation(report: LogReport, recorded_head: int) -> Finding | None:
    """Entries removed after the last checkpoint leave a valid but shorter chain; the head row
    still counts them (the same check as ``govgate log verify``)."""
    if report.ok and report.head.seq < recorded_head:
        return Finding("log_head_mismatch", report.head.seq + 1,
                       f"the log ends at seq {report.head.seq} but its head row records seq "
                       f"{recorded_head}: unsealed entries were removed")
    return None
