"""The measure pipeline: every measure, every channel, the same six stages.

    validate   the measure's ``subject(body)`` → Subject (every bad field at once, 422)
    facts      the partners' answers, asked in bulk by role and division → Facts per subject
    rules      the rule-set version in force on the subject's policy date → Decision
    register   the region-wide claim register: a key already held refuses, naming the holder
    recipients who hears of it: "eligible but no bank account" → the web hall (online application)
    stage      the signed decision, its claim keys and any referral, in the caller's transaction;
    deliver    … and the outbox worker carries referrals like every other message

Comparison runs, online applications and counter claims call these stages; no stage knows
a measure's content — that lives in the measure's module and its rule set.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from ...domain.partners import Role
from ...policy.findings import Finding
from ...policy.measures.catalogue import Catalogue
from ...policy.measures.model import ClaimKey, Decision, Facts, Measure, Outcome, Subject
from ...policy.measures.rulebook import MeasureRuleBook
from ...queries.employer_facts import FactsSource
from ...storage.measure_repositories import ClaimHolder, StoredDecision
from ...storage.policy_repositories import StoredMessage
from ..policy.common import Checks
from ..policy.recipients import NoRecipient, nearest
from .signing import DecisionSigner

REFERRAL = "measure_referral"  # the message kind a web hall receives for an online application
FACTS_CHUNK = 1000  # subjects per facts query: bounded requests, whatever the run's size


GATEWAY = "gateway"  # FactNeed.role of the gateway's own reference data


class ReferenceSource(Protocol):
    def facts(self, uow, subjects: list[Subject]) -> Mapping[str, Mapping]: ...


@dataclass(frozen=True)
class Source:
    """Where a decision came from: the channel, its run or message id, and the sender."""

    channel: str  # "comparison" | "application" | "counter"
    id: str
    sender_id: str


class MeasurePipeline:
    def __init__(self, catalogue: Catalogue, rules: MeasureRuleBook, facts: FactsSource,
                 signer: DecisionSigner, uow_factory, clock,
                 reference: Mapping[str, ReferenceSource] | None = None) -> None:
        self.catalogue, self.rules, self.facts = catalogue, rules, facts
        self.signer, self.uow, self.clock = signer, uow_factory, clock
        self.reference = dict(reference or {})  # kind → the gateway's own reference data

    # -- validate ---------------------------------------------------------------------------
    def validate(self, measure: Measure, body: Mapping, today: dt.date) -> Subject:
        checks = Checks()
        subject = measure.subject(body, checks, today)
        checks.raise_if_any(f"the {measure.code} application is not valid")
        return subject

    # -- facts ------------------------------------------------------------------------------
    def gather(self, measure: Measure, subjects: list[Subject]) -> dict[str, Facts]:
        """Ask each needed partner once per chunk of its subjects; no transaction stays open."""
        answers: dict[str, dict[str, Mapping]] = {s.key: {} for s in subjects}
        sources: dict[str, dict[str, str]] = {s.key: {} for s in subjects}
        needs = {need for s in subjects for need in measure.needs(s)}
        for need in sorted(needs, key=lambda n: (n.role, n.kind)):
            asking = [s for s in subjects if need in measure.needs(s)]
            if need.role == GATEWAY:  # reference data operators maintain (e.g. risk areas)
                with self.uow(readonly=True) as uow:
                    found = self.reference[need.kind].facts(uow, asking)
                for s in asking:
                    answers[s.key][need.kind], sources[s.key][need.kind] = found[s.key], GATEWAY
                continue
            for partner, group in self._by_partner(need.role, asking):
                for start in range(0, len(group), FACTS_CHUNK):
                    chunk = group[start:start + FACTS_CHUNK]
                    asked = list(dict.fromkeys(s.asked_as for s in chunk))
                    found = self.facts.facts(partner, need.kind, chunk[0].year - need.year_offset, asked)
                    for s in chunk:
                        if s.asked_as in found:
                            answers[s.key][need.kind] = found[s.asked_as]
                            sources[s.key][need.kind] = partner.id
        return {key: Facts(answers[key], sources[key]) for key in answers}

    def _by_partner(self, role: str, subjects: list[Subject]):
        """[(partner, its subjects of one year)]: the nearest partner with ``role`` per division."""
        partners, groups = {}, {}
        with self.uow(readonly=True) as uow:
            for division in sorted({s.division_code for s in subjects}):
                partners[division] = nearest(uow, Role(role), division, "/division_code")
        for s in subjects:  # one query asks about one year
            partner = partners[s.division_code]
            groups.setdefault((partner.id, s.year), (partner, []))[1].append(s)
        return list(groups.values())

    # -- rules ------------------------------------------------------------------------------
    def judge(self, measure: Measure, subject: Subject, facts: Facts) -> Decision:
        rule_set = self.rules.effective(measure.code, subject.policy_date)
        if rule_set is None:
            return Decision(measure.code, subject.key, Outcome.REFUSED, 0, "none", {}, (Finding(
                "measure_not_in_force", measure.code,
                f"no {measure.code} rule set is in force on {subject.policy_date}"),))
        return measure.decide(subject, facts, rule_set)

    # -- register ---------------------------------------------------------------------------
    def register(self, uow, decision: Decision) -> Decision:
        """The first eligible decision holding a claim key wins; later ones are refused with the
        holder's id, measure and division (86号-6 once a year; 86号-8/9 不重复享受). A key with
        N slots takes the first free one. Returns the decision with concrete keys to take."""
        if not decision.eligible:
            return decision
        taken = []
        for claim in decision.claim_keys:
            keys = _slot_keys(claim)
            holders = [uow.measure_claims.holder(claim.group, key) for key in keys]
            free = next((key for key, holder in zip(keys, holders, strict=True) if holder is None), None)
            if free is None:
                return _refused_by(decision, claim, holders[-1])
            taken.append(ClaimKey(claim.group, free))
        return decision if tuple(taken) == decision.claim_keys else replace(decision, claim_keys=tuple(taken))

    def register_many(self, uow, pending: list[tuple[Decision, str, str]]) -> list[Decision]:
        """``register`` for a chunk, in one query per claim group: ``pending`` holds
        (decision, its id, its division); a key taken earlier in the chunk refuses the later."""
        by_group: dict[str, set[str]] = {}
        for decision, _, _ in pending:
            for claim in decision.claim_keys if decision.eligible else ():
                by_group.setdefault(claim.group, set()).update(_slot_keys(claim))
        held = {(group, key): holder for group, keys in by_group.items()
                for key, holder in uow.measure_claims.holders(group, sorted(keys)).items()}
        out = []
        for decision, decision_id, division in pending:
            if not decision.eligible:
                out.append(decision)
                continue
            taken, refused = [], None
            for claim in decision.claim_keys:
                keys = _slot_keys(claim)
                free = next((k for k in keys if (claim.group, k) not in held), None)
                if free is None:
                    refused = _refused_by(decision, claim, held[(claim.group, keys[-1])])
                    break
                taken.append(ClaimKey(claim.group, free))
            if refused is not None:
                out.append(refused)
                continue
            if decision.outcome is Outcome.ELIGIBLE:  # see record(): only a payable decision holds
                for claim in taken:
                    held[(claim.group, claim.key)] = ClaimHolder(decision_id, decision.measure, division, None)
            out.append(replace(decision, claim_keys=tuple(taken)))
        return out

    # -- recipients -------------------------------------------------------------------------
    def recipients(self, uow, decision: Decision, subject: Subject) -> list[str]:
        if decision.outcome is not Outcome.NO_ACCOUNT:
            return []
        try:
            return [nearest(uow, Role.WEB_HALL, subject.division_code, "/division_code").id]
        except NoRecipient:
            return []  # the decision is kept and reported; HR follows it up without a referral

    # -- stage ------------------------------------------------------------------------------
    def record(self, decision: Decision, subject: Subject, source: Source, now: dt.datetime,
               decision_id: str | None = None) -> StoredDecision:
        """The signed record of a decision: it names the rule-set version and the facts used."""
        decision_id = decision_id or str(uuid.uuid4())
        record = {
            "id": decision_id, "measure": decision.measure, "subject": decision.subject_key,
            "division_code": subject.division_code, "year": subject.year,
            "outcome": decision.outcome.value, "amount_fen": decision.amount_fen,
            "rule_set_version": decision.rule_set_version,
            "facts_used": dict(decision.facts_used), "detail": dict(decision.detail),
            "payee": dict(decision.payee) if decision.payee else None,
            "reasons": [{"reason": f.reason, "measure": f.measure, "detail": f.detail,
                         **({"earlier_decision_id": f.subject} if f.reason in HOLDER_REASONS else {})}
                        for f in decision.reasons],
            "channel": source.channel, "source_id": source.id,
            "decided_at": now.isoformat(),
        }
        record["signature"] = self.signer.sign(record)
        return StoredDecision(decision_id, decision.measure, decision.subject_key, subject.division_code,
                              subject.year, decision.outcome.value, decision.amount_fen,
                              decision.rule_set_version, source.channel, source.id, source.sender_id,
                              record, now, claim_keys=_held(decision))

    def stage(self, uow, stored: StoredDecision, recipients: Iterable[str], now: dt.datetime) -> None:
        """Write the decision, take its claim keys (their unique key refuses a concurrent
        second holder at commit) and schedule any referral for the outbox."""
        uow.measure_decisions.add(stored)
        for claim in stored.claim_keys:
            uow.measure_claims.take(claim.group, claim.key, stored.id, stored.measure,
                                    stored.division_code, now)
        self._refer(uow, stored, list(recipients), now)

    def stage_many(self, uow, stored: list[StoredDecision], recipients: Mapping[str, list[str]],
                   now: dt.datetime) -> None:
        """``stage`` for a chunk: one statement each for the decisions and the claim keys."""
        uow.measure_decisions.add_many(stored)
        uow.measure_claims.take_many([(claim.group, claim.key, d.id, d.measure, d.division_code, now)
                                      for d in stored for claim in d.claim_keys])
        for d in stored:
            self._refer(uow, d, recipients.get(d.id, []), now)

    def _refer(self, uow, stored: StoredDecision, recipients: list[str], now: dt.datetime) -> None:
        if recipients:
            message = StoredMessage(f"{stored.id}.referral", REFERRAL, stored.sender_id,
                                    stored.division_code, stored.id, stored.record, now)
            uow.messages.add(message)
            for recipient in recipients:
                uow.deliveries.schedule(message.id, recipient, now)


HOLDER_REASONS = {"already_granted", "not_combinable"}


def _held(decision: Decision) -> tuple[ClaimKey, ...]:
    """The keys a decision takes: only an eligible one with an account. "Eligible but no account"
    is checked against the register but holds nothing, so the online application that follows
    (with the account) can be granted."""
    return decision.claim_keys if decision.outcome is Outcome.ELIGIBLE else ()


def _slot_keys(claim: ClaimKey) -> list[str]:
    return [claim.key] if claim.slots == 1 else [f"{claim.key}#{i}" for i in range(1, claim.slots + 1)]


def _refused_by(decision: Decision, claim: ClaimKey, holder) -> Decision:
    same = holder.measure == decision.measure
    return replace(decision, outcome=Outcome.REFUSED, amount_fen=0, claim_keys=(), reasons=(Finding(
        "already_granted" if same else "not_combinable", decision.measure,
        f"{holder.measure} decision {holder.decision_id} of division {holder.division_code} "
        f"already covers {claim.key}" + ("" if claim.slots == 1 else f" ({claim.slots} times)"),
        holder.decision_id),))
