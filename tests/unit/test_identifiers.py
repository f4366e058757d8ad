"""Identifier validators: published examples, check-character properties, every failure reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain.divisions import PROVINCES
from gateway.domain.identifiers import (
    CREDIT_CODE_ALPHABET,
    EARLIEST_BIRTH_DATE,
    REGISTRATION_AUTHORITIES,
    InvalidIdentifier,
    citizen_id_check_char,
    credit_code_check_char,
    is_valid_citizen_id,
    is_valid_credit_code,
    is_valid_division_code,
    org_code_check_char,
    province_of,
    validate_citizen_id,
    validate_credit_code,
    validate_division_code,
)
from gateway.errors import InvalidInput

KNOWN_CREDIT_CODES = [
    "91110000600037341L",
    "91512081MA62K0260E",
    "9144030071526726XG",
    "11100000000013127D",  # a central state organ: region 100000
]
KNOWN_CITIZEN_IDS = ["11010519491231002X", "440524188001010014"]  # GB 11643's own examples
TODAY = date(2024, 5, 1)


def credit_code(authority: str, category: str, region: str, org_body: str) -> str:
    """A credit code with both check characters computed, whatever the other parts are."""
    first17 = authority + category + region + org_body + org_code_check_char(org_body)
    return first17 + credit_code_check_char(first17)


def citizen_id(region: str, birth: str, sequence: str) -> str:
    first17 = region + birth + sequence
    return first17 + citizen_id_check_char(first17)


def reason_of(validate, value, **kwargs) -> str:
    with pytest.raises(InvalidIdentifier) as caught:
        validate(value, **kwargs)
    return caught.value.reason


# --- published examples and normalisation -------------------------------------------------


@pytest.mark.parametrize("code", KNOWN_CREDIT_CODES)
def test_known_credit_codes_are_valid(code):
    assert validate_credit_code(code) == code
    assert is_valid_credit_code(code)


@pytest.mark.parametrize(
    ("org_body", "check"), [("60003734", "1"), ("MA62K026", "0"), ("71526726", "X")]
)
def test_org_code_check_char_matches_real_codes(org_body, check):
    assert org_code_check_char(org_body) == check


def test_known_citizen_ids_decode():
    first = validate_citizen_id(KNOWN_CITIZEN_IDS[0], today=TODAY)
    assert (first.region, first.birth_date, first.sex) == ("110105", date(1949, 12, 31), "female")
    second = validate_citizen_id(KNOWN_CITIZEN_IDS[1], today=TODAY)
    assert (second.region, second.birth_date, second.sex) == ("440524", date(1880, 1, 1), "male")


def test_input_is_stripped_and_upper_cased():
    assert validate_credit_code(" 9144030071526726xg\n") == "9144030071526726XG"
    assert validate_credit_code("\u300091512081ma62k0260e\t") == "91512081MA62K0260E"
    assert validate_citizen_id(" 11010519491231002x ", today=TODAY).number == "11010519491231002X"
    assert validate_division_code(" 150500 ") == "150500"


def test_citizen_id_repr_hides_the_number_and_birth_date():
    text = repr(validate_citizen_id(KNOWN_CITIZEN_IDS[0], today=TODAY))
    assert KNOWN_CITIZEN_IDS[0] not in text and "1949" not in text


# --- check characters catch every single-character error -----------------------------------


@pytest.mark.parametrize("code", KNOWN_CREDIT_CODES)
def test_every_single_substitution_of_a_credit_code_is_rejected(code):
    for position, original in enumerate(code):
        for replacement in CREDIT_CODE_ALPHABET + "IOSVZ-* ":
            if replacement != original:
                mutated = code[:position] + replacement + code[position + 1 :]
                assert not is_valid_credit_code(mutated), (position, replacement)


@pytest.mark.parametrize("number", KNOWN_CITIZEN_IDS)
def test_every_single_substitution_of_a_citizen_id_is_rejected(number):
    for position, original in enumerate(number):
        for replacement in "0123456789X":
            if replacement != original:
                mutated = number[:position] + replacement + number[position + 1 :]
                with pytest.raises(InvalidIdentifier):
                    validate_citizen_id(mutated, today=TODAY)


# --- generated valid identifiers always validate ----------------------------------------------

authority_and_category = st.sampled_from(
    [(a, c) for a, categories in REGISTRATION_AUTHORITIES.items() for c in categories]
)
digits = st.text(alphabet="0123456789", min_size=4, max_size=4)
regions = st.builds(lambda p, rest: p + rest, st.sampled_from(sorted(PROVINCES)), digits)
org_bodies = st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=8, max_size=8)


@given(authority_and_category, regions, org_bodies)
def test_generated_credit_codes_validate(kind, region, org_body):
    code = credit_code(kind[0], kind[1], region, org_body)
    assert validate_credit_code(code.lower()) == code


@pytest.mark.parametrize(
    "kind", [(a, c) for a, categories in REGISTRATION_AUTHORITIES.items() for c in categories]
)
def test_every_authority_and_category_pair_is_accepted(kind):
    # N (rural collectives) and Y (other) are the letters python-stdnum rejects.
    assert is_valid_credit_code(credit_code(kind[0], kind[1], "150502", "MA0Q3X7R"))


@given(
    regions,
    st.dates(min_value=EARLIEST_BIRTH_DATE, max_value=TODAY),
    st.integers(min_value=0, max_value=999),
)
def test_generated_citizen_ids_validate(region, born, sequence):
    number = citizen_id(region, born.strftime("%Y%m%d"), f"{sequence:03d}")
    decoded = validate_citizen_id(number.lower(), today=TODAY)
    assert (decoded.number, decoded.region, decoded.birth_date) == (number, region, born)
    assert decoded.sex == ("male" if sequence % 2 else "female")


# --- arbitrary input only ever raises InvalidIdentifier ------------------------------------

near_misses = st.text(alphabet=CREDIT_CODE_ALPHABET + "xyzio ｘ５", min_size=17, max_size=19)


@given(st.one_of(st.text(), near_misses))
def test_arbitrary_text_is_accepted_or_rejected_cleanly(text):
    for validate in (validate_credit_code, validate_division_code):
        try:
            validate(text)
        except InvalidIdentifier as error:
            assert error.reason and error.detail
    try:
        validate_citizen_id(text, today=TODAY)
    except InvalidIdentifier as error:
        assert error.reason and error.detail


@pytest.mark.parametrize(
    "text",
    [
        "９１１１００００６０００３７３４１Ｌ",  # full-width forms of a valid code
        credit_code("9", "1", "110000", "FF000000").replace("FF", "\ufb00"),  # "ﬀ" → "FF"
        "9111000060003734١L",  # Arabic-Indic digit one
    ],
)
def test_non_ascii_look_alikes_are_rejected(text):
    assert not is_valid_credit_code(text)


# --- each failure reason ---------------------------------------------------------------------

VALID_ORG_BODY = "MA62K026"
CREDIT_CODE_FAILURES = {
    "credit_code_type": None,
    "credit_code_length": "91110000600037341",
    "credit_code_charset": "91110000600O37341L",
    "credit_code_authority": credit_code("B", "1", "110000", VALID_ORG_BODY),
    "credit_code_category": credit_code("9", "9", "110000", VALID_ORG_BODY),
    "credit_code_division": credit_code("9", "1", "720000", VALID_ORG_BODY),
    "credit_code_org_check": (lambda f17: f17 + credit_code_check_char(f17))(
        "91512081MA62K0261"
    ),
    "credit_code_check": "91512081MA62K0260F",
}


@pytest.mark.parametrize(("reason", "value"), CREDIT_CODE_FAILURES.items())
def test_credit_code_failure_reasons(reason, value):
    assert reason_of(validate_credit_code, value) == reason


def test_credit_code_division_must_be_digits():
    code = credit_code("9", "1", "11A000", VALID_ORG_BODY)
    assert reason_of(validate_credit_code, code) == "credit_code_division"


CITIZEN_ID_FAILURES = {
    "citizen_id_type": 110105194912310020,
    "citizen_id_length": "110105194912310",
    "citizen_id_charset": "1101051949X231002X",
    "citizen_id_region": citizen_id("910105", "19491231", "002"),
    "citizen_id_birth_date": citizen_id("110105", "19491331", "002"),
    "citizen_id_check": "110105194912310021",
}


@pytest.mark.parametrize(("reason", "value"), CITIZEN_ID_FAILURES.items())
def test_citizen_id_failure_reasons(reason, value):
    assert reason_of(validate_citizen_id, value, today=TODAY) == reason


def test_citizen_id_failures_do_not_echo_the_number():
    with pytest.raises(InvalidIdentifier) as caught:
        validate_citizen_id(CITIZEN_ID_FAILURES["citizen_id_check"], today=TODAY)
    assert "1101051949" not in str(caught.value) and "1101051949" not in caught.value.detail


@pytest.mark.parametrize(
    ("reason", "value"),
    [
        ("division_code_type", 150500),
        ("division_code_length", "15050"),
        ("division_code_charset", "15O500"),
        ("division_code_province", "000000"),
        ("division_code_province", "720000"),
    ],
)
def test_division_code_failure_reasons(reason, value):
    assert reason_of(validate_division_code, value) == reason


def test_invalid_identifier_is_an_invalid_input():
    with pytest.raises(InvalidInput) as caught:
        validate_division_code("99")
    assert caught.value.status == 422


# --- birth-date edge cases -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "valid"),
    [
        ("20000229", True),  # divisible by 400
        ("20240229", True),
        ("19000229", False),  # divisible by 100, not 400
        ("20230229", False),
        ("20230230", False),
        ("20231301", False),
        ("20230100", False),
        ("18500101", True),
        ("18491231", False),
        ("20240501", True),  # born today
        ("20240502", False),  # tomorrow
    ],
)
def test_birth_date_edges(birth, valid):
    number = citizen_id("150502", birth, "123")
    assert is_valid_citizen_id_on(number, TODAY) is valid


def is_valid_citizen_id_on(number: str, today: date) -> bool:
    try:
        validate_citizen_id(number, today=today)
    except InvalidIdentifier as error:
        assert error.reason == "citizen_id_birth_date"
        return False
    return True


def test_today_defaults_to_the_current_date():
    tomorrow = date.today() + timedelta(days=2)
    assert not is_valid_citizen_id(citizen_id("110105", tomorrow.strftime("%Y%m%d"), "002"))
    assert is_valid_citizen_id(KNOWN_CITIZEN_IDS[0])


def test_taiwan_residence_permit_region_is_accepted_for_citizen_ids_only():
    permit = validate_citizen_id(citizen_id("830000", "19900101", "001"), today=TODAY)
    assert permit.region == "830000"
    assert not is_valid_division_code("830000")


# --- division codes and helpers ----------------------------------------------------------------


def test_province_of_a_division_code():
    assert province_of("150500") == "150000"  # Tongliao is in Inner Mongolia
    assert validate_division_code("150500") == "150500"
    assert len(PROVINCES) == 34


@pytest.mark.parametrize(
    ("helper", "argument"),
    [
        (credit_code_check_char, "9111000060003734"),
        (credit_code_check_char, "91110000600037I41"),
        (org_code_check_char, "6000373"),
        (org_code_check_char, "6000373a"),
        (citizen_id_check_char, "1101051949123100X"),
    ],
)
def test_check_char_helpers_reject_malformed_prefixes(helper, argument):
    with pytest.raises(ValueError):
        helper(argument)


@pytest.mark.parametrize("code", ["159999", "150599", "110199", "159900"])
def test_a_division_outside_the_published_list_is_unknown(code):
    # Issue 10 defect 11: 159999 passed because only the province prefix was looked up.
    assert reason_of(validate_division_code, code) == "division_code_unknown"


@pytest.mark.parametrize("code", ["150000", "150500", "150502", "150581", "110105", "110100", "469000"])
def test_listed_divisions_and_the_lists_implied_prefecture_rows_are_known(code):
    assert validate_division_code(code) == code


def test_the_shipped_list_says_its_source_and_date():
    from importlib.resources import files

    from gateway.domain.divisions import LIST_DATE, listed_divisions

    header = files("gateway.domain").joinpath("data/gb2260-2021.tsv").read_text("utf-8").splitlines()[:5]
    assert any("mca.gov.cn" in line for line in header) and LIST_DATE == "2021-12-31"
    assert listed_divisions()["150500"] == "通辽市" and len(listed_divisions()) > 3000
