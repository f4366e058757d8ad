"""The measure pipeline with a stand-in measure: every stage is the real one (storage, the claim
register, signing); only the measure and its facts source are the test's own."""

from __future__ import annotations

import base64
import datetime as dt
import textwrap

import pytest
from sqlalchemy.exc import IntegrityError

from gateway.evidence.canonical import canonical_json
from gateway.policy.findings import Finding
from gateway.policy.measures.catalogue import Catalogue
from gateway.policy.measures.model import ClaimKey, Decision, FactNeed, Measure, Outcome, Subject
from gateway.policy.measures.rulebook import load_measure_rules
from gateway.services.measures.pipeline import FACTS_CHUNK, MeasurePipeline, Source
from gateway.services.measures.signing import DecisionSigner
from tests.support.ids import credit_code
from tests.support.partners import create_partner


def _subject(body, checks, today):
    if len(body["key"]) != 18:
        checks.fail("/key", "not a credit code")
    return Subject("86号-99", body["key"], body.get("division", "150500"), 2022,
                   dt.date.fromisoformat(body.get("on", "2022-06-01")), body)


def _decide(subject, facts, rules):
    paid = facts.get("premiums")
    if paid is None:
        return Decision("86号-99", subject.key, Outcome.REFUSED, 0, rules.version, {},
                        (Finding("no_premium_record", "86号-99", "tax has no record"),))
    amount = paid["fen"] * rules.parameters["percent"] // 100
    return Decision("86号-99", subject.key, Outcome.ELIGIBLE, amount, rules.version,
                    {"premiums": dict(paid)}, claim_keys=(ClaimKey("86号-99/year", f"{subject.key}/2022"),))


FAKE = Measure("86号-99", "test_refund", "测试", "EmployerApplication", "testrefund",
               subject=_subject, needs=lambda s: [FactNeed("tax", "premiums")],
               parse_rules=lambda reader: {"percent": reader.integer("percent", minimum=0, maximum=100)},
               decide=_decide, channels=frozenset({"application"}))


class CountingFacts:
    def __init__(self, known: dict[str, dict]) -> None:
        self.known, self.calls = known, []

    def facts(self, partner, kind, year, subjects):
        self.calls.append((partner.id, kind, len(subjects)))
        return {s: self.known[s] for s in subjects if s in self.known}


@pytest.fixture
def pipeline(container, clock, tmp_path, client, admin_headers):
    (tmp_path / "testrefund-2022.yaml").write_text(textwrap.dedent("""\
        measure: 86号-99
        version: testrefund-2022.1
        effective_from: 2022-01-01
        effective_to: 2022-12-31
        parameters: {percent: 90}
        """), encoding="utf-8")
    container.keystore.ensure_current()
    create_partner(client, admin_headers, 1, roles=["tax"])
    facts = CountingFacts({credit_code(n): {"fen": 1000 + n} for n in range(10, 2600)})
    p = MeasurePipeline(Catalogue([FAKE]), load_measure_rules([FAKE], tmp_path), facts,
                        DecisionSigner(container.keystore), container.uow, clock)
    p.fake_facts = facts
    return p


def _decided(pipeline, key, on="2022-06-01"):
    subject = pipeline.validate(FAKE, {"key": key, "on": on}, dt.date(2022, 6, 1))
    facts = pipeline.gather(FAKE, [subject])[subject.key]
    return subject, pipeline.judge(FAKE, subject, facts)


def test_a_decision_names_its_rule_set_and_facts_and_is_signed(pipeline, container, clock):
    subject, decision = _decided(pipeline, credit_code(10))
    assert (decision.outcome, decision.amount_fen, decision.rule_set_version) == \
        (Outcome.ELIGIBLE, 1010 * 90 // 100, "testrefund-2022.1")
    stored = pipeline.record(decision, subject, Source("application", "m-1", credit_code(1)), clock())
    assert stored.record["facts_used"] == {"premiums": {"fen": 1010}}
    signature = stored.record.pop("signature")
    public = container.keystore.current()[1].private_key.public_key()
    public.verify(base64.b64decode(signature["value"]), canonical_json(stored.record))  # raises if bad


def test_no_rule_set_in_force_refuses_instead_of_guessing(pipeline):
    _, decision = _decided(pipeline, credit_code(10), on="2023-01-01")
    assert decision.outcome is Outcome.REFUSED
    assert decision.reasons[0].reason == "measure_not_in_force"


def test_facts_are_asked_in_bounded_chunks(pipeline):
    subjects = [pipeline.validate(FAKE, {"key": credit_code(n)}, dt.date(2022, 6, 1)) for n in range(10, 2510)]
    found = pipeline.gather(FAKE, subjects)
    assert [n for _, _, n in pipeline.fake_facts.calls] == [FACTS_CHUNK, FACTS_CHUNK, 500]
    assert found[credit_code(11)].sources == {"premiums": credit_code(1)}


def test_the_register_refuses_a_second_claim_naming_the_first(pipeline, container, clock):
    subject, first = _decided(pipeline, credit_code(12))
    stored = pipeline.record(first, subject, Source("application", "m-1", credit_code(1)), clock())
    with container.uow() as uow:
        pipeline.stage(uow, stored, [], clock())
    _, second = _decided(pipeline, credit_code(12))
    with container.uow(readonly=True) as uow:
        refused = pipeline.register(uow, second)
    assert refused.outcome is Outcome.REFUSED and refused.amount_fen == 0
    assert refused.reasons[0].reason == "already_granted" and refused.reasons[0].subject == stored.id


def test_a_concurrent_second_holder_is_refused_by_the_database(pipeline, container, clock):
    subject, decision = _decided(pipeline, credit_code(13))
    one = pipeline.record(decision, subject, Source("application", "m-1", credit_code(1)), clock())
    two = pipeline.record(decision, subject, Source("application", "m-2", credit_code(1)), clock())
    with container.uow() as uow:
        pipeline.stage(uow, one, [], clock())
    with pytest.raises(IntegrityError), container.uow() as uow:
        pipeline.stage(uow, two, [], clock())
    with container.uow(readonly=True) as uow:
        assert uow.measure_decisions.get(two.id) is None  # rolled back whole


def test_validation_reports_every_bad_field(pipeline):
    from gateway.errors import InvalidInput
    with pytest.raises(InvalidInput) as raised:
        pipeline.validate(FAKE, {"key": "X"}, dt.date(2022, 6, 1))
    assert [e.pointer for e in raised.value.errors] == ["/key"]


def test_a_key_with_slots_is_held_that_many_times(pipeline, container, clock):
    subject, decision = _decided(pipeline, credit_code(14))
    decision = Decision(**{**decision.__dict__, "claim_keys": (ClaimKey("per-year", "p/2022", slots=2),)})
    taken = []
    for n in range(3):
        with container.uow(readonly=True) as uow:
            registered = pipeline.register(uow, decision)
        taken.append([c.key for c in registered.claim_keys])
        if registered.eligible:
            stored = pipeline.record(registered, subject, Source("application", f"m-{n}", credit_code(1)), clock())
            with container.uow() as uow:
                pipeline.stage(uow, stored, [], clock())
    assert taken == [["p/2022#1"], ["p/2022#2"], []]
    assert registered.reasons[0].detail.endswith("already covers p/2022 (2 times)")
