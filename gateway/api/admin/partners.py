"""/admin/partners"""

from __future__ import annotations

from ...domain.admin import Permission
from ...domain.partners import PartnerStatus
from .. import context
from . import present
from ._common import read, run


def list_partners(role=None, status=None, division_code=None, after=None, limit=50):
    items = read("partner.list", "partner", None, lambda uow, now: uow.partners.list(
        role=role, status=status, division_code=division_code, after=after, limit=limit))
    cursor = items[-1].id if items else None
    return present.ok(present.page([present.partner(p) for p in items], limit, cursor))


def create_partner(body):
    registry = context.container().partners
    partner = run("partner.create", "partner", body.get("id"), Permission.WRITE,
                  lambda uow, now: registry.register(uow, body, now))
    return present.ok(present.partner(partner), 201)


def get_partner(partner_id):
    registry = context.container().partners
    partner = read("partner.get", "partner", partner_id, lambda uow, now: registry.get(uow, partner_id))
    return present.ok(present.partner(partner))


def update_partner(partner_id, body):
    registry = context.container().partners
    partner = run("partner.update", "partner", partner_id, Permission.WRITE,
                  lambda uow, now: registry.update(uow, partner_id, body, now))
    return present.ok(present.partner(partner))


def _set_status(partner_id, status: PartnerStatus, action: str):
    registry = context.container().partners
    partner = run(action, "partner", partner_id, Permission.WRITE,
                  lambda uow, now: registry.set_status(uow, partner_id, status, now))
    return present.ok(present.partner(partner))


def suspend_partner(partner_id):
    return _set_status(partner_id, PartnerStatus.SUSPENDED, "partner.suspend")


def activate_partner(partner_id):
    return _set_status(partner_id, PartnerStatus.ACTIVE, "partner.activate")
