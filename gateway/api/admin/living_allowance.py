"""/admin/living-allowance-schedules: the 86号-13 reference data, audited like every admin change."""

from __future__ import annotations

from ...domain.admin import Permission
from ...services.measures import living_allowance
from .. import context
from . import present
from ._common import read, run


def list_schedules(division_code=None, include_withdrawn=False):
    items = read("living_allowance_schedule.list", "living_allowance_schedule", None,
                 lambda uow, now: uow.living_allowance_schedules.list(division_code or "", include_withdrawn))
    return present.ok({"items": [living_allowance.present(s) for s in items]})


def create_schedule(body):
    actor = context.actor().id
    schedule = run("living_allowance_schedule.create", "living_allowance_schedule", None, Permission.WRITE,
                   lambda uow, now: living_allowance.record(uow, body, actor, now))
    return present.ok(living_allowance.present(schedule), 201)


def withdraw_schedule(schedule_id, body):
    schedule = run("living_allowance_schedule.withdraw", "living_allowance_schedule", schedule_id,
                   Permission.WRITE,
                   lambda uow, now: living_allowance.withdraw(uow, schedule_id, body["reason"], now))
    return present.ok(living_allowance.present(schedule))
