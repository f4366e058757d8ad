"""Messages and deliveries: find a message (id, partner, kind, time), see each recipient's
delivery (attempts, last error, receipt), download its evidence bundle; the dead letters, and
re-driving them (permission ``redrive``: operators and admins)."""

from __future__ import annotations

import json
from datetime import datetime

from flask import Response, g, redirect, request, url_for

from ...delivery import dead_letters
from ...domain.admin import Permission
from ...errors import FieldError, InvalidInput, NotFound
from ...storage.delivery_repositories import DEAD
from .. import actions, labels
from ..web import blueprint, done, page, query_time

PAGE = 50


@blueprint.get("/messages")
def messages():
    args = request.args
    wanted = (args.get("id") or "").strip()
    if wanted:
        return redirect(url_for("console.message", message_id=wanted), code=303)
    since, until = query_time("since"), query_time("until")
    before = _cursor(args.get("before"))

    def work(uow, now):
        return uow.messages.search(partner_id=(args.get("partner") or "").strip().upper() or None,
                                   kind=args.get("kind") or None, since=since, until=until,
                                   before=before, limit=PAGE), uow.messages.kinds()

    items, kinds = actions.read("message.list", "message", None, work)
    last = items[-1] if len(items) == PAGE else None
    cursor = f"{last.created_at.isoformat()}|{last.id}" if last else None
    return page("messages.html", items=items, kinds=kinds, cursor=cursor,
                since=labels.cst_input(since), until=labels.cst_input(until))


def _cursor(text: str | None):
    """The paging cursor "<created_at>|<message id>" of the last message shown, or None."""
    if not text:
        return None
    at, _, message_id = text.partition("|")
    try:
        moment = datetime.fromisoformat(at)
        if not message_id or moment.tzinfo is None:
            raise ValueError(text)
        return moment, message_id
    except ValueError:
        raise InvalidInput("the paging cursor is not valid", reason="validation_failed",
                           errors=[FieldError("/query/before", "not a cursor of this page")]) from None


@blueprint.get("/messages/<message_id>")
def message(message_id: str):
    def work(uow, now):
        found = uow.messages.get(message_id)
        if found is None:
            raise NotFound(f"no message {message_id}", reason="message_not_found")
        return found, uow.deliveries.for_message(message_id), uow.message_log.by_message_id(message_id)

    found, deliveries, entries = actions.read("message.status", "message", message_id, work)
    # The payload (personal data, 86号 exchanges) is not shown: as through the API, it is read
    # only in the evidence bundle, and that read is audited.
    return page("message.html", section="console.messages", m=found, deliveries=deliveries,
                logged=bool(entries))


def _sender_jwk(uow, fingerprint: str) -> dict:
    key = uow.keys.with_fingerprint(fingerprint)
    return dict(key.jwk) if key else {}


@blueprint.get("/messages/<message_id>/evidence")
def evidence_bundle(message_id: str):
    """The same bundle as GET /v1/messages/{id}/evidence, recorded as evidence.read."""
    actions.read("evidence.read", "message", message_id, lambda uow, now: None, audited=True)
    bundle = g.c.message_log.bundle(message_id, _sender_jwk)
    body = json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="evidence-{_safe(message_id)}.json"'})


def _safe(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum() or ch in "-_.")[:80] or "message"


@blueprint.get("/dead-letters", endpoint="dead_letters")
def dead_letter_list():
    after = request.args.get("after", type=int)
    items = actions.read("delivery.list", "delivery", None, lambda uow, now: dead_letters.list_deliveries(
        uow, state=DEAD, recipient_id=(request.args.get("recipient") or "").strip() or None,
        after=after, limit=PAGE))
    cursor = items[-1].id if len(items) == PAGE else None
    return page("dead_letters.html", items=items, cursor=cursor)


@blueprint.post("/deliveries/<int:delivery_id>/redrive")
def redrive(delivery_id: int):
    delivery = actions.run("delivery.redrive", "delivery", str(delivery_id), Permission.REDRIVE,
                           lambda uow, now: dead_letters.redrive(uow, delivery_id, now))
    if request.form.get("back") == "message":
        return done("console.message", "notice.redriven", message_id=delivery.message_id)
    return done("console.dead_letters", "notice.redriven")
