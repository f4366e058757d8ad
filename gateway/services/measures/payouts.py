"""Payout batches: approved decisions become payout instructions to the paying bank
(经办金融机构), and the bank's per-line results come back as a bulk batch.

- A decision is instructed only while it has no live payout line: the partial unique index on
  ``payout_lines.decision_id`` (state ≠ failed) refuses a second one at commit, whatever HR
  retries or replays, so a decision is paid at most once. A failed line can be instructed
  again on purpose (``retry_failed``), as attempt n+1 with a new reference.
- The reference ``<decision id>#<attempt>`` is the bank's deduplication key (YURREF).
- Results: ``paid`` settles the line; any other bank status fails it and the failed lines are
  sent back to the partner that instructed them (``payout_failures``) — never dropped. A
  result repeated for a settled line is ``duplicate``; a contradicting one is ``conflict``
  and changes nothing.
- People (86号-11…15): a line's payee is ``people.payee`` — citizen id, name, ``account_kind``
  (bank_account | social_security_card), ``account_source`` — instead of a credit code. Those
  benefits are paid from the unemployment insurance fund by the social-insurance agency
  (失业保险经办机构), which may instruct the batch itself (role social_insurance) and keeps the
  card accounts on file: failed people's lines also go to the division's social-insurance
  agency when another partner (HR) instructed them, so the one who pays and can correct the
  account follows up (docs/benefits.md, "Paying people").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from ...contract import line_validator
from ...domain.identifiers import validate_division_code
from ...domain.partners import Partner, Role
from ...errors import FieldError, GovgateError, InvalidInput, NotFound
from ...storage.batch_repositories import Batch, BatchLine
from ...storage.measure_repositories import PayoutLine
from ...storage.policy_repositories import StoredMessage
from ..bulk.kinds import LineResult
from ..policy.common import Outcome
from ..policy.recipients import NoRecipient, nearest
from .comparison import covers
from .pipeline import MeasurePipeline

INSTRUCTIONS = "payout_instructions"
FAILURES = "payout_failures"
# The bank's status of a line → the line's state. Statuses are the canonical bank codes
# (adapters/bank/codes.py maps the front-end's own).
BANK_STATUSES = {"paid": "paid", "account_closed": "failed", "name_mismatch": "failed",
                 "account_not_found": "failed", "account_frozen": "failed", "rejected": "failed"}


def instruct(pipeline: MeasurePipeline, sender: Partner, body: dict, message_id: str,
             now: dt.datetime, max_lines: int) -> Outcome:
    try:
        measure = pipeline.catalogue.get(body["measure"])
    except GovgateError:
        raise InvalidInput("no such measure", reason="measure_unknown",
                           errors=[FieldError("/measure", "names no measure the gateway runs")]) from None
    try:
        division = validate_division_code(body["division_code"])
    except InvalidInput as error:
        raise InvalidInput("the division is not valid", errors=[FieldError("/division_code", error.detail)]) from None
    if not covers(sender.division_code, division):
        raise InvalidInput("outside your division", reason="division_not_yours",
                           errors=[FieldError("/division_code", f"outside {sender.division_code}")])
    prefix = division[:2] if division.endswith("0000") else division[:4] if division.endswith("00") else division
    with pipeline.uow(readonly=True) as uow:
        decisions = uow.measure_decisions.payable(
            measure.code, body["year"], prefix, source_id=body.get("source_id"),
            retry_failed=body.get("retry_failed", False), limit=max_lines)
        if not decisions:
            raise InvalidInput("no approved line is waiting to be paid for this measure, year and division",
                               reason="nothing_to_pay")
        bank = nearest(uow, Role.BANK, division, "/division_code")
        attempts = uow.payout_lines.attempts([d.id for d in decisions])
    lines = [PayoutLine(f"{d.id}#{attempts.get(d.id, 0) + 1}", message_id, d.id, attempts.get(d.id, 0) + 1,
                        d.measure, d.division_code, d.amount_fen, d.record["payee"], "instructed", now)
             for d in decisions]
    payload = {
        "payout_batch_id": message_id, "measure": measure.code, "year": body["year"],
        "division_code": division, "currency": "CNY", "line_count": len(lines),
        "total_fen": sum(line.amount_fen for line in lines),
        "lines": [{"reference": line.reference, "decision_id": line.decision_id, "measure": line.measure,
                   "amount_fen": line.amount_fen, "payee": line.payee} for line in lines],
    }

    def write(uow) -> None:
        uow.payout_lines.add_many(lines)  # the partial unique index: at most one live line each
        uow.measure_decisions.set_payout_state([line.decision_id for line in lines], "instructed")

    message = StoredMessage(message_id, INSTRUCTIONS, sender.id, division, None, payload, now)
    answer = {k: payload[k] for k in ("payout_batch_id", "measure", "year", "division_code",
                                      "line_count", "total_fen")}
    answer |= {"bank_id": bank.id, "status_url": f"/v1/payout-batches/{message_id}",
               "results_url": f"/v1/payout-batches/{message_id}/results"}
    return Outcome(message, [bank.id], answer=answer, extra_writes=[write])


def status(uow, payout_batch_id: str, partner_id: str) -> dict:
    message = uow.messages.get(payout_batch_id)
    if message is None or message.kind != INSTRUCTIONS or partner_id not in (
            message.sender_id, *uow.messages.recipients(payout_batch_id)):
        raise NotFound(f"no payout batch {payout_batch_id} of yours", reason="payout_batch_not_found")
    counts = uow.payout_lines.counts(payout_batch_id)
    lines = []
    after = ""
    while page := uow.payout_lines.of_batch(payout_batch_id, after, 1000):
        lines += [line for line in page if line.state == "failed"]
        after = page[-1].reference
    payload = message.payload
    return {"payout_batch_id": payout_batch_id, "measure": payload["measure"], "year": payload["year"],
            "division_code": payload["division_code"], "line_count": payload["line_count"],
            "total_fen": payload["total_fen"], "by_state": counts,
            "failed_lines": [{"reference": f.reference, "decision_id": f.decision_id, "amount_fen": f.amount_fen,
                              "bank_status": f.bank_status, "bank_detail": f.bank_detail} for f in lines]}


def failure_recipients(uow, params: Mapping, failed: list[dict]) -> list[str]:
    """The instructing partner; for failed people's lines (a payee with a citizen id) also the
    division's social-insurance agency, which pays those benefits and keeps the card accounts."""
    recipients = [params["hr_id"]]
    if any("citizen_id" in (line.get("payee") or {}) for line in failed):
        try:
            agency = nearest(uow, Role.SOCIAL_INSURANCE, params["division_code"], "/division_code").id
        except NoRecipient:
            agency = None
        if agency is not None and agency not in recipients:
            recipients.append(agency)
    return recipients


