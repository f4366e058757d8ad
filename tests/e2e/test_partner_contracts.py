"""The interfaces partners must serve (openapi/partners/), checked against real traffic.

The gateway publishes them at /v1/partner-contracts; every request the gateway sends to the
simulated HR system and recipients, and every answer they give, must conform to the published
document (openapi-core, an independent validator). Every operation of every document is
exercised, so a path added to a document without traffic to back it fails here.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.response.exceptions import InvalidData
from openapi_spec_validator import validate as validate_openapi_document

from tests.support.samples import APPLICANT, individual_loan
from tests.support.samples import deferral_conclusion as conclusion

CONTRACTS = {"hr-person-facts", "canonical-recipient"}
ROLE_CONTRACT = {"hr": "hr-person-facts", "tax": "canonical-recipient", "finance": "canonical-recipient",
                 "bank": "canonical-recipient", "guarantee_fund": "canonical-recipient"}


def published(client, name: str) -> dict:
    response = client.get(f"/v1/partner-contracts/{name}")
    assert response.status_code == 200, response.text
    return response.json()


def test_the_gateway_publishes_self_contained_documents(client):
    listed = client.get("/v1/partner-contracts")
    assert listed.status_code == 200, listed.text
    assert {item["name"] for item in listed.json()["items"]} == CONTRACTS
    for item in listed.json()["items"]:
        document = published(client, item["name"])
        assert client.get(item["url"]).json() == document
        validate_openapi_document(document)  # a valid OpenAPI 3.0 document ...
        assert "../" not in json.dumps(document)  # ... that names no file a partner cannot fetch
    missing = client.get("/v1/partner-contracts/tax-cfx")
    assert missing.status_code == 404 and missing.json()["reason"] == "partner_contract_not_found"


def test_the_examples_in_the_documents_match_their_schemas(client):
    from openapi_schema_validator import OAS30Validator

    for name in CONTRACTS:
        document = published(client, name)
        schemas = document["components"]["schemas"]
        examples = {n: s["example"] for n, s in schemas.items() if "example" in s}
        assert examples, name
        for schema_name, example in examples.items():
            schema = {**schemas[schema_name], "components": document["components"]}
            errors = list(OAS30Validator(schema).iter_errors(example))
            assert not errors, (name, schema_name, [e.message for e in errors])


class Recorder:
    """Wraps a simulator's ``handle`` to keep every (request, response) it saw."""

    def __init__(self, simulator) -> None:
        self.exchanges: list = []
        self._handle = simulator.handle
        simulator.handle = self

    def __call__(self, request):
        response = self._handle(request)
        self.exchanges.append((request, response))
        return response


def as_openapi(request, response):
    url = urlsplit(request.target_uri)
    headers = dict(request.headers.items())
    mock_request = MockRequest(f"{url.scheme}://{url.netloc}", request.method.lower(), url.path,
                               headers=headers, data=request.body,
                               content_type=request.headers.get("content-type") or "")
    mock_response = MockResponse(response.body, response.status, headers=dict(response.headers.items()),
                                 content_type=response.headers.get("content-type") or "")
    return mock_request, mock_response


def checker(document: dict, endpoint_url: str) -> OpenAPI:
    """The document with its server variable set to where this partner really listens."""
    return OpenAPI.from_dict({**document, "servers": [{"url": endpoint_url}]})


@pytest.fixture
def recorders(story):
    return {role: Recorder(simulator) for role, simulator in story.simulators.items()}


def play_every_exchange(story, deliver, clock) -> None:
    story.simulators["hr"].facts[APPLICANT] = ["veteran"]
    assert story.hr.post("/v1/deferral-conclusions", json=conclusion()).status_code == 202
    enterprise_loan = individual_loan(loan_type="enterprise", enterprise={
        "credit_code": conclusion()["enterprise"]["credit_code"], "name": "通辽市某某餐饮有限公司",
        "size_class": "small", "current_staff": 10, "hires": [], "wage_arrears": False,
        "premium_arrears": False})
    story.simulators["hr"].enterprises[enterprise_loan["enterprise"]["credit_code"]] = False
    assert story.bank.post("/v1/loan-qualifications", json=enterprise_loan).status_code == 201
    qualification = story.bank.post("/v1/loan-qualifications", json=individual_loan()).json()
    review = story.bank.post("/v1/guarantee-reviews", json={
        "qualification_id": qualification["id"], "loan_amount_fen": 15_000_000, "term_months": 36}).json()
    deliver()
    decided = story.guarantee_fund.post(f"/v1/guarantee-reviews/{review['message_id']}/decision", json={
        "outcome": "accepted", "guaranteed_amount_fen": 15_000_000, "term_months": 36})
    assert decided.status_code == 202, decided.text
    line = {"qualification_id": qualification["id"], "loan_reference": "LN-1", "principal_fen": 15_000_000,
            "interest_fen": 100_000, "subsidy_requested_fen": 50_000}
    clock.advance(days=31)  # qualified 2026-03-02: 2026-Q1 can be claimed from 2026-04-01 (86号-16)
    claim = story.bank.post("/v1/interest-subsidy-claims", json={
        "period": "2026-Q1", "lines": [line],
        "totals": {k: line[k] for k in ("principal_fen", "interest_fen", "subsidy_requested_fen")}}).json()
    deliver()
    answered = story.finance.post(f"/v1/interest-subsidy-claims/{claim['message_id']}/decision", json={
        "lines": [{"loan_reference": "LN-1", "outcome": "approved", "approved_fen": 50_000}]})
    assert answered.status_code == 202, answered.text
    deliver()


def test_every_exchange_with_a_partner_system_conforms_to_its_document(client, story, deliver, recorders,
                                                                       clock):
    play_every_exchange(story, deliver, clock)
    exercised = {name: set() for name in CONTRACTS}
    for role, recorder in recorders.items():
        name = ROLE_CONTRACT[role]
        openapi = checker(published(client, name), story.simulators[role].endpoint_url)
        assert recorder.exchanges, role
        for request, response in recorder.exchanges:
            assert response.status == 200, (role, request.target_uri, response.body)
            mock_request, mock_response = as_openapi(request, response)
            openapi.validate_request(mock_request)  # what the gateway sends ...
            openapi.validate_response(mock_request, mock_response)  # ... and what the partner answers
            exercised[name].add(urlsplit(request.target_uri).path.removeprefix("/govgate"))
    for name in CONTRACTS:
        assert exercised[name] == set(published(client, name)["paths"]), name


def test_an_answer_outside_the_document_is_caught(client, story, recorders):
    """The check above can fail: an HR answer with a group the contract does not know."""
    story.simulators["hr"].facts[APPLICANT] = ["veteran"]
    assert story.bank.post("/v1/loan-qualifications", json=individual_loan()).status_code == 201
    [(request, response)] = recorders["hr"].exchanges
    answer = json.loads(response.body)
    answer["persons"][0]["groups"] = ["astronaut"]
    spoilt = type(response)(response.status, response.headers, json.dumps(answer).encode())
    openapi = checker(published(client, "hr-person-facts"), story.simulators["hr"].endpoint_url)
    openapi.validate_response(*as_openapi(request, response))  # the real answer conforms
    with pytest.raises(InvalidData):
        openapi.validate_response(*as_openapi(request, spoilt))
