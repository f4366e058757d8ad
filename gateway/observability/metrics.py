"""The gateway's Prometheus metrics: one set per process, recorders, and the /metrics text.

    govgate_http_requests_total{operation,status}            requests answered
    govgate_http_request_duration_seconds{operation}         latency histogram
    govgate_signature_verification_failures_total{reason}    RFC 9421 rejections (Rejection slug)
    govgate_idempotency_replays_total{operation}             stored answers replayed
    govgate_evidence_log_appends_total{direction}            evidence entries written
    govgate_evidence_log_integrated_total                    entries placed in the Merkle tree
    govgate_delivery_attempts_total{format,outcome}          delivered | failed | dead | lease_lost
    govgate_delivery_attempt_duration_seconds{format}        latency histogram of one attempt
    govgate_delivery_failures_total{format,reason}           failed attempts by reason slug
    govgate_delivery_queue_depth{state}                      outbox rows, counted at scrape time

``operation`` is the short operationId (or ``unmatched``), so every label has a bounded set of
values. With ``PROMETHEUS_MULTIPROC_DIR`` set when prometheus_client is first imported, every
process writes its own files there and a scrape sums them (``MultiProcessCollector``).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
UNMATCHED = "unmatched"
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
DELIVERY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class MetricSet:
    requests: Any
    request_seconds: Any
    verification_failures: Any
    idempotency_replays: Any
    evidence_appends: Any
    evidence_integrated: Any
    delivery_attempts: Any
    delivery_seconds: Any
    delivery_failures: Any
    directory: str | None  # where this process's values live (multiprocess mode), else None


_lock = threading.Lock()
_metrics: MetricSet | None = None


def metric_set() -> MetricSet:
    """The process's metrics, registered once.

    Built on first use rather than at import: prometheus_client decides between in-process
    values and per-process files when it is first imported, and the CLI imports the gateway
    before ``govgate serve`` or ``govgate worker`` has chosen the shared directory.
    """
    global _metrics
    with _lock:
        if _metrics is None:
            _metrics = _build()
        return _metrics


def _build() -> MetricSet:
    from prometheus_client import Counter, Histogram, values

    multiprocess = values.ValueClass is not values.MutexValue
    if multiprocess:  # before the first metric: files a full disk cannot crash (metric_files)
        from .metric_files import guarded_value_class

        values.ValueClass = guarded_value_class(os.environ[MULTIPROC_ENV])
    return MetricSet(
        requests=Counter("govgate_http_requests", "HTTP requests answered, by operation and status",
                         ["operation", "status"]),
        request_seconds=Histogram("govgate_http_request_duration_seconds",
                                  "Time from request to the last response byte, by operation",
                                  ["operation"], buckets=REQUEST_BUCKETS),
        verification_failures=Counter("govgate_signature_verification_failures",
                                      "Partner requests whose signature was rejected, by reason",
                                      ["reason"]),
        idempotency_replays=Counter("govgate_idempotency_replays",
                                    "Retried POSTs answered with the stored response, by operation",
                                    ["operation"]),
        evidence_appends=Counter("govgate_evidence_log_appends",
                                 "Entries appended to the evidence log (counted as written, "
                                 "inside their transaction), by direction", ["direction"]),
        evidence_integrated=Counter("govgate_evidence_log_integrated",
                                    "Entries the integrator placed in the evidence log's Merkle tree"),
        delivery_attempts=Counter("govgate_delivery_attempts",
                                  "Delivery attempts by recipient format and outcome",
                                  ["format", "outcome"]),
        delivery_seconds=Histogram("govgate_delivery_attempt_duration_seconds",
                                   "Time one delivery attempt took, by recipient format",
                                   ["format"], buckets=DELIVERY_BUCKETS),
        delivery_failures=Counter("govgate_delivery_failures",
                                  "Failed delivery attempts by recipient format and reason",
                                  ["format", "reason"]),
        directory=os.environ.get(MULTIPROC_ENV) if multiprocess else None,
    )


# -- recorders: what the HTTP edge, the signed exchange and the delivery worker report ---------

def request_answered(operation: str, status: int, seconds: float) -> None:
    m = metric_set()
    m.requests.labels(operation, str(status)).inc()
    m.request_seconds.labels(operation).observe(seconds)


def signature_rejected(reason: str) -> None:
    metric_set().verification_failures.labels(reason).inc()


def idempotent_replay(operation: str) -> None:
    metric_set().idempotency_replays.labels(operation).inc()


def evidence_appended(direction: str) -> None:
    metric_set().evidence_appends.labels(direction).inc()


def evidence_integrated(count: int) -> None:
    metric_set().evidence_integrated.inc(count)


def delivery_attempted(format: str, outcome: str, seconds: float) -> None:
    m = metric_set()
    m.delivery_attempts.labels(format, outcome).inc()
    m.delivery_seconds.labels(format).observe(seconds)


def delivery_failed(format: str, reason: str) -> None:
    metric_set().delivery_failures.labels(format, reason).inc()


# -- exposition --------------------------------------------------------------------------------

def exposition(queue_depth: Mapping[str, int] | None = None) -> bytes:
    """The text format of every process's metrics (summed in multiprocess mode), plus the
    outbox depth, which only the scraping process computes (it is a database count, not a
    per-process value)."""
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client.core import GaugeMetricFamily

    from . import metric_files

    directory = metric_set().directory
    scraped = CollectorRegistry(auto_describe=False)
    if directory:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(metric_files.ReadableFiles(directory))  # skips a torn file
        text = generate_latest(registry)
        degraded = GaugeMetricFamily(
            "govgate_metrics_degraded",
            "1 while the answering process holds metric values its file could not take "
            "(a full disk): the sums above are incomplete", value=int(metric_files.health.degraded))
        scraped.register(_Once(degraded))
    else:
        text = generate_latest(REGISTRY)
    if queue_depth is not None:
        gauge = GaugeMetricFamily("govgate_delivery_queue_depth",
                                  "Deliveries in the outbox by state, counted at scrape time",
                                  labels=["state"])
        for state, count in queue_depth.items():
            gauge.add_metric([state], count)
        scraped.register(_Once(gauge))
    return text + generate_latest(scraped)


def counter_totals(*names: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """The current totals of the counters ``names`` (without ``_total``), summed over every
    process in multiprocess mode: name -> {sorted (label, value) pairs: total}."""
    from prometheus_client import REGISTRY, CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector

    metric_set()  # the counters exist (at zero) even before anything was counted
    registry = REGISTRY
    if metric_set().directory:
        registry = CollectorRegistry(auto_describe=False)
        MultiProcessCollector(registry, path=metric_set().directory)
    totals: dict[str, dict] = {name: {} for name in names}
    for family in registry.collect():
        if family.name not in totals:
            continue
        for sample in family.samples:
            if sample.name == family.name + "_total":
                key = tuple(sorted(sample.labels.items()))
                totals[family.name][key] = totals[family.name].get(key, 0.0) + sample.value
    return totals


class _Once:
    def __init__(self, family) -> None:
        self.family = family

    def collect(self):
        yield self.family


# -- multiprocess mode -------------------------------------------------------------------------

def metrics_directory(settings) -> Path:
    return Path(settings.metrics_dir) if settings.metrics_dir else settings.data_dir / "metrics"


def share_directory(directory: Path, *, remove_stale: bool = False) -> Path | None:
    """Have this process, and the processes it starts, write metrics to ``directory``.

    Only possible before prometheus_client is loaded here (a fresh ``govgate`` process); when it
    already is (the command runs inside a test process, say) this changes nothing and returns
    None. ``remove_stale`` deletes the files of processes that no longer run (the parent of the
    server workers does this at startup, as prometheus_client's multiprocess mode requires).
    """
    if "prometheus_client" in sys.modules:
        return None
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    if remove_stale:
        remove_stale_files(directory)
    os.environ[MULTIPROC_ENV] = str(directory)
    return directory


def remove_stale_files(directory: Path) -> list[Path]:
    """Delete ``<kind>_<pid>.db`` files whose process is gone; the removed paths."""
    removed = []
    for path in directory.glob("*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _running(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
