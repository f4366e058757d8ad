"""The batch worker: answers received batches a chunk at a time, then seals the results.

Each chunk's line results commit in one transaction with whatever the kind staged for them
(e.g. the decisions and claim keys of a comparison run), so a killed worker loses nothing and
applies nothing twice: the next lease picks up at the first unanswered line. ``lines_done`` is
the progress partners see. When every line is answered, the results — each line signed on its
own — are digested in order (the Content-Digest of the download) and the digest is signed.
"""

from __future__ import annotations

import datetime as dt
import logging

from ...errors import Unavailable
from ...evidence.canonical import canonical_json
from ...signatures.digest import DigestWriter
from ...storage.batch_repositories import DONE, Batch
from .kinds import BatchKinds

log = logging.getLogger("govgate.bulk")
CHUNK = 1000


class BatchWorker:
    def __init__(self, uow_factory, clock, kinds: BatchKinds, signer, *,
                 lease: dt.timedelta = dt.timedelta(minutes=5), chunk: int = CHUNK) -> None:
        self._uow, self._clock, self._kinds, self._signer = uow_factory, clock, kinds, signer
        self._lease, self._chunk = lease, chunk

    def run_once(self) -> bool:
        """Process one waiting batch to the end; False when none is waiting."""
        now = self._clock()
        with self._uow() as uow:
            batch = uow.batches.claim_next(now, now + self._lease)
        if batch is None:
            return False
        try:
            self.process(batch)
        except Unavailable as error:  # a partner is down: this chunk waits, nothing is guessed
            log.warning("batch %s waits %ss: %s", batch.id, error.retry_after, error.detail)
            with self._uow() as uow:
                uow.batches.update(batch.id, locked_until=self._clock() + dt.timedelta(seconds=error.retry_after))
        return True

    def process(self, batch: Batch) -> None:
        kind = self._kinds[batch.kind]
        done = batch.lines_done
        with self._uow(readonly=True) as uow:
            after = uow.batches.answered_through(batch.id)  # a lease taken over resumes here
        while True:
            with self._uow(readonly=True) as uow:  # keyset: never rescans the answered lines
                lines = uow.batches.lines(batch.id, after, self._chunk)
            if not lines:
                break
            after = lines[-1].seq
            commit = kind.answer(batch, lines)  # partners are asked here, no transaction open
            with self._uow() as uow:
                rows = [(r.seq, r.outcome, self._sealed(r.result)) for r in commit(uow)]
                done += len(rows)
                uow.batches.answer(batch.id, rows)
                uow.batches.update(batch.id, lines_done=done, locked_until=self._clock() + self._lease)
        self._seal(batch)

    def _sealed(self, result) -> str:
        if "signature" not in result:
            result = {**result, "signature": self._signer.sign(dict(result))}
        return canonical_json(result).decode()

    def _seal(self, batch: Batch) -> None:
        digest = DigestWriter()
        with self._uow(readonly=True) as uow:
            for result in uow.batches.results(batch.id):
                digest.update(result.encode() + b"\n")
            counts = uow.batches.outcome_counts(batch.id)
        now = self._clock()
        manifest = {"batch_id": batch.id, "kind": batch.kind, "lines": sum(counts.values()),
                    "results_digest": digest.value(), "outcomes": counts,
                    "finished_at": now.isoformat()}
        with self._uow() as uow:
            uow.batches.update(batch.id, state=DONE, finished_at=now, locked_until=None,
                               results_digest=manifest["results_digest"], summary=counts,
                               results_signature={**self._signer.sign(manifest), "manifest": manifest})
        log.info("batch %s done: %s", batch.id, counts)
