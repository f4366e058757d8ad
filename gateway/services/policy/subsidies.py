"""Quarterly interest-subsidy claims (贴息) and finance's decisions, 86号-16."""

from __future__ import annotations

import datetime as dt

from ...domain.partners import Partner, Role
from ...errors import Conflict
from ...storage.policy_repositories import StoredMessage
from .common import Checks, Outcome, china_today
from .recipients import nearest
from .references import delivered_to, not_yet_answered, own_qualification

CLAIM = "subsidy_claim"
DECISION = "subsidy_decision"
TOTALS = ("principal_fen", "interest_fen", "subsidy_requested_fen")


def quarter_end(period: str) -> dt.date:
    year, quarter = int(period[:4]), int(period[-1])
    first_of_next = dt.date(year + quarter // 4, quarter % 4 * 3 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def claim(uow, bank: Partner, body: dict, message_id: str, now: dt.datetime) -> Outcome:
    today = china_today(now)
    checks = Checks()
    period, lines = body["period"], body["lines"]
    if quarter_end(period) >= today:
        checks.fail("/period", "only a quarter that has ended can be claimed")
    for name in TOTALS:
        if sum(line[name] for line in lines) != body["totals"][name]:
            checks.fail(f"/totals/{name}", "does not equal the sum of the lines")
    seen: set[tuple[str, str]] = set()
    for i, line in enumerate(lines):
        if line["subsidy_requested_fen"] > line["interest_fen"]:
            checks.fail(f"/lines/{i}/subsidy_requested_fen", "the subsidy cannot exceed the interest charged (86号-16)")
        loan = (line["qualification_id"], line["loan_reference"])
        if loan in seen:
            checks.fail(f"/lines/{i}/loan_reference", "this loan appears twice in the claim")
        seen.add(loan)
    checks.raise_if_any("the subsidy claim is not valid")

    divisions = set()
    ended = quarter_end(period)
    for i, line in enumerate(lines):
        qualification = own_qualification(uow, line["qualification_id"], bank.id, dt.date.min,
                                          f"/lines/{i}/qualification_id")  # validity: when lent, not now
        decided = dt.date.fromisoformat(qualification.decision["decided_on"])
        if ended < decided:  # 86号-16: qualification → guarantee → loan → interest → subsidy
            checks.fail(f"/lines/{i}/qualification_id",
                        f"qualified on {decided}, after {period} ended: no loan of that quarter "
                        "can rest on it (86号-16)")
        divisions.add(qualification.division_code)
        earlier = uow.subsidy_claim_lines.claimed_in(line["qualification_id"], line["loan_reference"], period)
        if earlier is not None:
            error = Conflict(f"loan {line['loan_reference']} was already claimed for {period} in claim {earlier}",
                             reason="already_claimed")
            error.extra = {"existing_message_id": earlier, "pointer": f"/body/lines/{i}"}
            raise error
    if len(divisions) > 1:
        checks.fail("/lines", "one claim covers loans of one division; split it per division")
    checks.raise_if_any("the subsidy claim is not valid")
    finance = nearest(uow, Role.FINANCE, divisions.pop(), "/lines")
    message = StoredMessage(message_id, CLAIM, bank.id, finance.division_code, None, body, now)

    def lines_claimed(u) -> None:
        for line in lines:  # the unique key refuses a concurrent second claim of the same loan-quarter
            u.subsidy_claim_lines.add(line["qualification_id"], line["loan_reference"], period, message_id)

    return Outcome(message, [finance.id], extra_writes=[lines_claimed])


def decide(uow, finance: Partner, claim_id: str, body: dict, message_id: str, now: dt.datetime) -> Outcome:
    claimed = delivered_to(uow, claim_id, CLAIM, finance.id)
    not_yet_answered(uow, claimed, DECISION)
    requested = {line["loan_reference"]: line for line in claimed.payload["lines"]}
    checks = Checks()
    answered = [line["loan_reference"] for line in body["lines"]]
    if sorted(answered) != sorted(requested):
        checks.fail("/lines", "decide every line of the claim exactly once")
    for i, line in enumerate(body["lines"]):
        claimed_line = requested.get(line["loan_reference"])
        if line["outcome"] == "approved":
            if "approved_fen" not in line:
                checks.fail(f"/lines/{i}/approved_fen", "required for an approved line")
            elif claimed_line and line["approved_fen"] > claimed_line["subsidy_requested_fen"]:
                checks.fail(f"/lines/{i}/approved_fen", "exceeds the subsidy requested")
        elif not line.get("reason"):
            checks.fail(f"/lines/{i}/reason", "a rejected line must give its reason")
    checks.raise_if_any("the subsidy decision is not valid")
    message = StoredMessage(message_id, DECISION, finance.id, claimed.division_code, claimed.id, body, now)
    return Outcome(message, [claimed.sender_id], rechecks=[lambda u: not_yet_answered(u, claimed, DECISION)])
