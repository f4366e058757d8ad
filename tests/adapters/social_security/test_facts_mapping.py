"""The people measures' coded facts without HTTP: the documented translation, round trips,
and every answer that is not exactly the idiom refused (never a guessed fact)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.social_security import codes
from adapters.social_security.facts_mapping import (
    AnswerInvalid,
    HrRefused,
    answer_for,
    coded_record,
    query_body,
    query_from_body,
    read_answer,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hr"
STOPPED, WORKING, UNKNOWN = "150502199001010010", "150502199001010029", "150502199001010037"
IDS = [STOPPED, WORKING, UNKNOWN]
SETTINGS = {"app_id": "govgate-150500", "service_code": "QRY_PERSON_FACTS"}
INSURANCE = "unemployment_insurance"


def golden() -> dict:
    return json.loads((FIXTURES / "ui-person-answer.json").read_text("utf-8"))


def test_a_query_names_the_kinds_service_the_year_and_the_people():
    body = query_body("rid", SETTINGS, INSURANCE, 2026, IDS)
    assert body == {"serviceCode": "QRY_UI_PERSON", "appId": "govgate-150500", "requestId": "rid",
                    "params": {"AAE001": "2026", "persons": [{"AAC002": i} for i in IDS]}}
    assert query_from_body(body) == (INSURANCE, 2026, IDS)
    assert query_body("r", SETTINGS, "unemployment_registration", 2026, IDS)["serviceCode"] == "QRY_UNEMP_REG"


def test_the_golden_answer_reads_as_the_canonical_fields_of_people_py():
    found = read_answer(golden(), INSURANCE, IDS)
    assert set(found) == {STOPPED, WORKING}  # no record: left out, as every FactsSource does
    assert found[STOPPED] == {
        "insured": False, "employer_paid_months": 48, "person_paid_months": 48,
        "continuous_months": 57, "stopped_on": "2026-09-15", "leaving_reason": "involuntary",
        "contract_end": "expired_not_renewed", "rural_migrant": False, "drawing_benefit": False,
        "benefit_periods": [{"measure": "86号-12", "first_month": "2019-03", "last_month": "2019-08"}],
        "employed_since_stop": False,
        "card_account": {"bank_name": "中国工商银行鄂尔多斯分行", "account_number": "6222020603001234567",
                         "account_name": "张三"}}
    assert (found[WORKING]["insured"], found[WORKING]["continuous_months"], found[WORKING]["stopped_on"],
            found[WORKING]["leaving_reason"], found[WORKING]["rural_migrant"],
            found[WORKING]["card_account"]) == (True, 12, None, None, True, None)


@pytest.mark.parametrize(("code", "pair"), sorted(codes.LEAVING_REASONS.items()))
def test_every_leaving_reason_code_maps_to_its_documented_pair(code, pair):
    answer = golden()
    answer["data"]["persons"][0]["AJC093"] = code
    found = read_answer(answer, INSURANCE, IDS)[STOPPED]
    assert (found["leaving_reason"], found["contract_end"]) == pair


def test_registration_facts_read_as_documented():
    answer = answer_for([{"AAC002": STOPPED, "YAC301": "1", "AAE030": "20260920", "YAC302": "1"},
                         {"AAC002": WORKING, "YAC301": "2", "YAC302": "0"}])
    found = read_answer(answer, "unemployment_registration", IDS)
    assert found == {STOPPED: {"registered": True, "registered_on": "2026-09-20", "job_seeking": True},
                     WORKING: {"registered": False, "registered_on": None, "job_seeking": False}}


def _spoil(path: tuple, value):
    answer = golden()
    node = answer
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return answer


P0 = ("data", "persons", 0)


@pytest.mark.parametrize(("answer", "says"), [
    (_spoil((*P0, "AJC093"), "99"), "AJC093 has the unknown code"),
    (_spoil((*P0, "AAC008"), "9"), "AAC008 has the unknown code"),
    (_spoil((*P0, "AAC028"), True), "AAC028 has the unknown code"),
    (_spoil((*P0, "AAE041"), "202613"), "AAE041 is not a month"),
    (_spoil((*P0, "AAE042"), "202101"), "AAE042 is before AAE041"),
    (_spoil((*P0, "AAE031"), "20260231"), "AAE031 is not a date"),
    (_spoil((*P0, "YAC211"), 48), "YAC211 is not a count"),
    (_spoil((*P0, "YAC214"), KeyError), "YAC214 is missing"),
    (_spoil((*P0, "AAC002"), UNKNOWN + "0"), "AAC002 is missing or malformed"),
    (_spoil((*P0, "YAC220"), [{"YAD101": "77", "AAE041": "201903", "AAE042": "201908"}]), "YAD101"),
    (_spoil((*P0, "YAC230"), {"AAE008": "x", "AAE010": ""}), "AAE010 must be"),
    (_spoil(("data", "persons"), {"AAC002": STOPPED}), "data.persons must be an array"),
    (_spoil(("data", "persons", 1, "AAC002"), STOPPED), "named twice"),
    (_spoil(("code",), "42"), "unknown answer code"),
    ([], "no code"),
])
def test_an_answer_not_exactly_in_the_idiom_is_refused(answer, says):
    with pytest.raises(AnswerInvalid, match=says):
        read_answer(answer, INSURANCE, IDS)


def test_a_person_not_asked_about_is_refused():
    with pytest.raises(AnswerInvalid, match="not asked about"):
        read_answer(golden(), INSURANCE, [WORKING])


@pytest.mark.parametrize(("code", "reason", "retry"), [
    ("1002", "facts_request_refused", 3600), ("2002", "facts_unavailable", 600)])
def test_the_systems_error_codes_are_its_refusals(code, reason, retry):
    with pytest.raises(HrRefused) as refused:
        read_answer({"code": code, "message": "x"}, INSURANCE, IDS)
    assert (refused.value.reason, refused.value.retry_after) == (reason, retry)


months = st.integers(min_value=0, max_value=600)
facts = st.fixed_dictionaries({
    "insured": st.just(False), "employer_paid_months": months, "person_paid_months": months,
    "continuous_months": st.integers(min_value=1, max_value=240),
    "stopped_on": st.dates(min_value=__import__("datetime").date(2021, 1, 1),
                           max_value=__import__("datetime").date(2030, 12, 31)).map(str),
    "leaving_reason": st.sampled_from(sorted({r for r, _ in codes.LEAVING_REASONS.values()})),
    "rural_migrant": st.booleans(), "drawing_benefit": st.booleans(), "employed_since_stop": st.booleans(),
    "benefit_periods": st.lists(st.fixed_dictionaries({
        "measure": st.sampled_from(sorted(codes.BENEFIT_CODE)), "first_month": st.just("2019-03"),
        "last_month": st.sampled_from(["2019-03", "2020-01"])}), max_size=3),
    "card_account": st.none() | st.fixed_dictionaries({
        "bank_name": st.just("农业银行"), "account_number": st.from_regex(r"[0-9]{12,19}", fullmatch=True),
        "account_name": st.just("李四")}),
})


@settings(max_examples=60, deadline=None)
@given(facts, st.sampled_from(sorted({e for _, e in codes.LEAVING_REASONS.values()})))
def test_what_the_partner_writes_reads_back_as_the_same_facts(record, contract_end):
    record = record | {"contract_end": contract_end}
    answer = answer_for([coded_record(INSURANCE, STOPPED, record)])
    assert read_answer(copy.deepcopy(answer), INSURANCE, [STOPPED])[STOPPED] == record
