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


def test_claim_keys_keep_their_shape_and_hide_the_citizen_id():
    from gateway.domain.personal import ClaimKeyPseudonyms
    pseudonyms = ClaimKeyPseudonyms(b"s" * 32)
    key = pseudonyms(f"{CITIZEN}/2026-09")
    assert CITIZEN not in key and key.startswith("p.") and key.endswith("/2026-09") and len(key) <= 80
    assert pseudonyms(f"{CITIZEN}/2026-09") == key  # equal people collide: one claim each
    assert ClaimKeyPseudonyms(b"t" * 32)(f"{CITIZEN}/2026-09") != key  # keyed: not a plain hash
    assert pseudonyms(f"{CREDIT}/2022") == f"{CREDIT}/2022"  # employers' keys as they were


def test_the_claim_key_secret_is_made_once_and_kept_private(tmp_path):
    from gateway.keystore.claim_secret import claim_key_secret
    from gateway.settings import Settings
    settings = Settings(key_dir=str(tmp_path / "keys"))
    first = claim_key_secret(settings)
    assert len(first) == 32 and claim_key_secret(settings) == first
    assert (tmp_path / "keys" / "claim-keys.secret").stat().st_mode & 0o077 == 0
    assert claim_key_secret(settings.with_overrides(claim_key_secret="x" * 20)) == b"x" * 20
