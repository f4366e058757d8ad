"""Health: the readiness checks of /v1/readyz, the delivery queue, and failures by reason over
time (delivery failures, signature rejections) from the gateway's own metrics."""

from __future__ import annotations

from flask import g

from ...observability import health, metrics
from ...storage.delivery_repositories import STATES
from .. import actions, charts
from ..history import Snapshot
from ..web import blueprint, page

DELIVERY_FAILURES = "govgate_delivery_failures"
SIGNATURE_FAILURES = "govgate_signature_verification_failures"


def snapshot(container) -> Snapshot:
    """The numbers the Health page draws: failures by reason, outbox rows by state."""
    totals = metrics.counter_totals(DELIVERY_FAILURES, SIGNATURE_FAILURES)
    found: Snapshot = {"queue": dict(health.queue_depth(container) or {})}
    for name, counts in totals.items():
        by_reason: dict[str, float] = {}
        for labels, value in counts.items():
            reason = dict(labels).get("reason", "")
            by_reason[reason] = by_reason.get(reason, 0.0) + value
        found[name] = by_reason
    return found


@blueprint.get("/health", endpoint="health")
def health_page():
    history = g.console.history
    history.start()
    actions.read("health.read", "health", None, lambda uow, now: None)
    checks = health.readiness_checks(g.c)  # outside the read: each check opens its own connection
    live = snapshot(g.c)
    failures = {name: [(s, charts.bars(s.values, s.times, f"{s.label}: {s.total:g}", bad=True))
                       for s in history.increases(name, live) if s.total]
                for name in (DELIVERY_FAILURES, SIGNATURE_FAILURES)}
    levels = {s.label: s for s in history.levels("queue", live) if any(s.values)}
    backlog = [(levels[state], charts.bars(levels[state].values, levels[state].times, state))
               for state in STATES if state in levels]
    return page("health.html", checks=checks, queue=live["queue"], failures=failures,
                backlog=backlog, interval=history.interval,
                names={"delivery": DELIVERY_FAILURES, "signature": SIGNATURE_FAILURES})
