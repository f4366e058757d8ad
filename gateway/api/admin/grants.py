"""/admin/grants and /admin/operations"""

from __future__ import annotations

from ...domain.admin import Permission
from .. import context
from . import present
from ._common import read, run, timestamp


def list_operations():
    catalogue = context.container().access.catalogue
    return present.ok({
        "operations": sorted(catalogue.grantable),
        "groups": {name: sorted(ops) for name, ops in sorted(catalogue.groups.items())},
    })


def list_grants(partner_id=None, operation=None, after=None, limit=50):
    c = context.container()
    items = read("grant.list", "grant", None, lambda uow, now: uow.grants.list(
        partner_id=partner_id, operation=operation, after=after, limit=limit))
    now = c.clock()
    cursor = items[-1].id if items else None
    return present.ok(present.page([present.grant(g, now) for g in items], limit, cursor))


def create_grant(body):
    c = context.container()
    expires_at = timestamp(body.get("expires_at"), "/body/expires_at")
    actor = context.actor()
    grant = run("grant.create", "partner", body["partner_id"], Permission.WRITE,
                lambda uow, now: c.access.grant(uow, body["partner_id"], body["operation"],
                                                expires_at, now, actor.id))
    return present.ok(present.grant(grant, c.clock()), 201)


def delete_grant(grant_id):
    run("grant.delete", "grant", str(grant_id), Permission.WRITE,
        lambda uow, now: context.container().access.revoke(uow, grant_id))
    return None, 204
