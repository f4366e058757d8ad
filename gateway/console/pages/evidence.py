"""The evidence log: its size, the latest signed checkpoint and its witnesses' cosignatures,
and "verify now" (the whole log recomputed; permission ``audit``, recorded as ``log.verify``)."""

from __future__ import annotations

from flask import g

from ...domain.admin import Permission
from .. import actions
from ..web import blueprint, page


def _state():
    view = g.c.evidence_view
    return actions.read("log.read", "log", None,
                        lambda uow, now: (view.size(uow), view.pending(uow))), view.latest_checkpoint()


@blueprint.get("/evidence")
def evidence():
    (size, pending), checkpoint = _state()
    return page("evidence.html", size=size, pending=pending, checkpoint=checkpoint, result=None)


@blueprint.post("/evidence/verify")
def verify_log():
    actions.read("log.verify", "log", None, lambda uow, now: None, permission=Permission.AUDIT, audited=True)
    result = g.c.evidence_view.verify_now()
    (size, pending), checkpoint = _state()
    return page("evidence.html", size=size, pending=pending, checkpoint=checkpoint, result=result)
