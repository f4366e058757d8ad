"""Stream through the stored log and its checkpoints, and report the first place they break.

Memory is O(1): one entry, the current head and the next checkpoint. Entries must arrive in
ascending ``seq`` order and checkpoints likewise (the storage layer orders by ``seq``); anything
else is itself a finding. Verification stops at the first failure because nothing after a break
can be trusted to mean what it says.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from gateway.evidence.canonical import MalformedEvidence
from gateway.evidence.chain import GENESIS, ChainHead, LogEntry, compute_entry_hash, entry_problems
from gateway.evidence.checkpoint import Checkpoint, checkpoint_problems, checkpoint_signature_problem
from gateway.evidence.digests import content_digest_matches
from gateway.evidence.keys import GatewayKeys

# Finding codes, in the order the checks run on each entry / checkpoint.
ENTRY_FINDINGS = ("sequence_gap", "sequence_out_of_order", "malformed_entry", "prev_hash_mismatch",
                  "content_digest_mismatch", "hash_mismatch")
CHECKPOINT_FINDINGS = ("checkpoint_malformed", "checkpoint_out_of_order", "checkpoint_unknown_key",
                       "checkpoint_signature_invalid", "checkpoint_head_mismatch", "checkpoint_beyond_log")


@dataclass(frozen=True)
class Finding:
    code: str  # one of ENTRY_FINDINGS or CHECKPOINT_FINDINGS
    seq: int | None  # the first bad seq: the entry's, the missing one's, or the checkpoint's
    detail: str


@dataclass(frozen=True)
class LogReport:
    entries_checked: int
    checkpoints_checked: int
    head: ChainHead  # the last entry that verified (``start`` if none did)
    last_checkpoint_seq: int | None  # the last checkpoint whose signature and head verified
    failure: Finding | None

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def unsealed_entries(self) -> int:
        """Verified entries after the last good checkpoint: chained, but not yet signed for."""
        if self.last_checkpoint_seq is None:
            return self.entries_checked
        return self.head.seq - self.last_checkpoint_seq


def verify_log(
    entries: Iterable[LogEntry],
    checkpoints: Iterable[Checkpoint],
    keys: GatewayKeys,
    *,
    start: ChainHead = GENESIS,
) -> LogReport:
    """Check ``entries`` (from ``start.seq + 1``) and every checkpoint after ``start``; never raises
    for bad data — corruption of any kind becomes the report's ``failure``."""
    pending = _after(iter(checkpoints), start.seq)
    checkpoint = next(pending, None)
    head, entries_checked, checkpoints_checked, last_good = start, 0, 0, None

    def report(failure: Finding | None) -> LogReport:
        return LogReport(entries_checked, checkpoints_checked, head, last_good, failure)

    for entry in entries:
        failure = _entry_failure(entry, head)
        if failure:
            return report(failure)
        head = ChainHead(entry.seq, entry.entry_hash)
        entries_checked += 1
        while checkpoint is not None and _seq_or_zero(checkpoint) <= head.seq:
            failure = _checkpoint_failure(checkpoint, head, keys)
            if failure:
                return report(failure)
            checkpoints_checked, last_good = checkpoints_checked + 1, checkpoint.seq
            checkpoint = next(pending, None)
    if checkpoint is not None:
        return report(_beyond_log(checkpoint, head, keys))
    return report(None)


def _beyond_log(checkpoint: Checkpoint, head: ChainHead, keys: GatewayKeys) -> Finding:
    """A checkpoint past the last entry: a truncated log, unless the checkpoint itself is bad."""
    problems = checkpoint_problems(checkpoint)
    if problems:
        return Finding("checkpoint_malformed", _seq_or_none(checkpoint), "; ".join(problems))
    problem = checkpoint_signature_problem(checkpoint, keys)
    if problem:
        return Finding(problem[0], checkpoint.seq, problem[1])
    return Finding("checkpoint_beyond_log", checkpoint.seq,
                   f"a checkpoint signs seq {checkpoint.seq} but the log ends at seq {head.seq}: entries were removed")


def _after(checkpoints: Iterator[Checkpoint], seq: int) -> Iterator[Checkpoint]:
    for checkpoint in checkpoints:
        if type(checkpoint.seq) is not int or checkpoint.seq > seq:
            yield checkpoint


def _seq_or_none(checkpoint: Checkpoint) -> int | None:
    return checkpoint.seq if type(checkpoint.seq) is int else None


def _seq_or_zero(checkpoint: Checkpoint) -> int:
    return checkpoint.seq if type(checkpoint.seq) is int else 0


def _entry_failure(entry: LogEntry, head: ChainHead) -> Finding | None:
    expected = head.seq + 1
    if type(entry.seq) is int and entry.seq > expected:
        return Finding("sequence_gap", expected,
                       f"expected seq {expected}, found {entry.seq}: entries are missing or out of order")
    if type(entry.seq) is int and entry.seq < expected:
        return Finding("sequence_out_of_order", expected,
                       f"expected seq {expected}, found {entry.seq} again: an entry is duplicated or moved")
    problems = entry_problems(entry)
    if problems:
        return Finding("malformed_entry", expected, "; ".join(problems))
    if entry.prev_hash != head.hash:
        return Finding("prev_hash_mismatch", expected, f"prev_hash does not equal the hash of entry {head.seq}")
    digest = entry.record.content_digest
    if digest is not None and not content_digest_matches(digest, entry.record.body):
        return Finding("content_digest_mismatch", expected, "the stored body does not match its Content-Digest")
    try:
        recomputed = compute_entry_hash(entry)
    except MalformedEvidence as exc:
        return Finding("malformed_entry", expected, exc.detail)
    if recomputed != entry.entry_hash:
        return Finding("hash_mismatch", expected, "the stored entry does not hash to its entry_hash")
    return None


def _checkpoint_failure(checkpoint: Checkpoint, head: ChainHead, keys: GatewayKeys) -> Finding | None:
    problems = checkpoint_problems(checkpoint)
    if problems:
        return Finding("checkpoint_malformed", _seq_or_none(checkpoint), "; ".join(problems))
    if checkpoint.seq < head.seq:
        return Finding("checkpoint_out_of_order", checkpoint.seq,
                       f"checkpoint for seq {checkpoint.seq} arrived after seq {head.seq}")
    problem = checkpoint_signature_problem(checkpoint, keys)
    if problem:
        return Finding(problem[0], checkpoint.seq, problem[1])
    if checkpoint.head_hash != head.hash:
        return Finding("checkpoint_head_mismatch", checkpoint.seq,
                       f"entries up to seq {checkpoint.seq} do not hash to the signed head: the log was rewritten")
    return None
