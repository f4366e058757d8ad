"""Comparison runs (比对), 免申即享: HR sends its register of employers for a measure, a year and
a division as one bulk batch; each line goes through the measure pipeline.

Per line the result is the signed decision — eligible with its amount, refused with machine
reasons, or eligible but without a bank account (referred to the web hall for an online
application) — or ``invalid`` with JSON Pointers into the line. A partner outage stops the
chunk (nothing of it is stored) and the worker tries again: facts are never guessed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ...contract import line_validator
from ...domain.identifiers import validate_division_code
from ...domain.partners import Partner
from ...errors import FieldError, GovgateError, InvalidInput
from ...policy.measures.model import Outcome
from ...storage.batch_repositories import Batch, BatchLine
from ..bulk.kinds import LineResult
from ..policy.common import china_today
from .pipeline import MeasurePipeline, Source

INVALID = "invalid"


def _query_error(name: str, detail: str) -> InvalidInput:
    return InvalidInput(f"the comparison run's {name} is not valid", reason="parameter_invalid",
                        status=400, pointers_absolute=True, errors=[FieldError(f"/query/{name}", detail)])


def covers(office: str, division: str) -> bool:
    """A county office runs its county; a prefecture's, its counties; the province's, all."""
    level = office[:2] if office.endswith("0000") else office[:4] if office.endswith("00") else office
    return division.startswith(level)


class ComparisonRuns:
    name = "comparison"

    def __init__(self, pipeline: MeasurePipeline) -> None:
        self.pipeline = pipeline
        self._check = line_validator("EmployerApplication")

    def parameters(self, sender: Partner, query: Mapping[str, str], path: Mapping[str, str]) -> dict:
        for name in ("measure", "year", "division_code"):
            if not query.get(name):
                raise _query_error(name, "is required")
        try:
            measure = self.pipeline.catalogue.get(query["measure"])
        except GovgateError:
            raise _query_error("measure", "names no measure the gateway runs") from None
        if "comparison" not in measure.channels:
            raise _query_error("measure", f"{measure.code} is not paid by comparison")
        if not query["year"].isdigit() or not 2000 <= int(query["year"]) <= 2100:
            raise _query_error("year", "must be a year (2000-2100)")
        try:
            division = validate_division_code(query["division_code"])
        except InvalidInput as error:
            raise _query_error("division_code", error.detail) from None
        if not covers(sender.division_code, division):
            raise _query_error("division_code", f"outside the sender's division {sender.division_code}")
        return {"measure": measure.code, "year": int(query["year"]), "division_code": division}

    def answer(self, batch: Batch, lines: list[BatchLine]):
        p = self.pipeline
        measure = p.catalogue.get(batch.params["measure"])
        now = p.clock()
        invalid: dict[int, list[FieldError]] = {}
        subjects = {}
        for line in lines:
            subject, errors = self._subject(measure, batch.params, line, china_today(now))
            if errors:
                invalid[line.seq] = errors
            else:
                subjects[line.seq] = subject
        facts = p.gather(measure, list(subjects.values()))  # Unavailable: the chunk waits
        judged = {seq: p.judge(measure, s, facts[s.key]) for seq, s in subjects.items()}
        source = Source("comparison", batch.id, batch.partner_id)
        web_halls: dict[str, list[str]] = {}  # division → its web hall, asked once a chunk

        def commit(uow) -> list[LineResult]:
            order = sorted(subjects)
            decisions = p.register_many(uow, [(judged[seq], f"{batch.id}.{seq}", subjects[seq].division_code)
                                              for seq in order])
            stored = {seq: p.record(d, subjects[seq], source, now, decision_id=f"{batch.id}.{seq}")
                      for seq, d in zip(order, decisions, strict=True)}
            referrals = {}
            for seq, d in zip(order, decisions, strict=True):
                if d.outcome is Outcome.NO_ACCOUNT:
                    division = subjects[seq].division_code
                    if division not in web_halls:
                        web_halls[division] = p.recipients(uow, d, subjects[seq])
                    referrals[stored[seq].id] = web_halls[division]
            p.stage_many(uow, list(stored.values()), referrals, now)
            results = []
            for line in lines:
                if line.seq in invalid:
                    results.append(LineResult(line.seq, INVALID, {"line": line.seq, "outcome": INVALID,
                                   "errors": [{"pointer": e.pointer, "detail": e.detail}
                                              for e in invalid[line.seq]]}))
                else:
                    record = stored[line.seq]
                    results.append(LineResult(line.seq, record.outcome, {"line": line.seq, **record.record}))
            return results

        return commit

    def _subject(self, measure, params: dict, line: BatchLine, today):
        try:
            body = json.loads(line.body)
        except ValueError:
            return None, [FieldError("", "the line is not valid JSON")]
        if not isinstance(body, dict):
            return None, [FieldError("", "the line must be a JSON object")]
        if "bank_account" in body:
            return None, [FieldError("/bank_account", "a comparison run takes accounts from social insurance")]
        if body.setdefault("year", params["year"]) != params["year"]:
            return None, [FieldError("/year", f"the run is for {params['year']}")]
        errors = self._check(body)
        if errors:
            return None, [FieldError(pointer, message) for pointer, message in errors]
        try:
            subject = self.pipeline.validate(measure, body, today)
        except InvalidInput as error:
            return None, error.errors or [FieldError("", error.detail)]
        if not covers(params["division_code"], subject.division_code):
            return None, [FieldError("/employer/division_code",
                                     f"outside the run's division {params['division_code']}")]
        return subject, []
