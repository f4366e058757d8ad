"""Building the delivery side from settings and the container's shared services.

Until the composition root (``gateway.bootstrap``) carries an ``adapters`` registry of its own,
``adapter_registry`` is how the CLI and tests get one; the worker is always built here, because
each worker thread needs its own id.

Settings read (with these defaults while they are not yet fields of ``Settings``)::

    delivery_max_attempts        8     attempts before a retryable failure becomes a dead letter
    delivery_base_delay_seconds  2     backoff base (full jitter, doubled per attempt)
    delivery_max_delay_seconds   600   backoff cap, and the cap on a recipient's Retry-After
    delivery_timeout_seconds     10    read timeout of one HTTP attempt (connect: ≤ 3.05 s)
    delivery_lease_seconds       60    how long a claimed delivery stays leased to its worker
    worker_poll_seconds          1     idle wait between polls of the outbox
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import requests

from ..observability.spans import NO_TRACING
from ..outbound import PartnerSession
from .backoff import RetryPolicy
from .canonical import CanonicalChannel
from .registry import AdapterRegistry
from .worker import DeliveryWorker


@dataclass(frozen=True)
class DeliverySettings:
    timeout_seconds: float = 10.0
    lease_seconds: float = 60.0
    poll_seconds: float = 1.0

    @classmethod
    def from_settings(cls, settings) -> DeliverySettings:
        return cls(
            timeout_seconds=float(getattr(settings, "delivery_timeout_seconds", 10)),
            lease_seconds=float(getattr(settings, "delivery_lease_seconds", 60)),
            poll_seconds=float(getattr(settings, "worker_poll_seconds", 1)),
        )

    @property
    def timeout(self) -> tuple[float, float]:
        return (min(3.05, self.timeout_seconds), self.timeout_seconds)


def adapter_registry(settings, keystore, key_registry, clock, *,
                     session_factory: Callable[[], requests.Session] = PartnerSession) -> AdapterRegistry:
    """The registry with the canonical channel; adapters register more formats on it."""
    delivery = DeliverySettings.from_settings(settings)
    return AdapterRegistry(CanonicalChannel(keystore.current, key_registry, timeout=delivery.timeout,
                                            clock=clock, session_factory=session_factory))


def container_adapters(container) -> AdapterRegistry:
    adapters = getattr(container, "adapters", None)
    if adapters is None:
        adapters = adapter_registry(container.settings, container.keystore,
                                    container.key_registry, container.clock)
        container.adapters = adapters  # one registry (and its sessions) per container
    return adapters


def delivery_worker(container, *, worker_id: str | None = None) -> DeliveryWorker:
    delivery = DeliverySettings.from_settings(container.settings)
    return DeliveryWorker(container.uow, container.clock, container_adapters(container),
                          container.message_log, RetryPolicy.from_settings(container.settings),
                          lease_seconds=delivery.lease_seconds, worker_id=worker_id,
                          tracer=getattr(container, "tracing", NO_TRACING))
