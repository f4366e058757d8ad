"""/admin/measures/progress: the 调度 report over the admin API."""

from __future__ import annotations

from ...services.measures import progress
from . import present
from ._common import read


def measure_progress(measure=None, division_code=None, year=None):
    def work(uow, now):
        from .. import context
        code = context.container().measures.catalogue.get(measure).code if measure else None
        return progress.report(uow, code, division_code or "", year)
    return present.ok({"items": read("measure.progress", "measure", measure, work)})
