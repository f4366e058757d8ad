"""Bank front-end requests through the real in-process app: signed XML in, signed XML out,
processed exactly as the canonical requests they stand for."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adapters.bank import mapping
from gateway.storage import tables
from tests.support.exchange import verify_receipt
from tests.support.samples import APPLICANT, individual_loan
from tests.support.signing import register_signed_partner
from tests.support.world import citizen_id, hr_answers

from .conftest import LGNNAM, package, reply, send, submit


def qualify(world, clock, reference="LN0001", body=None):
    world.hr_facts[APPLICANT] = ["registered_unemployed"]
    with hr_answers(world, clock):
        return submit(world.bank, "GVLNQUAL", body or individual_loan(), reference)


@pytest.fixture
def qualification(world, clock):
    response = qualify(world, clock, "QUALIFY-0001")
    assert response.status_code == 201, response.text
    return mapping.from_package(mapping.QUALIFICATION, reply(response))[0]


def review(qualification, **changes):
    return {"qualification_id": qualification["id"], "loan_amount_fen": 15_000_000, "term_months": 36,
            "counter_guarantee_offered": "房产抵押", **changes}


def claim(qualification, **line_changes):
    line = {"qualification_id": qualification["id"], "loan_reference": "借-2025-0001",
            "principal_fen": 15_000_000, "interest_fen": 120_000, "subsidy_requested_fen": 60_000, **line_changes}
    return {"period": "2026-Q1", "lines": [line],
            "totals": {k: line[k] for k in ("principal_fen", "interest_fen", "subsidy_requested_fen")}}


def rows(container, table) -> int:
    with container.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_loan_qualification_is_answered_with_the_signed_qualification(world, clock, client, container):
    response = qualify(world, clock)
    assert response.status_code == 201, response.text
    answer = reply(response)
    assert answer.info == {"FUNNAM": "GVLNQUAL", "DATTYP": "2", "LGNNAM": LGNNAM, "RETCOD": "0", "ERRMSG": ""}
    qualification, envelope = mapping.from_package(mapping.QUALIFICATION, answer)
    assert envelope["YURREF"] == "LN0001"
    assert qualification["qualified"] is True and qualification["loan_type"] == "individual"
    assert qualification["groups_found"] == [{"citizen_id": APPLICANT, "groups": ["registered_unemployed"]}]
    assert qualification["max_amount_fen"] == 20_000_000
    verify_receipt(client, response, clock)
    with container.uow() as uow:
        stored = uow.qualifications.get(qualification["id"])
        [entry] = uow.message_log.by_message_id(qualification["message_id"])
    assert stored.bank_id == world.bank.id
    assert entry.record.body == response.request.content  # the evidence holds the XML bytes received


def test_the_same_loan_through_json_and_xml_is_decided_alike(world, clock):
    json_answer = None
    world.hr_facts[APPLICANT] = ["registered_unemployed"]
    with hr_answers(world, clock):
        json_answer = world.bank.post("/v1/loan-qualifications", json=individual_loan()).json()
    xml_answer = mapping.from_package(mapping.QUALIFICATION, reply(qualify(world, clock)))[0]
    differing = {"id", "message_id"}
    assert {k: v for k, v in xml_answer.items() if k not in differing} == \
        {k: v for k, v in json_answer.items() if k not in differing}


def test_a_guarantee_review_is_accepted_for_the_fund(world, qualification, client, clock, container):
    response = submit(world.bank, "GVGRTREV", review(qualification), "REVIEW-0001")
    assert response.status_code == 202, response.text
    answer = reply(response)
    assert answer.info["RETCOD"] == "0" and answer.info["FUNNAM"] == "GVGRTREV"
    accepted, envelope = mapping.from_package(mapping.ACCEPTED, answer)
    assert envelope == {"YURREF": "REVIEW-0001"}
    assert accepted["kind"] == "guarantee_review" and accepted["recipients"] == [world.guarantee_fund.id]
    verify_receipt(client, response, clock)
    with container.uow() as uow:
        stored = uow.messages.get(accepted["message_id"])
    assert stored.payload == review(qualification) and stored.refers_to == qualification["id"]


def test_a_subsidy_claim_is_accepted_for_finance(world, qualification, container, clock):
    clock.advance(days=31)  # qualified 2026-03-02; 2026-Q1 is over on 2026-04-02 (86号-16)
    response = submit(world.bank, "GVSUBCLM", claim(qualification), "CLAIM-2026Q1")
    assert response.status_code == 202, response.text
    accepted, _ = mapping.from_package(mapping.ACCEPTED, reply(response))
    assert accepted["kind"] == "subsidy_claim" and accepted["recipients"] == [world.finance.id]
    with container.uow() as uow:
        assert uow.messages.get(accepted["message_id"]).payload == claim(qualification)


def test_a_retry_replays_the_same_signed_bytes(world, qualification, container):
    data = package("GVGRTREV", review(qualification), "REVIEW-RETRY")
    first = send(world.bank, data, reference="REVIEW-RETRY")
    messages = rows(container, tables.messages)
    again = send(world.bank, data, reference="REVIEW-RETRY")
    assert first.status_code == again.status_code == 202
    assert again.content == first.content  # the same XML bytes, with the original receipt:
    assert again.headers["signature"].startswith(first.headers["signature"])
    assert again.headers["idempotency-replayed"] == "true"
    assert rows(container, tables.messages) == messages


def test_the_same_yurref_for_another_package_is_a_duplicate(world, qualification):
    send(world.bank, package("GVGRTREV", review(qualification), "REVIEW-DUP"), reference="REVIEW-DUP")
    response = send(world.bank, package("GVGRTREV", review(qualification, term_months=12), "REVIEW-DUP"),
                    reference="REVIEW-DUP")
    assert response.status_code == 422
    assert reply(response).info["RETCOD"] == "-4"


def test_yurref_must_equal_the_idempotency_key(world, qualification, container):
    before = rows(container, tables.message_log)
    response = send(world.bank, package("GVGRTREV", review(qualification), "REVIEW-A"), reference="REVIEW-B")
    assert response.status_code == 400
    answer = reply(response).info
    assert answer["RETCOD"] == "-2" and "YURREF" in answer["ERRMSG"] and "reference_mismatch" in answer["ERRMSG"]
    assert rows(container, tables.message_log) == before


def test_policy_refusals_name_the_bank_fields(world, qualification, client, clock):
    response = submit(world.bank, "GVGRTREV", review(qualification, loan_amount_fen=25_000_000, term_months=60))
    assert response.status_code == 422
    answer = reply(response).info
    assert answer["RETCOD"] == "-3"
    assert "GRTREVX/TRSAMT" in answer["ERRMSG"] and "GRTREVX/LONTRM" in answer["ERRMSG"]
    verify_receipt(client, response, clock)  # errors are signed receipts too


def test_schema_errors_name_the_bank_fields(world, clock):
    response = qualify(world, clock, body=individual_loan(requested_term_months=500,
                                                          business_division_code="15050"))
    assert response.status_code == 400
    answer = reply(response).info
    assert answer["RETCOD"] == "-2" and "schema_violation" in answer["ERRMSG"]
    assert "LNQUALX/LONTRM" in answer["ERRMSG"] and "LNQUALX/BUSDIV" in answer["ERRMSG"]


def test_identifier_checks_name_the_bank_fields(world, clock):
    bad = citizen_id(1)[:-1] + ("0" if citizen_id(1)[-1] != "0" else "1")
    response = qualify(world, clock, body=individual_loan(applicant={"citizen_id": bad, "name": "张三"}))
    assert response.status_code == 422
    assert "LNQUALX/CLTNBR" in reply(response).info["ERRMSG"]


def test_hr_unavailable_is_a_retry_later(world, clock):
    import requests as http

    with hr_answers(world, clock, exception=http.ConnectionError("down")):
        response = submit(world.bank, "GVLNQUAL", individual_loan())
    assert response.status_code == 503 and "retry-after" in response.headers
    assert reply(response).info["RETCOD"] == "-10"


def test_a_second_claim_of_a_loan_quarter_is_a_conflict(world, qualification, clock):
    clock.advance(days=31)
    assert submit(world.bank, "GVSUBCLM", claim(qualification)).status_code == 202
    response = submit(world.bank, "GVSUBCLM", claim(qualification))
    assert response.status_code == 409 and reply(response).info["RETCOD"] == "-4"


def test_the_bank_needs_a_grant_for_the_operation_itself(client, admin_headers, clock, world):
    """The endpoint's groups are lending and subsidy; a subsidy-only bank passes the endpoint's
    check but must not obtain qualifications through it."""
    subsidy_only = register_signed_partner(client, admin_headers, 41, clock=clock, roles=["bank"],
                                           division_code="150500")
    client.post("/v1/admin/grants", headers=admin_headers, json={"partner_id": subsidy_only.id, "operation": "subsidy"})
    response = submit(subsidy_only, "GVLNQUAL", individual_loan(), lgnnam="ANY")
    assert response.status_code == 403
    assert reply(response).info["RETCOD"] == "-6" and "submit_loan_qualification" in reply(response).info["ERRMSG"]
    lending_only = register_signed_partner(client, admin_headers, 42, clock=clock, roles=["bank"])
    client.post("/v1/admin/grants", headers=admin_headers, json={"partner_id": lending_only.id, "operation": "lending"})
    response = submit(lending_only, "GVSUBCLM", claim({"id": "x"}), lgnnam="ANY")
    assert response.status_code == 403 and "submit_subsidy_claim" in reply(response).info["ERRMSG"]


def test_a_partner_without_the_bank_role_is_refused_in_xml(world, qualification):
    response = submit(world.finance, "GVGRTREV", review(qualification))
    assert response.status_code == 403 and reply(response).info["RETCOD"] == "-6"


def test_the_login_name_must_be_the_registered_one(world, qualification):
    response = submit(world.bank, "GVGRTREV", review(qualification), lgnnam="SOMEONE")
    assert response.status_code == 403
    assert "login_name_mismatch" in reply(response).info["ERRMSG"]


def test_schema_errors_of_a_translated_body_are_listed_once():
    from gateway.api.partner.canonical_schemas import schema_errors

    errors = schema_errors("GuaranteeReviewRequest", {})
    assert [e.pointer for e in errors] == ["/loan_amount_fen", "/qualification_id", "/term_months"]
