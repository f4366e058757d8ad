"""Progress reports (工作要求(二) 调度): per measure, division and year, how many decisions are
eligible, refused, paid and failed, and for how much."""

from __future__ import annotations

STATES = ("eligible", "eligible_no_account", "refused", "instructed", "paid", "failed")


def report(uow, measure: str | None = None, division_code: str = "", year: int | None = None) -> list[dict]:
    prefix = division_code[:2] if division_code.endswith("0000") else \
        division_code[:4] if division_code.endswith("00") else division_code
    rows: dict[tuple, dict] = {}
    for m, division, y, outcome, payout, count, amount in uow.measure_decisions.progress(measure, prefix, year):
        row = rows.setdefault((m, division, y), {"measure": m, "division_code": division, "year": y,
                                                  **{s: {"count": 0, "amount_fen": 0} for s in STATES}})
        for state in {outcome, payout} - {None}:
            row[state]["count"] += count
            row[state]["amount_fen"] += int(amount) if state != "refused" else 0
    return [rows[key] for key in sorted(rows)]
