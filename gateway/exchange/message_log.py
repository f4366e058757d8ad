"""The evidence log in the database: append under the head lock, checkpoint, prove, verify.

The format (hashing, checkpoints, bundles) is ``gateway.evidence``'s; this module only decides
when things happen. Appends take the single ``log_head`` row ``FOR UPDATE`` (PostgreSQL) or run
inside SQLite's ``BEGIN IMMEDIATE``, so the chain stays linear with any number of writers.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import NotFound
from ..evidence import chain
from ..evidence.bundle import build_bundle
from ..evidence.canonical import format_timestamp
from ..evidence.checkpoint import Checkpoint, checkpoint_due, sign_checkpoint
from ..evidence.keys import GatewayKeys
from ..evidence.verify import LogReport, verify_log
from ..observability import metrics
from ..observability.spans import NO_TRACING, Tracer

# () -> (kid, Ed25519PrivateKey): the gateway's current signing key.
CheckpointKey = Callable[[], tuple]


class MessageLog:
    def __init__(self, uow_factory, clock, checkpoint_key: CheckpointKey, interval: int, *,
                 tracer: Tracer = NO_TRACING) -> None:
        self._uow = uow_factory
        self._tracer = tracer
        self._clock = clock
        self._checkpoint_key = checkpoint_key
        self.interval = interval

    def append(self, uow, record: chain.MessageRecord) -> chain.LogEntry:
        """Append ``record`` inside ``uow``'s transaction; sign a checkpoint when one is due."""
        with self._tracer.span("govgate.evidence", {"govgate.message_id": record.message_id,
                                                    "govgate.evidence.direction": record.direction}) as span:
            head, last_checkpoint = uow.message_log.lock_head()
            entry = chain.append(head, record)
            uow.message_log.append(entry, chain.record_digest(entry.seq, entry.record))
            span.set_attribute("govgate.evidence.seq", entry.seq)
            if checkpoint_due(entry.seq, last_checkpoint, self.interval):
                self._sign(uow, chain.ChainHead(entry.seq, entry.entry_hash))
                span.set_attribute("govgate.evidence.checkpoint", True)
        metrics.evidence_appended(record.direction)
        return entry

    def checkpoint(self) -> Checkpoint | None:
        """Sign the current head now, unless it is already signed."""
        with self._uow() as uow:
            head, last_checkpoint = uow.message_log.lock_head()
            if head.seq == 0 or head.seq == last_checkpoint:
                return None
            return self._sign(uow, head)

    def _sign(self, uow, head: chain.ChainHead) -> Checkpoint:
        kid, key = self._checkpoint_key()
        checkpoint = sign_checkpoint(head, format_timestamp(self._clock()), key, kid)
        uow.message_log.add_checkpoint(checkpoint)
        return checkpoint

    def bundle(self, message_id: str, sender_jwk_for: Callable) -> dict:
        """The evidence bundle of a message's inbound entry, with a proof to a signed checkpoint."""
        with self._uow(readonly=True) as uow:
            entries = uow.message_log.by_message_id(message_id)
        if not entries:
            raise NotFound(f"no message {message_id} in the evidence log", reason="message_not_found")
        entry = entries[0]
        with self._uow(readonly=True) as uow:
            checkpoint = uow.message_log.checkpoint_covering(entry.seq)
        if checkpoint is None:  # the entry is newer than the last checkpoint: seal it now
            self.checkpoint()
        with self._uow(readonly=True) as uow:
            checkpoint = uow.message_log.checkpoint_covering(entry.seq)
            digests = uow.message_log.record_digests(entry.seq, checkpoint.seq)
            sender_jwk = sender_jwk_for(uow, entry.record.key_fingerprint)
        return build_bundle(entry, digests, checkpoint, sender_jwk)

    def verify(self, keys: GatewayKeys) -> LogReport:
        with self._uow(readonly=True) as uow:
            return verify_log(uow.message_log.entries(), uow.message_log.checkpoints(), keys)
