"""The living-allowance schedules of 86号-13 (一次性生活补助标准), operators' reference data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from . import tables as t


@dataclass
class LivingAllowanceSchedule:
    id: str
    division_code: str
    valid_from: str
    valid_to: str | None
    bands: list  # [{"min_months": int, "max_months": int | None, "amount_fen": int}], ascending
    source: str
    recorded_by: str
    recorded_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = None


class LivingAllowanceScheduleRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, schedule: LivingAllowanceSchedule) -> None:
        self._conn.execute(insert(t.living_allowance_schedules).values(**schedule.__dict__))

    def get(self, schedule_id: str) -> LivingAllowanceSchedule | None:
        c = t.living_allowance_schedules.c
        row = self._conn.execute(select(t.living_allowance_schedules).where(c.id == schedule_id)).first()
        return LivingAllowanceSchedule(**row._mapping) if row else None

    def withdraw(self, schedule_id: str, reason: str, at: datetime) -> None:
        c = t.living_allowance_schedules.c
        self._conn.execute(update(t.living_allowance_schedules).where(c.id == schedule_id)
                           .values(withdrawn_at=at, withdrawn_reason=reason))

    def list(self, division_prefix: str = "", include_withdrawn: bool = False) -> list[LivingAllowanceSchedule]:
        c = t.living_allowance_schedules.c
        query = select(t.living_allowance_schedules).where(
            c.division_code.startswith(division_prefix, autoescape=True))
        if not include_withdrawn:
            query = query.where(c.withdrawn_at.is_(None))
        rows = self._conn.execute(query.order_by(c.division_code, c.valid_from, c.id))
        return [LivingAllowanceSchedule(**r._mapping) for r in rows]

    def of_divisions(self, divisions: list[str]) -> list[LivingAllowanceSchedule]:
        """The schedules (not withdrawn) recorded for exactly these division codes."""
        c = t.living_allowance_schedules.c
        query = select(t.living_allowance_schedules).where(
            c.division_code.in_(divisions), c.withdrawn_at.is_(None)).order_by(c.valid_from, c.id)
        return [LivingAllowanceSchedule(**r._mapping) for r in self._conn.execute(query)]
