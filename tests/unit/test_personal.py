"""Citizen ID numbers masked wherever text leaves the gateway's hands (PIPL; docs/privacy.md)."""

from __future__ import annotations

import logging

from gateway.api.problems import problem_body
from gateway.domain.personal import echo_free, mask_citizen_id, scrub
from gateway.observability.logging import Redactor

CITIZEN = "150502199001010010"  # a valid check character
CREDIT = "91150500MA0000004X"


def test_a_citizen_id_is_masked_to_its_first_and_last_four():
    assert mask_citizen_id(CITIZEN) == "1505**********0010"
    assert scrub(f"person {CITIZEN}/2026-09 and 150502199001010029") == \
        "person 1505**********0010/2026-09 and 1505**********0029"


def test_what_only_looks_like_one_passes_unchanged():
    wrong_check = CITIZEN[:-1] + "1"
    for text in (CREDIT, wrong_check, "11150500000005033A", "1" * 18, f"x{CITIZEN}9", "amount 150502199001"):
        assert scrub(text) == text


def test_a_validators_echo_of_a_personal_field_is_dropped():
    assert echo_free(f"'{CITIZEN}' does not match '^[0-9]{{17}}[0-9X]$'", CITIZEN) == \
        "the value does not match '^[0-9]{17}[0-9X]$'"


def test_problem_details_and_field_errors_carry_no_citizen_id():
    body = problem_body(422, "x", f"no claim of {CITIZEN}", None,
                        errors=[{"pointer": "/body/person", "detail": f"{CITIZEN} is refused"}])
    assert CITIZEN not in str(body) and "1505**********0010" in body["detail"]


def test_the_log_redactor_masks_messages_and_exceptions():
    record = logging.LogRecord("govgate", logging.ERROR, __file__, 1, "claim %s failed", (CITIZEN,), None)
    try:
        raise KeyError(CITIZEN)
    except KeyError:
        import sys
        record.exc_info = sys.exc_info()
    Redactor().filter(record)
    assert CITIZEN not in record.getMessage() and CITIZEN not in record.exc_text
