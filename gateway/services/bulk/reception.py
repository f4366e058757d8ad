"""Receiving a batch in bounded memory.

The body arrives in chunks; ``feed`` splits it into lines and writes them a thousand at a time
(one short transaction each), while ``StreamingDigest`` hashes every byte. Nothing is applied
while the batch is ``receiving``: the worker only takes ``received`` batches. If the stream
breaks, a limit is crossed or the digest does not match, the batch is refused whole — its
lines are removed — and a retry with the same Idempotency-Key starts afresh.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from ...errors import Conflict, InvalidInput
from ...signatures.digest import StreamingDigest
from ...storage.batch_repositories import RECEIVED, RECEIVING, REFUSED, Batch

WRITE_EVERY = 1000  # lines per write transaction
STALE_RECEPTION = dt.timedelta(minutes=15)  # a reception this quiet was abandoned by its process


@dataclass(frozen=True)
class BulkLimits:
    max_lines: int = 100_000
    max_line_bytes: int = 64 * 1024
    max_bytes: int = 256 * 1024 * 1024


class BatchRefused(InvalidInput):
    """The batch cannot be taken; nothing of it was applied and its lines are removed."""


def begin(uow_factory, partner_id: str, kind: str, key: str, params: dict, digest: StreamingDigest,
          now: dt.datetime) -> tuple[Batch, bool]:
    """(batch, fresh): a new batch to receive, or the earlier one this key already delivered."""
    try:
        return _begin(uow_factory, partner_id, kind, key, params, digest, now)
    except IntegrityError:  # the same key arrived twice at once: the other one is being received
        raise Conflict(f"a batch with Idempotency-Key {key!r} is being received", reason="batch_in_progress") \
            from None


def _begin(uow_factory, partner_id, kind, key, params, digest, now) -> tuple[Batch, bool]:
    with uow_factory() as uow:
        earlier = uow.batches.by_key(partner_id, key)
        if earlier is not None:
            stale = earlier.state == RECEIVING and now - earlier.created_at > STALE_RECEPTION
            if earlier.state == REFUSED or stale:
                uow.batches.remove(earlier.id)  # a broken upload: this retry starts afresh
            elif earlier.content_digest != digest.value or earlier.kind != kind or earlier.params != params:
                raise Conflict(f"Idempotency-Key {key!r} was used for another batch ({earlier.id})",
                               reason="idempotency_key_reused")
            elif earlier.state == RECEIVING:
                raise Conflict(f"batch {earlier.id} with this Idempotency-Key is still being received",
                               reason="batch_in_progress")
            else:
                return earlier, False
        batch = Batch(str(uuid.uuid4()), partner_id, kind, key, params, digest.value, RECEIVING,
                      0, 0, 0, now)
        uow.batches.add(batch)
        return batch, True


class BatchReception:
    def __init__(self, uow_factory, batch: Batch, digest: StreamingDigest, limits: BulkLimits) -> None:
        self._uow, self.batch, self.digest, self.limits = uow_factory, batch, digest, limits
        self._partial = b""
        self._pending: list[tuple[int, str]] = []
        self._line_no = 0  # physical line number (blank lines count, and are skipped)
        self.lines = 0

    def feed(self, chunk: bytes) -> None:
        self.digest.update(chunk)
        if self.digest.length > self.limits.max_bytes:
            raise BatchRefused(f"batches are limited to {self.limits.max_bytes} bytes",
                               reason="batch_too_large", status=413)
        data = self._partial + chunk
        *complete, self._partial = data.split(b"\n")
        if len(self._partial) > self.limits.max_line_bytes:
            self._too_long(self._line_no + len(complete) + 1)
        for raw in complete:
            self._line(raw)
        if len(self._pending) >= WRITE_EVERY:
            self._write()

    def end(self) -> None:
        """The body is complete: the last line, the digest, then the lines still buffered."""
        if self._partial:
            self._line(self._partial)
            self._partial = b""
        self.digest.check()  # SignatureRejected(content_digest_mismatch): refused whole
        if self.lines == 0:
            raise BatchRefused("the batch holds no lines", reason="batch_empty")
        self._write()

    def accept(self, uow, now: dt.datetime) -> None:
        """Mark the batch received (in the caller's evidence transaction): the worker may start."""
        uow.batches.update(self.batch.id, state=RECEIVED, received_at=now, lines_total=self.lines,
                           bytes=self.digest.length)

    def refuse(self, error: Exception) -> None:
        """Remove every line written; keep the batch row as ``refused`` with the reason."""
        reason = getattr(error, "reason", "batch_incomplete")
        detail = getattr(error, "detail", "the batch was not received whole")
        with self._uow() as uow:
            uow.batches.remove_lines(self.batch.id)
            uow.batches.update(self.batch.id, state=REFUSED, lines_total=0, lines_done=0,
                               refusal={"reason": reason, "detail": detail, "lines_received": self.lines})

    def _line(self, raw: bytes) -> None:
        self._line_no += 1
        if len(raw) > self.limits.max_line_bytes:
            self._too_long(self._line_no)
        if not raw.strip():
            return
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BatchRefused(f"line {self._line_no} is not UTF-8", reason="batch_not_utf8",
                               status=400) from None
        if "\x00" in text:
            raise BatchRefused(f"line {self._line_no} holds a NUL character", reason="nul_character")
        self.lines += 1
        if self.lines > self.limits.max_lines:
            raise BatchRefused(f"batches are limited to {self.limits.max_lines} lines",
                               reason="batch_too_many_lines", status=413)
        self._pending.append((self._line_no, text))

    def _too_long(self, line_no: int) -> None:
        raise BatchRefused(f"line {line_no} exceeds {self.limits.max_line_bytes} bytes",
                           reason="batch_line_too_long", status=413)

    def _write(self) -> None:
        if not self._pending:
            return
        with self._uow() as uow:
            uow.batches.add_lines(self.batch.id, self._pending)
            uow.batches.update(self.batch.id, lines_total=self.lines, bytes=self.digest.length)
        self._pending = []
