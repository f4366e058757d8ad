"""Keys: every partner key that expires within N days, the revoked ones, and the rotations in
progress (partners with two or more keys valid at once)."""

from __future__ import annotations

from datetime import timedelta

from flask import request

from .. import actions
from ..web import blueprint, page

DEFAULT_DAYS, MAX_DAYS = 30, 3650


def _days() -> int:
    try:
        days = int(request.args.get("days", DEFAULT_DAYS))
    except ValueError:
        days = DEFAULT_DAYS
    return min(max(days, 1), MAX_DAYS)


@blueprint.get("/keys")
def keys():
    days = _days()

    def work(uow, now):
        found = (uow.keys.expiring(now, now + timedelta(days=days)), uow.keys.revoked(),
                 uow.keys.valid_in_pairs(now))
        owners = {key.partner_id for keys in found for key in keys}
        names = {pid: partner.name for pid in owners if (partner := uow.partners.get(pid))}
        return (*found, names, now)

    expiring, revoked, rotating, names, now = actions.read("key.list", "key", None, work)
    return page("keys.html", days=days, expiring=expiring, revoked=revoked, rotating=rotating,
                names=names, now=now)
