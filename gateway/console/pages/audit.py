"""The audit trail: filter by actor, action, outcome and time; export what matches as CSV.

Reading the trail needs the ``audit`` permission (auditors and admins) and is itself recorded,
as through the API: ``audit.read`` for a page, ``audit.export`` for a CSV file.
"""

from __future__ import annotations

import csv
import io
import json

from flask import Response, g, request, stream_with_context

from ...domain.admin import Outcome, Permission
from .. import actions, labels
from ..web import blueprint, page, query_time

PAGE = 50
EXPORT_BATCH = 1000
COLUMNS = ("seq", "at_cst", "at_utc", "actor", "actor_role", "action", "target_type", "target_id",
           "outcome", "detail", "request_id", "before", "after")


def _filters() -> dict:
    args = request.args
    outcome = args.get("outcome") if args.get("outcome") in {o.value for o in Outcome} else None
    return {"actor": (args.get("actor") or "").strip() or None,
            "action": (args.get("action") or "").strip() or None,
            "target_id": (args.get("target") or "").strip() or None,
            "outcome": outcome, "since": query_time("since"), "until": query_time("until")}


@blueprint.get("/audit")
def audit():
    filters = _filters()
    before = request.args.get("before", type=int)
    items = actions.read("audit.read", "audit", None, lambda uow, now: uow.audit.list(
        **filters, before=before, newest_first=True, limit=PAGE),
        permission=Permission.AUDIT, audited=True)
    cursor = items[-1].seq if len(items) == PAGE else None
    return page("audit.html", items=items, cursor=cursor, outcomes=[o.value for o in Outcome],
                since=labels.cst_input(filters["since"]), until=labels.cst_input(filters["until"]))


@blueprint.get("/audit.csv")
def audit_csv():
    """Every matching event, oldest first, streamed in batches (each its own read)."""
    filters = _filters()
    actions.read("audit.export", "audit", None, lambda uow, now: None,
                 permission=Permission.AUDIT, audited=True)  # authorised and recorded first
    uow_factory = g.c.uow

    def rows():
        yield "\ufeff" + _line(COLUMNS)  # a BOM: spreadsheets then read the Chinese as UTF-8
        after = None
        while True:
            with uow_factory(readonly=True) as uow:
                batch = uow.audit.list(**filters, after=after, limit=EXPORT_BATCH)
            for e in batch:
                yield _line([e.seq, labels.cst(e.at), e.at.isoformat().replace("+00:00", "Z"),
                             *map(_cell, (e.actor, e.actor_role, e.action, e.target_type,
                                          e.target_id, e.outcome.value, e.detail, e.request_id)),
                             _cell(_json(e.before)), _cell(_json(e.after))])
            if len(batch) < EXPORT_BATCH:
                return
            after = batch[-1].seq

    return Response(stream_with_context(rows()), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="govgate-audit.csv"'})


def _line(values) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _cell(value) -> str:
    """Text that a spreadsheet would run as a formula is quoted (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