class PayoutResults:
    """The bank's results of a payout batch, one NDJSON line per reference."""

    name = "payout_results"

    def __init__(self, uow_factory, clock) -> None:
        self._uow, self._clock = uow_factory, clock
        self._check = line_validator("PayoutResultLine")

    def parameters(self, sender: Partner, query: Mapping[str, str], path: Mapping[str, str]) -> dict:
        batch_id = path["payout_batch_id"]
        with self._uow(readonly=True) as uow:
            message = uow.messages.get(batch_id)
            if message is None or message.kind != INSTRUCTIONS or sender.id not in uow.messages.recipients(batch_id):
                raise NotFound(f"no payout batch {batch_id} was sent to you", reason="payout_batch_not_found")
        return {"payout_batch_id": batch_id, "hr_id": message.sender_id, "division_code": message.division_code}

    def answer(self, batch: Batch, lines: list[BatchLine]):
        parsed, invalid = {}, {}
        for line in lines:
            try:
                body = json.loads(line.body)
            except ValueError:
                invalid[line.seq] = "the line is not valid JSON"
                continue
            errors = self._check(body)
            if errors:
                invalid[line.seq] = "; ".join(f"{pointer or '/'}: {message}" for pointer, message in errors)[:500]
            else:
                parsed[line.seq] = body
        now = self._clock()

        def commit(uow) -> list[LineResult]:
            known = uow.payout_lines.get_many([b["reference"] for b in parsed.values()])
            results, failed = [], []
            for line in lines:
                if line.seq in invalid:
                    results.append(LineResult(line.seq, "invalid", {"line": line.seq, "outcome": "invalid",
                                                                     "detail": invalid[line.seq]}))
                    continue
                body = parsed[line.seq]
                payout = known.get(body["reference"])
                outcome, detail = self._settle(uow, batch, payout, body, now)
                if outcome == "failed":
                    failed.append({"reference": payout.reference, "decision_id": payout.decision_id,
                                   "amount_fen": payout.amount_fen, "payee": payout.payee,
                                   "bank_status": body["status"], "bank_detail": body.get("detail")})
                results.append(LineResult(line.seq, outcome, {"line": line.seq, "reference": body["reference"],
                                                              "outcome": outcome, "detail": detail}))
            if failed:  # back to the partner that instructed them (and for people, the payer)
                message_id = f"{batch.id}.failed.{lines[0].seq}"
                uow.messages.add(StoredMessage(message_id, FAILURES, batch.partner_id,
                                               batch.params["division_code"], batch.params["payout_batch_id"],
                                               {"payout_batch_id": batch.params["payout_batch_id"],
                                                "results_batch_id": batch.id, "lines": failed}, now))
                for recipient in failure_recipients(uow, batch.params, failed):
                    uow.deliveries.schedule(message_id, recipient, now)
            return results

        return commit

    def _settle(self, uow, batch: Batch, payout: PayoutLine | None, body: dict, now) -> tuple[str, str]:
        if payout is None or payout.payout_batch_id != batch.params["payout_batch_id"]:
            return "invalid", "no such reference in this payout batch"
        state = BANK_STATUSES[body["status"]]
        if payout.state != "instructed":
            if payout.bank_status == body["status"]:
                return "duplicate", f"already settled as {payout.bank_status}; nothing changed"
            return "conflict", f"already settled as {payout.bank_status}; this result is not applied"
        uow.payout_lines.settle(payout.reference, state, body["status"], body.get("detail"), now)
        uow.measure_decisions.set_payout_state([payout.decision_id], state)
        payout.state, payout.bank_status = state, body["status"]  # a repeat later in the chunk sees it
        return state, body["status"]
