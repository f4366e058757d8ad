"""Every request and response schema of the exchanges has an ``example`` in the contract; each
example conforms to its schema, and the request examples go through the gateway as they are
(with only the ids of earlier messages put in, which no example can know in advance).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest
from openapi_schema_validator import OAS30Validator

from gateway import partner_contracts

EXCHANGES = {  # path → (request schema, its 2xx status, response schema)
    "/deferral-conclusions": ("DeferralConclusion", "202", "Accepted"),
    "/loan-qualifications": ("LoanQualificationRequest", "201", "Qualification"),
    "/guarantee-reviews": ("GuaranteeReviewRequest", "202", "Accepted"),
    "/guarantee-reviews/{id}/decision": ("GuaranteeDecision", "202", "Accepted"),
    "/interest-subsidy-claims": ("SubsidyClaim", "202", "Accepted"),
    "/interest-subsidy-claims/{id}/decision": ("SubsidyDecision", "202", "Accepted"),
}
POLICY = "components/policy.yaml#/components/schemas/"
IDS = {"id", "message_id", "status_url", "recipients", "hr_partner_id"}  # made up in the examples


def without(document: dict, names: set[str]) -> dict:
    return {key: value for key, value in document.items() if key not in names}


@pytest.fixture(scope="module")
def spec():
    from gateway.contract import SPEC_DIR, SPEC_FILE
    from gateway.contract_bundle import read_yaml

    document = read_yaml(SPEC_DIR / SPEC_FILE)  # as written, its references into the files kept
    schemas = read_yaml(SPEC_DIR / "components" / "policy.yaml")
    return document, schemas["components"]


def example_of(components: dict, name: str) -> dict:
    schema = components["schemas"][name]
    assert "example" in schema, f"{name} has no example"
    return copy.deepcopy(schema["example"])


def test_the_contract_names_these_schemas_for_the_exchanges(spec):
    document, _ = spec
    for path, (request, status, response) in EXCHANGES.items():
        operation = document["paths"][path]["post"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"] == POLICY + request
        answer = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        assert answer == POLICY + response, path


@pytest.mark.parametrize("name", sorted({n for triple in EXCHANGES.values() for n in triple[::2]}))
def test_every_example_conforms_to_its_schema(spec, name):
    _, components = spec
    validator = OAS30Validator({**components["schemas"][name], "components": components})
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(example_of(components, name))]
    assert not errors, errors


def test_the_request_examples_go_through_the_gateway(spec, story, deliver, clock):
    """One story told with the examples alone; every answer is checked against the contract
    (the test app validates responses), and has the example answer's fields."""
    _, components = spec
    examples = {name: example_of(components, name) for triple in EXCHANGES.values() for name in triple[::2]}

    def same_fields(response, name, *, as_in_example: bool = True):
        """The answer names only the schema's fields, and (for the exchange the example shows)
        every field the example has."""
        assert set(response.json()) <= set(components["schemas"][name]["properties"])
        if as_in_example:
            assert set(examples[name]) <= set(response.json()), name

    deferral = story.hr.post("/v1/deferral-conclusions", json=examples["DeferralConclusion"])
    assert deferral.status_code == 202, deferral.text
    same_fields(deferral, "Accepted")
    assert without(deferral.json(), IDS) == without(examples["Accepted"], IDS)  # the example is what we answer

    loan = examples["LoanQualificationRequest"]
    story.simulators["hr"].facts[loan["applicant"]["citizen_id"]] = ["college_graduate"]
    qualification = story.bank.post("/v1/loan-qualifications", json=loan)
    assert qualification.status_code == 201, qualification.text
    assert qualification.json()["qualified"] is True, qualification.json()
    same_fields(qualification, "Qualification")
    assert without(qualification.json(), IDS) == without(examples["Qualification"], IDS)
    qualification_id = qualification.json()["id"]

    review_body = examples["GuaranteeReviewRequest"] | {"qualification_id": qualification_id}
    review = story.bank.post("/v1/guarantee-reviews", json=review_body)
    assert review.status_code == 202, review.text
    deliver()
    decision = story.guarantee_fund.post(f"/v1/guarantee-reviews/{review.json()['message_id']}/decision",
                                         json=examples["GuaranteeDecision"])
    assert decision.status_code == 202, decision.text

    claim_body = examples["SubsidyClaim"]
    for line in claim_body["lines"]:
        line["qualification_id"] = qualification_id
    # The example claims 2026-Q1 for a loan qualified on 2026-03-02: claimed once the quarter ended.
    clock.now = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    claim = story.bank.post("/v1/interest-subsidy-claims", json=claim_body)
    assert claim.status_code == 202, claim.text
    deliver()
    answered = story.finance.post(f"/v1/interest-subsidy-claims/{claim.json()['message_id']}/decision",
                                  json=examples["SubsidyDecision"])
    assert answered.status_code == 202, answered.text
    deliver()
    for response in (review, decision, claim, answered):
        same_fields(response, "Accepted", as_in_example=False)  # the example shows a deferral's
    delivered = story.simulators["bank"].received[answered.json()["message_id"]]
    assert delivered["payload"] == examples["SubsidyDecision"]  # delivered as sent


def test_the_partner_documents_have_examples_too():
    for name in partner_contracts.names():
        schemas = partner_contracts.load(name)["components"]["schemas"]
        assert any("example" in schema for schema in schemas.values()), name
