"""Bank front-end requests through the real in-process app: signed XML in, signed XML out."""

from __future__ import annotations

from adapters.bank import mapping
from tests.support.exchange import verify_receipt
from tests.support.samples import APPLICANT, individual_loan
from tests.support.world import hr_answers

from .conftest import reply, submit


def qualify(world, clock, reference="LN0001"):
    world.hr_facts[APPLICANT] = ["registered_unemployed"]
    with hr_answers(world, clock):
        return submit(world.bank, "GVLNQUAL", individual_loan(), reference)


def test_a_loan_qualification_is_answered_with_the_qualification(world, clock, client):
    response = qualify(world, clock)
    assert response.status_code == 201, response.text
    answer = reply(response)
    assert answer.info["RETCOD"] == "0" and answer.info["FUNNAM"] == "GVLNQUAL"
    qualification, envelope = mapping.from_package(mapping.QUALIFICATION, answer)
    assert envelope["YURREF"] == "LN0001"
    assert qualification["qualified"] is True
    assert qualification["groups_found"] == [{"citizen_id": APPLICANT, "groups": ["registered_unemployed"]}]
    verify_receipt(client, response, clock)
