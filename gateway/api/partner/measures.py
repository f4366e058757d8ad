"""The measures' partner handlers: one for every measure — the pipeline knows the measure."""

from __future__ import annotations

from ...services.measures import applications, payouts
from .. import context
from ..admin.present import ok
from .exchange import idempotency_key
from .policy import _accepted, _sender


def application(measure, body):
    """(outcome, status, answer) of one application; the channels' idioms share it."""
    c, exchange = context.container(), context.exchange()
    outcome = applications.decide(c.measures, _sender(c, exchange), measure, body,
                                  exchange.message_id, c.clock())
    status = 200 if outcome.answer.get(applications.EARLIER_CLAIM) else 201  # the first claim's status
    return outcome, status, outcome.answer


def submit_application(measure, body):
    return _accepted(*application(measure, body))


def submit_payout_batch(body):
    c, exchange = context.container(), context.exchange()
    outcome = payouts.instruct(c.measures, _sender(c, exchange), body, exchange.message_id, c.clock(),
                               c.settings.payout_max_lines)
    return _accepted(outcome, 201, outcome.answer)


def get_payout_batch(payout_batch_id):
    c, exchange = context.container(), context.exchange()
    with c.uow(readonly=True) as uow:
        return ok(payouts.status(uow, payout_batch_id, exchange.partner_id))


class _ReceivedBatch:
    """Staged with the exchange's evidence: the batch becomes ``received`` in that transaction."""

    def __init__(self, reception) -> None:
        self.reception = reception

    def store(self, uow, now) -> None:
        if self.reception is not None:  # None: the same batch again, nothing to store
            self.reception.accept(uow, now)


def payout_results_package(body):
    """The bank's results sent in one request (the front-end's GVPAYRES package): taken as a
    batch of lines of the same kind the streamed NDJSON endpoint makes, processed alike."""
    import json

    from ...services.bulk.reception import BatchReception, BulkLimits, begin
    from ...signatures.digest import StreamingDigest, content_digest
    from .batches import batch_status

    c, exchange = context.container(), context.exchange()
    sender, now = _sender(c, exchange), c.clock()
    kind = c.batch_kinds["payout_results"]
    params = kind.parameters(sender, {}, {"payout_batch_id": body["payout_batch_id"]})
    data = b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in body["lines"])
    digest = StreamingDigest(content_digest(data))
    batch, fresh = begin(c.uow, sender.id, kind.name, idempotency_key(exchange.request), params, digest, now)
    reception = None
    if fresh:
        reception = BatchReception(c.uow, batch, digest, BulkLimits(max_lines=c.settings.payout_max_lines))
        reception.feed(data)
        reception.end()
    answer = {**batch_status(batch), "state": "received" if fresh else batch.state,
              "lines_total": len(body["lines"])}
    return _ReceivedBatch(reception), 202, answer
