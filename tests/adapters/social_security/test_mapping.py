"""Coded HR translation without HTTP: golden samples, round trips, untrustworthy answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.social_security import codes
from adapters.social_security.mapping import (
    AnswerInvalid,
    HrRefused,
    answer_for,
    facts_from_answer,
    query_body,
    query_from_body,
)
from gateway.policy.borrowers import BorrowerGroup
from gateway.queries.ports import EnterpriseFacts, HrFacts, PersonFacts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hr"
IDS = ["150502199001010010", "150502199001010029", "150502199001010037"]
EMPLOYER = "11150500000005012C"
SETTINGS = {"app_id": "govgate-150500", "service_code": "QRY_PERSON_FACTS"}


def test_the_query_matches_the_golden_file_byte_for_byte():
    body = query_body("5c9e1f0a2b3d4e5f60718293a4b5c6d7", SETTINGS, IDS, EMPLOYER)
    encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    assert encoded + b"\n" == (FIXTURES / "person-facts-query.json").read_bytes()
    assert query_from_body(body) == (IDS, EMPLOYER)
    assert "AAB001" not in query_body("r", SETTINGS, IDS, None)["params"]


def test_the_golden_answer_reads_as_documented():
    answer = json.loads((FIXTURES / "person-facts-answer.json").read_text("utf-8"))
    facts = facts_from_answer(answer, IDS, EMPLOYER)
    assert facts.persons[IDS[0]] == PersonFacts(IDS[0], True, frozenset(
        {BorrowerGroup.REGISTERED_UNEMPLOYED, BorrowerGroup.VETERAN}))
    assert facts.persons[IDS[1]] == PersonFacts(IDS[1], True, frozenset())  # registry closed
    assert facts.persons[IDS[2]] == PersonFacts(IDS[2], False, frozenset())
    assert facts.enterprise == EnterpriseFacts(EMPLOYER, False)


def test_every_borrower_group_has_exactly_one_registry_type():
    assert set(codes.TYPE_FOR_GROUP) == set(BorrowerGroup)
    assert len(set(codes.TYPE_FOR_GROUP.values())) == len(BorrowerGroup)


citizen_ids = st.builds(lambda digits, check: digits + check,
                        st.text("0123456789", min_size=17, max_size=17),
                        st.sampled_from("0123456789X"))


@st.composite
def hr_facts(draw):
    ids = draw(st.lists(citizen_ids, min_size=1, max_size=8, unique=True))
    persons = {}
    for cid in ids:
        known = draw(st.booleans())
        groups = draw(st.frozensets(st.sampled_from(list(BorrowerGroup)))) if known else frozenset()
        persons[cid] = PersonFacts(cid, known, groups)
    credit_code = draw(st.none() | st.from_regex(r"\A[0-9A-Z]{18}\Z"))
    enterprise = (EnterpriseFacts(credit_code, draw(st.none() | st.booleans()))
                  if credit_code else None)
    return HrFacts(persons, enterprise), ids, credit_code


@settings(max_examples=100, deadline=None)
@given(hr_facts())
def test_facts_survive_canonical_to_coded_to_canonical(case):
    facts, ids, credit_code = case
    body = query_body("r", SETTINGS, ids, credit_code)
    assert query_from_body(json.loads(json.dumps(body))) == (ids, credit_code)
    answer = json.loads(json.dumps(answer_for(facts, {cid: "某人" for cid in ids})))
    assert facts_from_answer(answer, ids, credit_code) == facts


def good_answer():
    return json.loads((FIXTURES / "person-facts-answer.json").read_text("utf-8"))


def person(**changes):
    answer = good_answer()
    answer["data"]["persons"][0].update(changes)
    return answer


@pytest.mark.parametrize("answer", [
    None, [], {"code": 0}, {"code": "7"}, {"code": "0"}, {"code": "0", "data": {"persons": {}}},
    person(YAC101="99"), person(YAC102="x"), person(YAC101=["01"]), person(AAC002="1505"),
    person(AAC002="110105194912310021"), person(AAC003=""), person(AAC003=None),
    {**good_answer(), "data": {**good_answer()["data"], "employer": {"AAB001": "X" * 18}}},
    {**good_answer(), "data": {**good_answer()["data"],
                               "employer": {"AAB001": EMPLOYER, "YAB201": 1}}},
])
def test_answers_the_gateway_cannot_trust_are_refused(answer):
    with pytest.raises(AnswerInvalid):
        facts_from_answer(answer, IDS, EMPLOYER)


def test_an_employer_answer_to_no_employer_question_is_refused():
    with pytest.raises(AnswerInvalid):
        facts_from_answer(good_answer(), IDS, None)


@pytest.mark.parametrize(("code", "reason", "retry_after"), [
    ("1001", "hr_request_refused", 3600), ("2001", "hr_unavailable", 60),
    ("2002", "hr_unavailable", 600), ("9999", "hr_unavailable", 60)])
def test_hr_error_codes_carry_their_reason(code, reason, retry_after):
    with pytest.raises(HrRefused) as refused:
        facts_from_answer({"code": code, "message": "系统繁忙"}, IDS, None)
    assert (refused.value.reason, refused.value.retry_after) == (reason, retry_after)
