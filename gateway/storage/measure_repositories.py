"""Repositories of the measures: decisions and the region-wide claim register."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ARRAY, Connection, String, any_, cast, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import array

from . import tables as t


@dataclass
class StoredDecision:
    id: str
    measure: str
    subject_key: str
    division_code: str
    year: int
    outcome: str
    amount_fen: int
    rule_set_version: str
    channel: str
    source_id: str
    sender_id: str
    record: dict
    created_at: datetime
    payout_state: str | None = None
    claim_keys: tuple = field(default=(), compare=False)  # staged with it, stored apart

    def row(self) -> dict:
        values = dict(self.__dict__)
        values.pop("claim_keys")
        return values


@dataclass(frozen=True)
class ClaimHolder:
    decision_id: str
    measure: str
    division_code: str
    created_at: datetime | None  # None: taken earlier in the same chunk, not yet committed


_COLUMNS = [c for c in t.measure_decisions.c]
_ADD_DECISION = insert(t.measure_decisions)
_ADD_CLAIM = insert(t.measure_claims)


def _decision(row) -> StoredDecision:
    return StoredDecision(**row._mapping)


class MeasureDecisionRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, decision: StoredDecision) -> None:
        self._conn.execute(_ADD_DECISION, decision.row())

    def add_many(self, decisions: list[StoredDecision]) -> None:
        if decisions:
            self._conn.execute(_ADD_DECISION, [d.row() for d in decisions])

    def get(self, decision_id: str) -> StoredDecision | None:
        row = self._conn.execute(select(*_COLUMNS).where(t.measure_decisions.c.id == decision_id)).first()
        return _decision(row) if row else None

    def payable(self, measure: str, year: int, division_prefix: str, *, source_id: str | None,
                retry_failed: bool, limit: int) -> list[StoredDecision]:
        """Eligible decisions (with an account) never instructed — and, when asked, those whose
        last payout failed — oldest first."""
        c = t.measure_decisions.c
        states = [c.payout_state.is_(None)] + ([c.payout_state == "failed"] if retry_failed else [])
        query = select(*_COLUMNS).where(
            c.measure == measure, c.year == year, c.outcome == "eligible",
            c.division_code.startswith(division_prefix, autoescape=True), or_(*states))
        if source_id:
            query = query.where(c.source_id == source_id)
        return [_decision(r) for r in self._conn.execute(query.order_by(c.created_at, c.id).limit(limit))]

    def set_payout_state(self, decision_ids: list[str], state: str) -> None:
        c = t.measure_decisions.c
        if decision_ids:
            self._conn.execute(update(t.measure_decisions).where(c.id.in_(decision_ids)).values(payout_state=state))

    def progress(self, measure: str | None, division_prefix: str, year: int | None) -> list[tuple]:
        """(measure, division, year, outcome, payout_state, count, amount) groups, for 调度 reports."""
        c = t.measure_decisions.c
        query = select(c.measure, c.division_code, c.year, c.outcome, c.payout_state, func.count(),
                       func.coalesce(func.sum(c.amount_fen), 0)).where(
            c.division_code.startswith(division_prefix, autoescape=True))
        if measure:
            query = query.where(c.measure == measure)
        if year:
            query = query.where(c.year == year)
        query = query.group_by(c.measure, c.division_code, c.year, c.outcome, c.payout_state)
        return [tuple(r) for r in self._conn.execute(query)]

    def of_source(self, source_id: str, after: str = "", limit: int = 100) -> list[StoredDecision]:
        """A page of a run's (or message's) decisions in id order, after the id ``after``."""
        c = t.measure_decisions.c
        rows = self._conn.execute(select(*_COLUMNS).where(c.source_id == source_id, c.id > after)
                                  .order_by(c.id).limit(limit))
        return [_decision(r) for r in rows]


def _as_is(key: str) -> str:
    return key


class ClaimRegister:
    """The region-wide claim register. Callers name keys as the measures build them; what is
    stored is ``stored_key(key)`` (``domain.personal.ClaimKeyPseudonyms``: citizen IDs keyed-
    hashed), so the table alone does not reveal who claimed (docs/privacy.md)."""

    def __init__(self, conn: Connection, stored_key: Callable[[str], str] = _as_is) -> None:
        self._conn, self._stored = conn, stored_key

    def holder(self, group: str, key: str) -> ClaimHolder | None:
        c = t.measure_claims.c
        row = self._conn.execute(select(c.decision_id, c.measure, c.division_code, c.created_at)
                                 .where(c.claim_group == group, c.claim_key == self._stored(key))).first()
        return ClaimHolder(*row) if row else None

    def holders(self, group: str, keys: list[str]) -> dict[str, ClaimHolder]:
        """Holders by the keys as asked (the stored pseudonyms stay inside)."""
        named = {self._stored(key): key for key in keys}
        return {named[stored]: holder for stored, holder in self._holders(group, list(named)).items()}

    def _holders(self, group: str, keys: list[str]) -> dict[str, ClaimHolder]:
        c = t.measure_claims.c
        columns = select(c.claim_key, c.decision_id, c.measure, c.division_code, c.created_at)
        if self._conn.dialect.name == "postgresql":
            # = ANY(ARRAY[…]) is planned per statement (a generic plan made while the table was
            # empty would scan it); padded to a multiple of 1,024 so few statement shapes exist.
            padded = keys + [""] * (-len(keys) % 1024)
            rows = self._conn.execute(columns.where(c.claim_group == group,
                                                    c.claim_key == any_(cast(array(padded), ARRAY(String)))))
            return {key: ClaimHolder(*rest) for key, *rest in rows}
        found = {}
        for start in range(0, len(keys), 500):  # bounded IN lists
            rows = self._conn.execute(columns.where(c.claim_group == group, c.claim_key.in_(keys[start:start + 500])))
            found |= {key: ClaimHolder(*rest) for key, *rest in rows}
        return found

    def take_many(self, rows: list[tuple]) -> None:
        if rows:
            self._conn.execute(_ADD_CLAIM, [{"claim_group": g, "claim_key": self._stored(k), "decision_id": d, "measure": m,
                                             "division_code": dc, "created_at": at} for g, k, d, m, dc, at in rows])

    def take(self, group: str, key: str, decision_id: str, measure: str, division_code: str,
             at: datetime) -> None:
        self._conn.execute(_ADD_CLAIM, {"claim_group": group, "claim_key": self._stored(key), "decision_id": decision_id,
                                        "measure": measure, "division_code": division_code,
                                        "created_at": at})


@dataclass
class RiskArea:
    id: str
    division_code: str
    area_name: str
    level: str
    valid_from: str
    valid_to: str | None
    source: str
    recorded_by: str
    recorded_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = None


class RiskAreaRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, area: RiskArea) -> None:
        self._conn.execute(insert(t.risk_areas).values(**area.__dict__))

    def get(self, area_id: str) -> RiskArea | None:
        row = self._conn.execute(select(t.risk_areas).where(t.risk_areas.c.id == area_id)).first()
        return RiskArea(**row._mapping) if row else None

    def withdraw(self, area_id: str, reason: str, at: datetime) -> None:
        self._conn.execute(update(t.risk_areas).where(t.risk_areas.c.id == area_id)
                           .values(withdrawn_at=at, withdrawn_reason=reason))

    def list(self, division_prefix: str = "", include_withdrawn: bool = False) -> list[RiskArea]:
        c = t.risk_areas.c
        query = select(t.risk_areas).where(c.division_code.startswith(division_prefix, autoescape=True))
        if not include_withdrawn:
            query = query.where(c.withdrawn_at.is_(None))
        return [RiskArea(**r._mapping) for r in self._conn.execute(query.order_by(c.division_code, c.valid_from, c.id))]

    def in_force_within(self, division_prefix: str, first: str, last: str) -> list[RiskArea]:
        """Areas under ``division_prefix`` whose period overlaps ``first`` … ``last`` (ISO dates)."""
        c = t.risk_areas.c
        query = select(t.risk_areas).where(
            c.division_code.startswith(division_prefix, autoescape=True), c.withdrawn_at.is_(None),
            c.valid_from <= last, (c.valid_to.is_(None)) | (c.valid_to >= first)).order_by(c.id)
        return [RiskArea(**r._mapping) for r in self._conn.execute(query)]


@dataclass
class PayoutLine:
    reference: str
    payout_batch_id: str
    decision_id: str
    attempt: int
    measure: str
    division_code: str
    amount_fen: int
    payee: dict
    state: str
    created_at: datetime
    bank_status: str | None = None
    bank_detail: str | None = None
    settled_at: datetime | None = None


class PayoutLineRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_many(self, lines: list[PayoutLine]) -> None:
        if lines:
            self._conn.execute(insert(t.payout_lines), [line.__dict__ for line in lines])

    def get_many(self, references: list[str]) -> dict[str, PayoutLine]:
        c = t.payout_lines.c
        rows = self._conn.execute(select(t.payout_lines).where(c.reference.in_(references)))
        return {r.reference: PayoutLine(**r._mapping) for r in rows}

    def settle(self, reference: str, state: str, bank_status: str, detail: str | None, at: datetime) -> None:
        c = t.payout_lines.c
        self._conn.execute(update(t.payout_lines).where(c.reference == reference).values(
            state=state, bank_status=bank_status, bank_detail=detail, settled_at=at))

    def of_batch(self, payout_batch_id: str, after: str = "", limit: int = 100) -> list[PayoutLine]:
        c = t.payout_lines.c
        rows = self._conn.execute(select(t.payout_lines).where(
            c.payout_batch_id == payout_batch_id, c.reference > after).order_by(c.reference).limit(limit))
        return [PayoutLine(**r._mapping) for r in rows]

    def counts(self, payout_batch_id: str) -> dict[str, dict]:
        c = t.payout_lines.c
        rows = self._conn.execute(select(c.state, func.count(), func.coalesce(func.sum(c.amount_fen), 0))
                                  .where(c.payout_batch_id == payout_batch_id).group_by(c.state))
        return {state: {"lines": n, "amount_fen": int(total)} for state, n, total in rows}

    def attempts(self, decision_ids: list[str]) -> dict[str, int]:
        c = t.payout_lines.c
        rows = self._conn.execute(select(c.decision_id, func.max(c.attempt))
                                  .where(c.decision_id.in_(decision_ids)).group_by(c.decision_id))
        return dict(rows.all())
