"""A batch's status (progress: lines done / total) and its results by page.

The streamed operations (sending a batch, downloading its results) are served before routing
by ``api/partner/bulk.py``; ``start_comparison_run`` and ``download_batch_results`` are what connexion binds for them, and it answers
only if a request ever reaches it past that layer (a misconfigured stack), with a clear 500.
"""

from __future__ import annotations

import json

from ...errors import GovgateError, NotFound
from .. import context
from ..admin.present import ok


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


def batch_status(batch) -> dict:
    base = f"/v1/batches/{batch.id}"
    return {
        "batch_id": batch.id, "kind": batch.kind, "params": batch.params, "state": batch.state,
        "lines_total": batch.lines_total, "lines_done": batch.lines_done, "bytes": batch.bytes,
        "content_digest": batch.content_digest, "created_at": _iso(batch.created_at),
        "received_at": _iso(batch.received_at), "finished_at": _iso(batch.finished_at),
        "summary": batch.summary, "refusal": batch.refusal, "results_digest": batch.results_digest,
        "results_signature": batch.results_signature,
        "status_url": base, "lines_url": base + "/lines", "results_url": base + "/results",
    }


def _own(batch_id: str):
    c, exchange = context.container(), context.exchange()
    with c.uow(readonly=True) as uow:
        batch = uow.batches.get(batch_id)
    if batch is None or batch.partner_id != exchange.partner_id:
        raise NotFound(f"no batch {batch_id} of yours", reason="batch_not_found")
    return c, batch


def get_batch(batch_id):
    _, batch = _own(batch_id)
    return ok(batch_status(batch))


def list_batch_lines(batch_id, after=0, limit=100):
    c, batch = _own(batch_id)
    with c.uow(readonly=True) as uow:
        lines = uow.batches.lines(batch.id, after, limit)
    items = [{"line": line.seq, "outcome": line.outcome,
              "result": json.loads(line.result) if line.result else None} for line in lines]
    return ok({"items": items, "next_after": lines[-1].seq if len(lines) == limit else None,
               "lines_done": batch.lines_done, "lines_total": batch.lines_total, "state": batch.state})


def _stream_only():
    raise GovgateError("this operation is served by the streaming layer, which is not installed",
                       reason="bulk_layer_missing")


def start_comparison_run(**_params):
    _stream_only()


def download_batch_results(**_params):
    _stream_only()


def submit_payout_results(**_params):
    _stream_only()
