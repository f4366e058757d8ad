"""Exceptions raised by the policy domain, all within the gateway's tree (``gateway.errors``).

    GovgateError
    ├── PolicyDataInvalid     operator-supplied rule or calendar data is malformed (startup)
    └── Unavailable
        ├── CalendarYearUnknown   no calendar covers the date's year
        └── NoRuleSetEffective    no loan rule set is in force on the decision date

The two ``Unavailable`` cases are gaps in reference data that an operator fills without a
release (a new calendar year, a new rule set). The caller's request is correct, so a 4xx would
wrongly tell it to change the request; 503 with a long ``retry_after`` says "try again once the
gateway has been configured", and the ``reason`` slug lets monitoring page the operator.
"""

from __future__ import annotations

from gateway.errors import GovgateError, Unavailable

# An operator adds the data by hand: retrying every 30 s would only add noise.
REFERENCE_DATA_RETRY_AFTER = 3600


class PolicyDataInvalid(GovgateError):
    """A rule-set or calendar file is malformed; ``path`` names the file and the bad element."""

    status = 500
    reason = "policy_data_invalid"

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class CalendarYearUnknown(Unavailable):
    """The official working-day schedule of ``year`` is known neither to the library nor to
    the operator calendar file; the gateway reports this rather than guessing (86号-1)."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"no official working-day calendar is configured for {year}",
            reason="calendar_year_unknown",
            retry_after=REFERENCE_DATA_RETRY_AFTER,
        )
        self.year = year


class NoRuleSetEffective(Unavailable):
    """No loan rule set is in force on the decision date (86号-16)."""

    def __init__(self, on: object) -> None:
        super().__init__(
            f"no loan-qualification rule set is in force on {on}",
            reason="rule_set_not_effective",
            retry_after=REFERENCE_DATA_RETRY_AFTER,
        )
        self.on = on
