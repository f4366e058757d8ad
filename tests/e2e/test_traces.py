"""Traces end to end: the spans of one loan qualification (signed request through the real app,
the HR system a real server on loopback) and of the worker's delivery attempts, read from an
in-memory exporter; W3C traceparent received by HR and the recipients, and accepted from partners.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode, format_span_id, format_trace_id

from adapters import bank
from gateway.bootstrap import build_container
from gateway.delivery.assembly import delivery_worker
from gateway.simulators.bank import BankFrontendSimulator
from gateway.storage import migrate
from gateway.storage.policy_repositories import StoredMessage
from tests.adapters.bank.messages import SAMPLES as BANK_SAMPLES
from tests.adapters.tax.test_end_to_end import accept_conclusion, tax_system  # noqa: F401 (fixture)
from tests.support.ids import credit_code
from tests.support.samples import APPLICANT, individual_loan
from tests.support.samples import deferral_conclusion as conclusion

PARTNER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARTNER_SPAN = "00f067aa0ba902b7"
PARTNER_TRACEPARENT = f"00-{PARTNER_TRACE}-{PARTNER_SPAN}-01"


@pytest.fixture
def spans():
    return InMemorySpanExporter()


@pytest.fixture
def container(settings, clock, spans):  # the shared fixture's, with the in-memory exporter
    c = build_container(settings, clock=clock, span_exporter=spans)
    migrate.upgrade(c.engine)
    yield c
    c.close()


def hex_ids(span) -> tuple[str, str]:
    return format_trace_id(span.context.trace_id), format_span_id(span.context.span_id)


def parent_of(span) -> str | None:
    return format_span_id(span.parent.span_id) if span.parent is not None else None


def one(found: list, name: str):
    matching = [s for s in found if s.name == name]
    assert len(matching) == 1, f"{name}: {[s.name for s in found]}"
    return matching[0]


def received(simulator) -> list[tuple[str, str]]:
    """(trace id, parent span id) of each sampled traceparent the partner system received."""
    contexts = []
    for header in simulator.traceparents:
        version, trace_id, parent_id, flags = header.split("-")
        assert version == "00" and int(flags, 16) & 1, header  # sampled (0x02: random ids)
        contexts.append((trace_id, parent_id))
    return contexts


def test_one_loan_qualification_is_one_trace_of_its_stages(story, spans, capsys):
    story.simulators["hr"].facts[APPLICANT] = ["college_graduate"]
    spans.clear()
    capsys.readouterr()
    body = individual_loan()
    # Added beside the signature, as a partner's tracing (or its proxy) would: not covered.
    response = story.bank.post("/v1/loan-qualifications", json=body,
                               headers={"traceparent": PARTNER_TRACEPARENT})
    assert response.status_code == 201, response.text
    message_id = response.json()["message_id"]
    found = spans.get_finished_spans()

    server = one(found, "POST /v1/loan-qualifications")
    assert server.kind is SpanKind.SERVER
    assert hex_ids(server)[0] == PARTNER_TRACE and parent_of(server) == PARTNER_SPAN
    assert {s.context.trace_id for s in found} == {server.context.trace_id}  # one trace
    stages = {name: one(found, name) for name in (
        "govgate.admit", "govgate.validate", "govgate.decide", "govgate.hr_query", "POST",
        "govgate.rules", "govgate.receipt", "govgate.evidence")}
    tree = {name: parent_of(span) for name, span in stages.items()}
    span_id = {name: hex_ids(span)[1] for name, span in stages.items()}
    server_id = hex_ids(server)[1]
    assert tree == {
        "govgate.admit": server_id, "govgate.validate": server_id, "govgate.decide": server_id,
        "govgate.hr_query": span_id["govgate.decide"], "POST": span_id["govgate.hr_query"],
        "govgate.rules": span_id["govgate.decide"],
        "govgate.receipt": server_id, "govgate.evidence": span_id["govgate.receipt"],
    }
    order = sorted(stages, key=lambda name: stages[name].start_time)
    assert order.index("govgate.admit") < order.index("govgate.validate") < \
        order.index("govgate.decide") < order.index("govgate.receipt")

    hr = story.simulators["hr"]
    assert server.attributes["govgate.operation"] == "submit_loan_qualification"
    assert server.attributes["govgate.partner_id"] == story.bank.id
    assert server.attributes["govgate.message_id"] == message_id
    assert server.attributes["http.route"] == "/v1/loan-qualifications"
    assert server.attributes["http.response.status_code"] == 201
    assert stages["govgate.admit"].attributes["govgate.partner_id"] == story.bank.id
    assert stages["govgate.admit"].attributes["govgate.message_id"] == message_id
    assert stages["govgate.hr_query"].attributes["govgate.partner_id"] == hr.partner_id
    assert stages["govgate.hr_query"].attributes["govgate.hr_query.people"] == 1
    assert stages["POST"].kind is SpanKind.CLIENT
    assert stages["POST"].attributes["url.full"] == f"{hr.endpoint_url}/queries/person-facts"
    assert stages["POST"].attributes["http.response.status_code"] == 200
    assert stages["govgate.rules"].attributes["govgate.rules.version"]
    assert stages["govgate.evidence"].attributes["govgate.message_id"] == message_id
    assert all(s.status.status_code is not StatusCode.ERROR for s in found)

    # Ids and counts only: no citizen id, no name, no body anywhere in the trace.
    text = json.dumps([{**dict(s.attributes), "events": [e.name for e in s.events]} for s in found],
                      ensure_ascii=False)
    for secret in (APPLICANT, body["applicant"]["name"], json.dumps(body)):
        assert secret not in text

    # HR saw the trace, its parent the gateway's CLIENT span (not the partner's span).
    assert received(hr) == [(PARTNER_TRACE, span_id["POST"])]

    # The access log line carries the trace and the SERVER span.
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    [access] = [line for line in lines if line["logger"] == "govgate.http"]
    assert (access["trace_id"], access["span_id"]) == (PARTNER_TRACE, server_id)


def test_each_delivery_attempt_is_a_trace_received_by_the_recipient(story, container, spans, capsys):
    accepted = story.hr.post("/v1/deferral-conclusions", json=conclusion())
    assert accepted.status_code == 202, accepted.text
    message_id = accepted.json()["message_id"]
    spans.clear()
    capsys.readouterr()
    worker = delivery_worker(container)  # as govgate worker builds it
    assert worker.run_once() == 2  # tax and finance
    found = spans.get_finished_spans()
    attempts = [s for s in found if s.name == "govgate.delivery"]
    assert len(attempts) == 2 and len({s.context.trace_id for s in attempts}) == 2
    by_recipient = {s.attributes["govgate.partner_id"]: s for s in attempts}
    assert set(by_recipient) == {story.tax.id, story.finance.id}
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    for role in ("tax", "finance"):
        attempt = by_recipient[story.partners[role].id]
        assert attempt.parent is None  # a trace of its own
        assert attempt.attributes["govgate.message_id"] == message_id
        assert attempt.attributes["govgate.message.kind"] == "deferral_conclusion"
        assert attempt.attributes["govgate.delivery.attempt"] == 1
        assert attempt.attributes["govgate.delivery.outcome"] == "delivered"
        inside = [s for s in found if s.context.trace_id == attempt.context.trace_id and s is not attempt]
        client = one(inside, "POST")
        evidence = {s.attributes["govgate.evidence.direction"]: s for s in inside if s.name == "govgate.evidence"}
        assert sorted(evidence) == ["outbound-delivery", "receipt"]  # the delivery, then its receipt
        assert {parent_of(s) for s in [client, *evidence.values()]} == {hex_ids(attempt)[1]}
        assert client.attributes["url.full"].endswith("/messages/deferral_conclusion")
        trace_id, client_id = hex_ids(client)
        assert received(story.simulators[role]) == [(trace_id, client_id)]
        delivered = [line for line in lines if line["logger"] == "govgate.delivery"
                     and line.get("trace_id") == trace_id]
        assert delivered and delivered[0]["span_id"] == hex_ids(attempt)[1]


def test_a_failed_attempt_says_why(story, container, spans):
    story.simulators["tax"].behaviour.fail_times = 1
    story.hr.post("/v1/deferral-conclusions", json=conclusion())
    spans.clear()
    delivery_worker(container).run_once()
    failed = [s for s in spans.get_finished_spans() if s.name == "govgate.delivery"
              and s.attributes["govgate.partner_id"] == story.tax.id]
    assert [s.attributes["govgate.delivery.outcome"] for s in failed] == ["failed"]
    assert failed[0].status.status_code is StatusCode.ERROR
    assert failed[0].attributes["govgate.reason"] == "recipient_server_error"


@pytest.mark.parametrize("header", [None, "00-not-a-trace-01", f"00-{'0' * 32}-{PARTNER_SPAN}-01"])
def test_without_a_valid_traceparent_the_request_starts_its_own_trace(story, spans, header):
    spans.clear()
    headers = {"traceparent": header} if header else {}
    response = story.bank.get("/v1/whoami", headers=headers)
    assert response.status_code == 200, response.text
    server = one(spans.get_finished_spans(), "GET /v1/whoami")
    assert server.parent is None and hex_ids(server)[0] != "0" * 32


def test_a_refused_signature_is_an_errored_admit_with_its_reason(story, spans):
    spans.clear()
    response = story.bank.client.get("/v1/whoami", headers={"Signature": "sig=:AAAA:",
                                                            "Signature-Input": "sig=()"})
    assert response.status_code == 401
    admit = one(spans.get_finished_spans(), "govgate.admit")
    assert admit.status.status_code is StatusCode.ERROR
    assert admit.attributes["govgate.reason"] == response.json()["reason"]
    server = one(spans.get_finished_spans(), "GET /v1/whoami")
    assert server.status.status_code is not StatusCode.ERROR  # a 4xx is the caller's error


def attempt_and_call(container, spans, message_id: str, format_name: str):
    spans.clear()
    assert delivery_worker(container).run_once() == 1
    found = spans.get_finished_spans()
    attempt = one(found, "govgate.delivery")
    assert attempt.attributes["govgate.delivery.outcome"] == "delivered"
    assert (attempt.attributes["govgate.partner.format"], attempt.attributes["govgate.message_id"]) == \
        (format_name, message_id)
    client = one(found, "POST")
    assert parent_of(client) == hex_ids(attempt)[1]
    return client


def test_the_tax_adapters_transport_carries_the_trace(container, spans, tax_system):  # noqa: F811
    """CFX over the tax adapter's own HTTP transport: it got the composition root's sessions."""
    client = attempt_and_call(container, spans, accept_conclusion(container), "tax_cfx")
    assert received(tax_system) == [hex_ids(client)]


@pytest.fixture
def bank_front_end(container):
    container.keystore.ensure_current()
    with BankFrontendSimulator(container.keystore.jwks, clock=container.clock) as simulator:
        now = container.clock()
        with container.uow() as uow:
            container.partners.register(uow, {
                "id": credit_code(4601), "name": "通辽某商业银行", "roles": ["bank"],
                "division_code": "150500", "endpoint_url": simulator.endpoint_url,
                "format": bank.FORMAT, "format_settings": {"lgnnam": "TLBANK01"}}, now)
        yield simulator


def test_the_bank_adapters_transport_carries_the_trace(container, spans, bank_front_end):
    message_id, now = str(uuid.uuid4()), container.clock()
    with container.uow() as uow:
        uow.messages.add(StoredMessage(message_id, "guarantee_decision", credit_code(902), "150500",
                                       str(uuid.uuid4()), BANK_SAMPLES["guarantee_decision"], now))
        uow.deliveries.schedule(message_id, credit_code(4601), now)
    client = attempt_and_call(container, spans, message_id, bank.FORMAT)
    assert message_id in bank_front_end.received  # YURREF: the message id
    assert received(bank_front_end) == [hex_ids(client)]


@pytest.mark.slow
def test_a_govgate_worker_process_exports_its_attempts(story, settings, clock, tmp_path):
    """``govgate worker --once`` with the console exporter: its spans (flushed as it exits) and
    its log lines on stderr, its traceparent at the recipients."""
    accepted = story.hr.post("/v1/deferral-conclusions", json=conclusion())
    assert accepted.status_code == 202, accepted.text
    clock.now = datetime.now(UTC)  # the worker signs with the real clock; the simulators check it
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("GOVGATE_", "OTEL_"))},
           "GOVGATE_DATA_DIR": str(tmp_path), "GOVGATE_DATABASE_URL": settings.effective_database_url,
           "GOVGATE_ALLOW_LOOPBACK_HTTP": "true", "GOVGATE_TRACING_EXPORTER": "console",
           "GOVGATE_TRACING_SERVICE_NAME": "govgate-worker"}
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "worker", "--once"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2 delivery attempt(s) made" in done.stdout
    records = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    attempts = [r for r in records if r.get("name") == "govgate.delivery"]
    assert len(attempts) == 2
    for attempt in attempts:
        assert attempt["attributes"]["govgate.delivery.outcome"] == "delivered"
        assert attempt["resource"]["attributes"]["service.name"] == "govgate-worker"
        trace_id = attempt["context"]["trace_id"].removeprefix("0x")
        [call] = [r for r in records if r.get("name") == "POST"
                  and r["context"]["trace_id"] == attempt["context"]["trace_id"]]
        recipient = story.simulators[{story.tax.id: "tax", story.finance.id: "finance"}[
            attempt["attributes"]["govgate.partner_id"]]]
        assert received(recipient) == [(trace_id, call["context"]["span_id"].removeprefix("0x"))]
        assert any(r.get("logger") == "govgate.delivery" and r.get("trace_id") == trace_id
                   for r in records)
