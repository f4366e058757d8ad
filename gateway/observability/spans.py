"""The tracing port: how the services and the edges name a stage of the work in progress.

    with tracer.span("govgate.rules", {"govgate.rule_set": version}) as span:
        ...
        span.set_attribute("govgate.outcome", "delivered")

``NO_TRACING`` (the default everywhere, and what the composition root wires when tracing is
off) hands out one shared do-nothing span, so a stage costs a method call and nothing else.
The OpenTelemetry implementation is ``gateway.observability.tracing``; nothing here imports it.

Attributes are identifiers, counts and slugs only - operation, partner, message and delivery
ids, a reason - never a body, a header value or a citizen id.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Protocol

AttributeValue = str | int | float | bool
Attributes = Mapping[str, AttributeValue]


class Span(Protocol):
    def set_attribute(self, key: str, value: AttributeValue) -> None: ...

    def fail(self, reason: str) -> None:
        """Mark the stage failed for ``reason`` (a slug) without raising."""


class Tracer(Protocol):
    """A span per stage; an exception leaving it marks it failed with the error's ``reason``."""

    def span(self, name: str, attributes: Attributes | None = None) -> AbstractContextManager[Span]: ...


class _NoSpan:
    __slots__ = ()

    def __enter__(self) -> _NoSpan:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        pass

    def fail(self, reason: str) -> None:
        pass


_NO_SPAN = _NoSpan()


class NoTracing:
    """Tracing off."""

    enabled = False

    def span(self, name: str, attributes: Attributes | None = None) -> _NoSpan:
        return _NO_SPAN


NO_TRACING = NoTracing()
