"""Reliable delivery of accepted messages to their recipients: the outbox worker and channels.

    outbox            deliveries rows, written with the message (DeliveryRepository.schedule)
    DeliveryWorker    claim (lease) → channel.deliver → delivered | failed (retry) | dead
    AdapterRegistry   partner format → PartnerChannel; ``canonical`` → CanonicalChannel
    CanonicalChannel  POST <endpoint_url>/messages/<kind>, signed (govgate-delivery), receipt
                      verified (govgate-receipt, a key of that recipient)
    RetryPolicy       exponential backoff with full jitter, cap, max attempts, Retry-After
    status            per-recipient state of a message; admin view of the outbox
    dead_letters      listing and re-driving dead deliveries

Errors (``errors``): DeliveryError → Retryable(reason, retry_after) | NonRetryable(reason).
"""

from gateway.delivery.backoff import RetryPolicy
from gateway.delivery.canonical import CanonicalChannel, delivery_url, envelope
from gateway.delivery.errors import DeliveryError, NonRetryable, Retryable
from gateway.delivery.ports import Acknowledgement, OutgoingMessage, PartnerChannel
from gateway.delivery.registry import AdapterRegistry
from gateway.delivery.worker import DeliveryWorker, Job

__all__ = [
    "Acknowledgement",
    "AdapterRegistry",
    "CanonicalChannel",
    "DeliveryError",
    "DeliveryWorker",
    "Job",
    "NonRetryable",
    "OutgoingMessage",
    "PartnerChannel",
    "RetryPolicy",
    "Retryable",
    "delivery_url",
    "envelope",
]
