"""OpenTelemetry traces: one per request across the gateway's stages, one per delivery attempt.

    build_tracing(settings)  the composition root's one call: ``NO_TRACING`` when
                             GOVGATE_TRACING_EXPORTER=none (the default), else ``Tracing`` over a
                             TracerProvider of its own (never the process-global one)
    Tracing                  the ``spans.Tracer`` port, plus what the edges need from it:
      .session_factory         requests sessions that trace and propagate (``TracedSession``)
      .shutdown()              flush what is still queued for export
    TracedRequests           ASGI, outermost: the SERVER span of each request; a W3C
                             ``traceparent`` sent by the partner (or its proxy) becomes its parent
    TracedSession            a CLIENT span per call to a partner, whose ``traceparent`` goes on the
                             wire - added at send time, after the gateway signed the request, so it
                             is hop metadata and never a signed component (docs/signing.md)
    current_ids()            trace_id and span_id of the current span, for the JSON logs

Only the W3C Trace Context headers are read and written; baggage is neither accepted nor sent
(it could carry anything a partner put there). Errors are recorded as their ``reason`` slug or
their type, never their message.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from importlib import metadata
from urllib.parse import urlsplit

import requests
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..contract import short_operation_id
from ..outbound import PartnerSession
from ..settings import PREFIX, SettingsError
from .spans import NO_TRACING, Attributes, AttributeValue, NoTracing

PROPAGATOR = TraceContextTextMapPropagator()
_TRACE_HEADERS = {b"traceparent": "traceparent", b"tracestate": "tracestate"}


class _Stage:
    """One span as the current span while the ``with`` block runs (the port's ``Span`` too)."""

    __slots__ = ("_attributes", "_kind", "_name", "_parent", "_token", "_tracer", "span")

    def __init__(self, tracer, name: str, attributes, kind: SpanKind, parent) -> None:
        self._tracer, self._name, self._attributes = tracer, name, attributes
        self._kind, self._parent = kind, parent

    def __enter__(self) -> _Stage:
        self.span = self._tracer.start_span(self._name, context=self._parent, kind=self._kind,
                                            attributes=self._attributes)
        self._token = otel_context.attach(trace.set_span_in_context(self.span))
        return self

    def __exit__(self, kind, error, _traceback) -> None:
        try:
            if error is not None:
                reason = getattr(error, "reason", None)
                self.span.set_attribute("error.type", reason or type(error).__qualname__)
                self.fail(reason or type(error).__qualname__)
            self.span.end()
        finally:
            otel_context.detach(self._token)

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        self.span.set_attribute(key, value)

    def fail(self, reason: str) -> None:
        self.span.set_attribute("govgate.reason", reason)
        self.span.set_status(Status(StatusCode.ERROR, reason))


class Tracing:
    """The ``Tracer`` port over an OpenTelemetry ``TracerProvider``."""

    enabled = True

    def __init__(self, provider) -> None:
        self.provider = provider
        self._tracer = provider.get_tracer("govgate", _version())

    def span(self, name: str, attributes: Attributes | None = None, *,
             kind: SpanKind = SpanKind.INTERNAL, parent=None) -> _Stage:
        return _Stage(self._tracer, name, attributes, kind, parent)

    def session_factory(self) -> requests.Session:
        return TracedSession(self)

    def shutdown(self) -> None:
        self.provider.shutdown()


class TracedSession(PartnerSession):
    """A partner session (``gateway.outbound``) whose every call is a CLIENT span, propagated as ``traceparent``."""

    def __init__(self, tracing: Tracing) -> None:
        super().__init__()
        self._tracing = tracing

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        url = urlsplit(request.url)
        port = url.port or (443 if url.scheme == "https" else 80)
        attributes = {  # no query string, no user info: the URL as registered for the partner
            "http.request.method": request.method or "",
            "server.address": url.hostname or "",
            "server.port": port,
            "url.full": f"{url.scheme}://{url.hostname}:{port}{url.path}",
        }
        with self._tracing.span(request.method or "HTTP", attributes, kind=SpanKind.CLIENT) as stage:
            PROPAGATOR.inject(request.headers)  # the CLIENT span is the partner's parent
            response = super().send(request, **kwargs)
            stage.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 400:
                stage.fail(str(response.status_code))
            return response


class TracedRequests:
    """The SERVER span of every HTTP request, named ``METHOD /route`` once routing is known."""

    def __init__(self, app: ASGIApp, tracing: Tracing, routes: Mapping[str, str]) -> None:
        self.app, self.tracing, self.routes = app, tracing, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        carrier = {_TRACE_HEADERS[k]: v.decode("latin-1") for k, v in scope.get("headers", [])
                   if k in _TRACE_HEADERS}
        # The partner's span is the parent; without (or with a malformed) traceparent, a new trace.
        parent = PROPAGATOR.extract(carrier, context=otel_context.Context())
        status = 500  # unless a response starts

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        method = scope["method"]
        attributes = {"http.request.method": method, "url.path": scope["path"],
                      "url.scheme": scope.get("scheme", "http")}
        with self.tracing.span(method, attributes, kind=SpanKind.SERVER, parent=parent) as stage:
            try:
                await self.app(scope, receive, observe)
            finally:
                self._annotate(stage, scope, method, status)

    def _annotate(self, stage: _Stage, scope: Scope, method: str, status: int) -> None:
        stage.set_attribute("http.response.status_code", status)
        operation_id = scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")
        if operation_id:
            stage.set_attribute("govgate.operation", short_operation_id(operation_id))
            route = self.routes.get(operation_id)
            if route:
                stage.span.update_name(f"{method} {route}")
                stage.set_attribute("http.route", route)
        if scope.get("govgate.request_id"):
            stage.set_attribute("govgate.request_id", scope["govgate.request_id"])
        exchange = scope.get("govgate.state", {}).get("exchange")
        if exchange is not None:
            stage.set_attribute("govgate.partner_id", exchange.partner_id)
            if exchange.is_message:
                stage.set_attribute("govgate.message_id", exchange.message_id)
        if status >= 500:
            stage.fail(str(status))


def current_ids() -> tuple[str, str] | None:
    """(trace_id, span_id) in W3C hex of the current span, or None outside any trace."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None
    return trace.format_trace_id(span_context.trace_id), trace.format_span_id(span_context.span_id)


def build_tracing(settings, exporter=None) -> Tracing | NoTracing:
    """``exporter`` (a SpanExporter; tests pass an in-memory one) overrides the configured one
    and is called synchronously, so its spans are there as soon as a request returns."""
    if exporter is None and settings.tracing_exporter == "none":
        return NO_TRACING
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    # Resource(...) rather than Resource.create(): the latter reads OTEL_* from the environment.
    resource = Resource({"service.name": settings.tracing_service_name, "service.version": _version()})
    sampler = ParentBased(TraceIdRatioBased(settings.tracing_sample_ratio))
    provider = TracerProvider(resource=resource, sampler=sampler)
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        provider.add_span_processor(BatchSpanProcessor(_configured_exporter(settings)))
    return Tracing(provider)


def _configured_exporter(settings):
    if settings.tracing_exporter == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        # One JSON object per line on stderr, beside the logs (stdout is the CLI's output).
        return ConsoleSpanExporter(out=sys.stderr, formatter=lambda span: span.to_json(indent=None) + "\n")
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    except ImportError:
        raise SettingsError(f"{PREFIX}TRACING_EXPORTER=otlp needs the OTLP exporter: "
                            "pip install 'govgate[otlp]'") from None
    return OTLPSpanExporter(endpoint=settings.tracing_otlp_endpoint, headers={},
                            timeout=settings.tracing_otlp_timeout_seconds)


def _version() -> str:
    try:
        return metadata.version("govgate")
    except metadata.PackageNotFoundError:
        return "unknown"
