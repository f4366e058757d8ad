"""/admin/risk-areas: the 86号-7 reference data, audited like every admin change."""

from __future__ import annotations

from ...domain.admin import Permission
from ...services.measures import risk_areas
from .. import context
from . import present
from ._common import read, run


def list_risk_areas(division_code=None, include_withdrawn=False):
    items = read("risk_area.list", "risk_area", None, lambda uow, now: uow.risk_areas.list(
        division_code or "", include_withdrawn))
    return present.ok({"items": [risk_areas.present(a) for a in items]})


def create_risk_area(body):
    actor = context.actor().id
    area = run("risk_area.create", "risk_area", None, Permission.WRITE,
               lambda uow, now: risk_areas.record(uow, body, actor, now))
    return present.ok(risk_areas.present(area), 201)


def withdraw_risk_area(area_id, body):
    area = run("risk_area.withdraw", "risk_area", area_id, Permission.WRITE,
               lambda uow, now: risk_areas.withdraw(uow, area_id, body["reason"], now))
    return present.ok(risk_areas.present(area))
