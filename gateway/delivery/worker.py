"""The delivery worker: lease a due delivery, call the recipient, record what happened.

    claim     one short transaction: lease the oldest due delivery (``claim_due``) and read its
              message and recipient; committed before any network call
    attempt   the channel for the recipient's format delivers; then one transaction ends the
              lease — delivered (receipt, the delivery's evidence entry and its ``receipt``
              entry, receipt_entry.py), failed (retry at the backoff time)
              or dead — fenced by (worker id, attempt) so a worker whose lease was taken over
              changes nothing, and its duplicate receipt is dropped

A worker killed mid-delivery loses nothing: its lease expires and another worker (or itself,
restarted) claims the delivery again. The recipient sees the same message id twice and
deduplicates. The lease must outlast one attempt (connect + read timeout) with a margin.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain.partners import Partner
from ..evidence.canonical import format_timestamp
from ..observability import metrics
from ..observability.spans import NO_TRACING, Span, Tracer
from ..storage.delivery_repositories import DEAD, DELIVERED, FAILED, Lease
from .backoff import RetryPolicy
from .errors import DeliveryError, NonRetryable, Retryable
from .ports import Acknowledgement, OutgoingMessage
from .receipt_entry import receipt_record
from .registry import AdapterRegistry

log = logging.getLogger("govgate.delivery")

MAX_ERROR_LENGTH = 1000  # deliveries.last_error


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _format(job: Job) -> str:
    return job.partner.format if job.partner is not None else "unknown"


def _attributes(job: Job) -> dict:
    """Of the delivery span: ids, kind and attempt - never the payload."""
    return {"govgate.message_id": job.message.message_id, "govgate.message.kind": job.message.kind,
            "govgate.partner_id": job.partner.id if job.partner is not None else "unknown",
            "govgate.partner.format": _format(job), "govgate.delivery.id": job.lease.delivery_id,
            "govgate.delivery.attempt": job.attempt}


@dataclass(frozen=True)
class Job:
    lease: Lease
    message: OutgoingMessage
    partner: Partner | None

    @property
    def attempt(self) -> int:
        return self.lease.attempt


class DeliveryWorker:
    def __init__(self, uow_factory, clock: Callable[[], datetime], channels: AdapterRegistry,
                 message_log, policy: RetryPolicy, *, lease_seconds: float = 60.0,
                 worker_id: str | None = None, tracer: Tracer = NO_TRACING) -> None:
        self._uow = uow_factory
        self._tracer = tracer
        self._clock = clock
        self._channels = channels
        self._message_log = message_log
        self.policy = policy
        self.lease = timedelta(seconds=lease_seconds)
        self.worker_id = worker_id or new_worker_id()

    def claim(self) -> Job | None:
        now = self._clock()
        with self._uow() as uow:
            claimed = uow.deliveries.claim_due(self.worker_id, now, now + self.lease, limit=1)
            if not claimed:
                return None
            delivery = claimed[0]
            stored = uow.messages.get(delivery.message_id)
            partner = uow.partners.get(delivery.recipient_id)
        message = OutgoingMessage(stored.id, stored.kind, stored.sender_id, dict(stored.payload),
                                  stored.created_at, stored.refers_to)
        return Job(Lease(delivery.id, self.worker_id, delivery.attempts), message, partner)

    def attempt(self, job: Job) -> str | None:
        """Deliver ``job`` and record the outcome: the new state, or None if the lease was lost.
        Each attempt is a trace of its own (the recipient's call and the evidence inside it)."""
        started = time.perf_counter()
        with self._tracer.span("govgate.delivery", _attributes(job)) as span:
            state = self._attempt(job, span)
            span.set_attribute("govgate.delivery.outcome", state or "lease_lost")
        seconds = time.perf_counter() - started
        metrics.delivery_attempted(_format(job), state or "lease_lost", seconds)
        return state

    def _attempt(self, job: Job, span: Span) -> str | None:
        try:
            acknowledgement = self._deliver(job)
        except DeliveryError as error:
            span.fail(error.reason)
            return self._record_failure(job, error)
        except Exception:  # a bug in a channel must not kill the worker; retry it
            log.exception("delivery %s: unexpected error", job.lease.delivery_id)
            span.fail("internal_error")
            # The sender reads this in GET /v1/messages/{id}: no exception names, only the log's key.
            return self._record_failure(job, Retryable(
                f"the gateway failed internally on this attempt; operators find it in the log "
                f"under delivery {job.lease.delivery_id}", reason="internal_error"))
        return self._record_delivery(job, acknowledgement)

    def _deliver(self, job: Job) -> Acknowledgement:
        if job.attempt > self.policy.max_attempts:  # the worker of the last attempt vanished
            raise NonRetryable("attempts exhausted: the last attempt's worker stopped",
                               reason="attempts_exhausted")
        if job.partner is None:
            raise NonRetryable("the recipient is not registered", reason="recipient_unknown")
        if not job.partner.is_active:
            raise NonRetryable("the recipient is suspended", reason="recipient_suspended")
        channel = self._channels.channel_for(job.partner.format)
        return channel.deliver(job.message, job.partner)

    def _record_delivery(self, job: Job, acknowledgement: Acknowledgement) -> str | None:
        now = self._clock()
        with self._uow() as uow:
            if not uow.deliveries.finish(job.lease, now, state=DELIVERED, delivered_at=now,
                                         receipt=acknowledgement.receipt):
                log.warning("delivery %s: lease lost; duplicate receipt ignored",
                            job.lease.delivery_id)
                return None
            if acknowledgement.evidence is not None:
                self._message_log.append(uow, acknowledgement.evidence)
            if acknowledgement.answer is not None:
                self._message_log.append(uow, receipt_record(
                    recorded_at=format_timestamp(now), message=job.message,
                    recipient_id=job.partner.id, lease=job.lease, answer=acknowledgement.answer))
        log.info("delivery %s: delivered (attempt %s)", job.lease.delivery_id, job.attempt)
        return DELIVERED

    def _record_failure(self, job: Job, error: DeliveryError) -> str | None:
        metrics.delivery_failed(_format(job), error.reason)
        now = self._clock()
        values = {"last_error": error.detail[:MAX_ERROR_LENGTH], "last_error_reason": error.reason}
        if isinstance(error, Retryable) and not self.policy.exhausted(job.attempt):
            state = FAILED
            values["next_attempt_at"] = now + self.policy.delay(job.attempt, error.retry_after)
        else:
            state = DEAD
        with self._uow() as uow:
            if not uow.deliveries.finish(job.lease, now, state=state, **values):
                log.warning("delivery %s: lease lost; outcome dropped", job.lease.delivery_id)
                return None
        log.info("delivery %s: %s after attempt %s (%s)", job.lease.delivery_id, state,
                 job.attempt, error.reason)
        return state

    def run_once(self) -> int:
        """Deliver until nothing is due; the number of attempts made."""
        attempts = 0
        while (job := self.claim()) is not None:
            self.attempt(job)
            attempts += 1
        return attempts

    def run(self, stop: threading.Event, poll_seconds: float = 1.0) -> None:
        """Until ``stop`` is set: deliver what is due, wait ``poll_seconds`` when nothing is.
        A stop finishes the current attempt first (graceful SIGTERM)."""
        log.info("delivery worker %s started", self.worker_id)
        while not stop.is_set():
            try:
                job = self.claim()
                if job is None:
                    stop.wait(poll_seconds)
                    continue
                self.attempt(job)
            except Exception:  # the database went away, say: keep the process alive
                log.exception("delivery worker %s: iteration failed", self.worker_id)
                stop.wait(poll_seconds)
