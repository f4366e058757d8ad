"""Tracing configuration: off by default, the console and OTLP exporters, sampling, settings."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import requests
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway.bootstrap import build_container, create_app
from gateway.observability.spans import NO_TRACING
from gateway.settings import Settings, SettingsError
from gateway.storage import migrate
from tests.support.signing import register_signed_partner

SAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def app_with(settings, clock, **options):
    container = build_container(settings, clock=clock, **options)
    migrate.upgrade(container.engine)
    return container, create_app(settings, container).test_client()


def lines(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.strip()]


def test_off_by_default_no_span_no_trace_id_plain_sessions(settings, clock, capsys):
    assert Settings().tracing_exporter == "none"
    container, client = app_with(settings, clock)
    assert container.tracing is NO_TRACING
    capsys.readouterr()
    assert client.get("/v1/healthz", headers={"traceparent": SAMPLED}).status_code == 200
    [access] = [r for r in lines(capsys.readouterr().err) if r["logger"] == "govgate.http"]
    assert "trace_id" not in access and "span_id" not in access
    container.close()


def test_the_console_exporter_writes_one_json_line_per_span_on_stderr(settings, clock, capsys):
    container, client = app_with(settings.with_overrides(tracing_exporter="console"), clock)
    capsys.readouterr()
    assert client.get("/v1/healthz", headers={"traceparent": SAMPLED}).status_code == 200
    container.close()  # flushes the batch
    spans = [r for r in lines(capsys.readouterr().err) if "context" in r]
    [server] = [s for s in spans if s["name"] == "GET /v1/healthz"]
    assert server["context"]["trace_id"] == "0x4bf92f3577b34da6a3ce929d0e0e4736"
    assert server["parent_id"] == "0x00f067aa0ba902b7" and server["kind"] == "SpanKind.SERVER"
    assert server["resource"]["attributes"]["service.name"] == "govgate"


class _Collector(BaseHTTPRequestHandler):
    """An OTLP/HTTP collector's front door: keeps every export request's body."""

    received: ClassVar[list[tuple[str, str, bytes]]] = []  # each fixture's subclass has its own

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append((self.path, self.headers.get("Content-Type", ""), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        return


@pytest.fixture
def collector():
    pytest.importorskip("opentelemetry.exporter.otlp.proto.http",
                        reason="the otlp extra is not installed (pip install 'govgate[otlp]')")
    handler = type("Collector", (_Collector,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/traces", handler.received
    server.shutdown()
    server.server_close()


def test_the_otlp_exporter_sends_the_spans_to_the_collector(settings, clock, collector):
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    endpoint, received = collector
    container, client = app_with(settings.with_overrides(tracing_exporter="otlp",
                                                         tracing_otlp_endpoint=endpoint,
                                                         tracing_service_name="govgate-test"), clock)
    assert client.get("/v1/healthz").status_code == 200
    container.close()
    assert received and all(path == "/v1/traces" and kind == "application/x-protobuf"
                            for path, kind, _ in received)
    names, services = set(), set()
    for _, _, body in received:
        export = ExportTraceServiceRequest.FromString(body)
        for resource_spans in export.resource_spans:
            services |= {a.value.string_value for a in resource_spans.resource.attributes
                         if a.key == "service.name"}
            names |= {span.name for scope in resource_spans.scope_spans for span in scope.spans}
    assert "GET /v1/healthz" in names and services == {"govgate-test"}


def test_sampling_keeps_the_ratio_of_new_traces_and_follows_a_callers_decision(
        settings, clock, admin_headers):  # admin_headers: a token in the same database
    spans = InMemorySpanExporter()
    container, client = app_with(settings.with_overrides(tracing_sample_ratio=0.0), clock,
                                 span_exporter=spans)
    partner = register_signed_partner(client, admin_headers, 1, clock=clock)
    spans.clear()
    assert partner.get("/v1/whoami").status_code == 200
    assert spans.get_finished_spans() == ()  # a new trace, sampled out
    assert partner.get("/v1/whoami", headers={"traceparent": SAMPLED}).status_code == 200
    names = {s.name for s in spans.get_finished_spans()}
    assert {"GET /v1/whoami", "govgate.admit", "govgate.receipt"} <= names  # the caller sampled it
    unsampled = SAMPLED[:-2] + "00"
    spans.clear()
    assert partner.get("/v1/whoami", headers={"traceparent": unsampled}).status_code == 200
    assert spans.get_finished_spans() == ()
    container.close()


def test_settings_from_the_environment():
    env = {"GOVGATE_TRACING_EXPORTER": "otlp", "GOVGATE_TRACING_SAMPLE_RATIO": "0.25",
           "GOVGATE_TRACING_OTLP_ENDPOINT": "https://collector.internal:4318/v1/traces",
           "GOVGATE_TRACING_SERVICE_NAME": "govgate-tongliao"}
    settings = Settings.from_env(env)
    assert (settings.tracing_exporter, settings.tracing_sample_ratio) == ("otlp", 0.25)
    assert settings.tracing_otlp_endpoint.startswith("https://collector.internal")
    assert settings.tracing_service_name == "govgate-tongliao"


@pytest.mark.parametrize(("name", "value", "says"), [
    ("TRACING_EXPORTER", "jaeger", "none, console or otlp"),
    ("TRACING_SAMPLE_RATIO", "1.5", "between 0 and 1"),
    ("TRACING_SAMPLE_RATIO", "nan", "between 0 and 1"),
    ("TRACING_SAMPLE_RATIO", "half", "must be a number"),
    ("TRACING_OTLP_ENDPOINT", "collector:4318", "https:// or http://"),
])
def test_bad_tracing_settings_are_named(name, value, says):
    with pytest.raises(SettingsError, match=says) as refused:
        Settings.from_env({f"GOVGATE_{name}": value})
    assert f"GOVGATE_{name}" in str(refused.value)


def test_a_traced_session_is_still_a_requests_session(settings, clock):
    container = build_container(settings, clock=clock, span_exporter=InMemorySpanExporter())
    assert isinstance(container.tracing.session_factory(), requests.Session)
    container.close()
