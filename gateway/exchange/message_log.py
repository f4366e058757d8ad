"""The evidence log in the database: append without a lock, integrate in batches, prove, verify.

    append(uow, record)   the ONE call the exchange (and the delivery worker) makes, inside its own
                          write transaction: inserts the entry with its leaf hash and no index.
                          Nothing on the request path waits for another request's entry.
    integrate_once()      the integrator's step, in one transaction: take the integrator lock
                          (PostgreSQL advisory lock; SQLite's write transaction), give up to
                          ``batch_max`` pending entries the next leaf indices, store the subtrees
                          they complete, check the new tree extends the last signed one (a
                          consistency proof from the stored nodes), sign and store a checkpoint.
                          A crash anywhere rolls all of it back: nothing is lost or placed twice.

The format (leaves, proofs, notes, bundles) is ``gateway.evidence``'s; this module decides when.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import NotFound, StorageUnavailable
from ..evidence import merkle
from ..evidence.canonical import MalformedEvidence, b64
from ..evidence.chain import Direction, MessageRecord
from ..evidence.keys import GatewayKeys
from ..evidence.leaf import StoredEntry, checked_leaf_hash, record_leaf_hash
from ..evidence.note import Checkpoint, Note, gateway_verifiers, sign
from ..evidence.tree_bundle import build_tree_bundle
from ..evidence.tree_verify import SignedCheckpointRow, TreeFinding, TreeReport, verify_tree
from ..observability import metrics
from ..observability.spans import NO_TRACING, Tracer

_log = logging.getLogger(__name__)

# () -> (kid, Ed25519PrivateKey): the gateway's current signing key.
SigningKey = Callable[[], tuple]


class LogInconsistent(RuntimeError):
    """The stored tree does not extend the last signed checkpoint: the integrator refuses to sign."""


@dataclass(frozen=True)
class Appended:
    entry_id: int
    leaf_hash: bytes


@dataclass(frozen=True)
class Integrated:
    size: int
    root: bytes
    note: str
    placed: int  # entries placed by this batch


class MessageLog:
    def __init__(self, uow_factory, clock, signing_key: SigningKey, origin: str, batch_max: int, *,
                 tracer: Tracer = NO_TRACING) -> None:
        self._uow = uow_factory
        self._tracer = tracer
        self._clock = clock
        self._signing_key = signing_key
        self.origin = origin  # used until the first checkpoint fixes the database's origin
        self.batch_max = batch_max
        self.quorum = 0  # witnesses whose cosignature makes a checkpoint published
        self._integrated = threading.Condition()  # notified after each batch this process commits

    # --- the request path ----------------------------------------------------------------------
    def append(self, uow, record: MessageRecord, leaf: bytes | None = None) -> Appended:
        """Insert ``record`` in ``uow``'s transaction; raises MalformedEvidence for a bad record.
        ``leaf``: its ``checked_leaf_hash``, when the caller computed it already."""
        with self._tracer.span("govgate.evidence", {"govgate.message_id": record.message_id,
                                                    "govgate.evidence.direction": record.direction}) as span:
            leaf = leaf or checked_leaf_hash(record)
            entry_id = uow.message_log.add(record, leaf)
            span.set_attribute("govgate.evidence.entry_id", entry_id)
        metrics.evidence_appended(record.direction)
        return Appended(entry_id, leaf)

    # --- the integrator --------------------------------------------------------------------------
    def integrate_once(self) -> Integrated | None:
        """One batch; None when there is nothing pending or another integrator holds the lock."""
        with self._uow() as uow:
            log = uow.message_log
            if not log.try_lock_integrator():
                return None
            pending = log.pending(self.batch_max)
            if not pending:
                return None
            state = log.tree()
            edge = log.nodes(merkle.tree_nodes(state.size))
            tree = merkle.CompactRange(state.size, [edge[n] for n in merkle.tree_nodes(state.size)])
            added: list[tuple[int, int, bytes]] = []
            for _, leaf in pending:
                added += tree.append(leaf)
            log.assign([(entry_id, state.size + i) for i, (entry_id, _) in enumerate(pending)])
            log.add_nodes(added)
            root = tree.root()
            self._check_extends(log, state.size, state.root, tree.size, root, added)
            origin = state.origin or self.origin
            _, key = self._signing_key()
            text = Checkpoint(origin, tree.size, root).text()
            signed = Note(text, (sign(text, origin, key),)).format()
            log.add_checkpoint(tree.size, root, signed, self._clock())
            log.set_tree(type(state)(origin, tree.size, root))
        with self._integrated:
            self._integrated.notify_all()
        metrics.evidence_integrated(len(pending))
        return Integrated(tree.size, root, signed, len(pending))

    @staticmethod
    def _check_extends(log, old: int, old_root: bytes, new: int, new_root: bytes, added) -> None:
        """Never sign a checkpoint inconsistent with the last: prove it from the stored nodes."""
        if old == 0:
            return
        ranges = merkle.consistency_ranges(old, new)
        fresh = {(level, index): h for level, index, h in added}
        stored = log.nodes(merkle.nodes_needed(ranges) - set(fresh))
        proof = merkle.prove(ranges, {**stored, **fresh}.__getitem__)
        if not merkle.verify_consistency(old, new, old_root, new_root, proof):
            raise LogInconsistent(f"the tree of size {new} does not extend the signed tree of size {old}")

    def run(self, stop: threading.Event, interval: float) -> None:
        """Integrate until ``stop`` is set: a full batch goes on at once, else wait ``interval``."""
        while not stop.is_set():
            try:
                done = self.integrate_once()
            except StorageUnavailable as error:  # a full disk, a database away: said, not a trace
                _log.warning("evidence log integration paused: %s; retrying", error)
                done = None
            except Exception:  # keep integrating after anything else; logged with its trace
                _log.exception("evidence log integration failed; retrying")
                done = None
            if done is None or done.placed < self.batch_max:
                stop.wait(interval)

    def wait_for_index(self, entry_id: int, timeout: float) -> int | None:
        """The entry's leaf index once integrated (by any integrator), or None after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            with self._uow(readonly=True) as uow:
                index = uow.message_log.leaf_index(entry_id)
            left = deadline - time.monotonic()
            if index is not None or left <= 0:
                return index
            with self._integrated:  # woken by a local integrator; polls for a remote one
                self._integrated.wait(min(left, 0.02))

    # --- reading and proving ---------------------------------------------------------------------
    def latest(self, uow) -> tuple | None:
        """(stored checkpoint, cosignature lines) of the newest checkpoint, or None."""
        checkpoint = uow.message_log.latest_checkpoint()
        return None if checkpoint is None else (checkpoint, uow.message_log.cosignatures(checkpoint.size))

    @staticmethod
    def inclusion_proof(uow, index: int, size: int) -> list[bytes]:
        ranges = merkle.inclusion_ranges(index, size)
        nodes = uow.message_log.nodes(merkle.nodes_needed(ranges))
        return merkle.prove(ranges, nodes.__getitem__)

    @staticmethod
    def consistency_proof(uow, old: int, new: int) -> list[bytes]:
        ranges = merkle.consistency_ranges(old, new)
        nodes = uow.message_log.nodes(merkle.nodes_needed(ranges))
        return merkle.prove(ranges, nodes.__getitem__)

    def inclusion(self, uow, entry: StoredEntry) -> dict | None:
        """Index, proof and checkpoint for an integrated entry: the newest checkpoint the witness
        quorum has cosigned when it covers the entry, else the newest signed one."""
        latest = self.latest(uow)
        if entry.index is None or latest is None or latest[0].size <= entry.index:
            return None
        if self.quorum:
            published = uow.message_log.latest_cosigned(self.quorum)
            if published is not None and published.size > entry.index:
                latest = published, uow.message_log.cosignatures(published.size)
        checkpoint, cosignatures = latest
        proof = self.inclusion_proof(uow, entry.index, checkpoint.size)
        return {"leaf_index": entry.index, "tree_size": checkpoint.size, "proof": proof,
                "checkpoint": with_cosignatures(checkpoint.note, cosignatures.values())}

    def evidence(self, message_id: str, sender_jwk_for: Callable, *, integrate: bool = True) -> dict:
        """The bundle of a message's first entry, or ``{"status": "pending", ...}`` before it is
        integrated, and under ``receipts`` the same for each of its deliveries' receipt entries
        (after one integration attempt here when something is pending, unless ``integrate`` is off)."""
        for attempt in (0, 1):
            with self._uow(readonly=True) as uow:
                entries = uow.message_log.by_message_id(message_id)
                if not entries:
                    raise NotFound(f"no message {message_id} in the evidence log", reason="message_not_found")
                answer = self._entry_evidence(uow, entries[0], sender_jwk_for(uow, entries[0].record.key_fingerprint))
                receipts = [{**receipt_summary(e.record), **self._entry_evidence(uow, e, {})}
                            for e in entries if e.record.direction == Direction.RECEIPT.value]
            pending = [a for a in (answer, *receipts) if a["status"] == "pending"]
            if not pending or attempt == 1 or not integrate:
                return {**answer, "message_id": message_id, "receipts": receipts}
            self.integrate_once()
        raise AssertionError("unreachable")

    def _entry_evidence(self, uow, entry: StoredEntry, sender_jwk: dict) -> dict:
        proven = self.inclusion(uow, entry)
        if proven is None:
            return {"status": "pending", "leaf_hash": b64(entry.leaf_hash)}
        bundle = build_tree_bundle(entry, proven["tree_size"], proven["proof"], proven["checkpoint"], sender_jwk)
        return {"status": "integrated", "bundle": bundle}

    def verify(self, keys: GatewayKeys) -> TreeReport:
        with self._uow(readonly=True) as uow:
            log = uow.message_log
            state = log.tree()
            origin = state.origin or self.origin
            rows = (SignedCheckpointRow(c.size, c.root, c.note) for c in log.signed_checkpoints())
            v1 = (record_leaf_hash(e.record) for e in log.v1_entries())
            report = verify_tree(log.entries(), rows, gateway_verifiers(origin, keys), origin=state.origin,
                                 level=log.level, v1_leaves=v1)
            if report.ok and report.size != state.size:
                finding = TreeFinding("tree_size_mismatch", report.size,
                                      f"the log has {report.size} leaves but its tree row records {state.size}: "
                                      "integrated entries were removed")
                return type(report)(report.entries_checked, report.checkpoints_checked, report.nodes_checked,
                                    report.size, report.root, report.last_checkpoint_size, finding)
            return report


def receipt_summary(record: MessageRecord) -> dict:
    """Recipient, delivery and attempt of a receipt entry, read from its statement."""
    try:
        statement = json.loads(record.body)
        return {"recipient_id": record.partner_id, "delivery_id": int(statement["delivery_id"]),
                "attempt": int(statement["attempt"])}
    except (ValueError, KeyError, TypeError):  # not a statement this gateway wrote
        return {"recipient_id": record.partner_id, "delivery_id": None, "attempt": None}


def with_cosignatures(signed_note: str, lines) -> str:
    """The gateway's signed note with the witnesses' cosignature lines appended."""
    extra = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    return signed_note + extra


__all__ = ["Appended", "Integrated", "LogInconsistent", "MalformedEvidence", "MessageLog", "with_cosignatures"]
