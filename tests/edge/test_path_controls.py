"""A control character in a path parameter is a 400 problem, on every path of the contract.

Starlette's mount pattern stops at a newline while werkzeug's does not, so ``%0A`` once reached a
handler with no operation context: an unauthenticated 500 (issue #10, defect 3).
"""

from __future__ import annotations

import re

import pytest

from gateway import contract
from tests.support.exchange import problem, verify_receipt
from tests.support.signing import register_signed_partner

SPEC = contract.load_spec()
BASE = SPEC["servers"][0]["url"].rstrip("/")
TEMPLATED = sorted(path for path in SPEC["paths"] if "{" in path)
METHODS = ("GET", "POST", "PATCH", "DELETE")


def spoilt(path: str, value: str) -> str:
    return BASE + re.sub(r"\{[^}]+\}", value, path)


@pytest.mark.parametrize("value", ["a%0Ab", "x%0A", "%0D%0A", "a%00b", "a%09b", "a%7Fb", "a%C2%85b"])
def test_every_templated_path_refuses_control_characters(client, value):
    assert len(TEMPLATED) >= 10  # the contract's string path parameters, all of them
    for path in TEMPLATED:
        for method in METHODS:
            response = client.request(method, spoilt(path, value))
            where = f"{method} {path} with {value}"
            assert response.status_code == 400, where + ": " + response.text
            assert response.headers["content-type"] == "application/problem+json", where
            assert response.json()["reason"] == "path_invalid", where
            assert response.json()["request_id"] == response.headers["x-request-id"]


def test_an_admin_token_does_not_change_the_answer(client, admin_headers):
    response = client.get("/v1/admin/partners/a%0Ab", headers=admin_headers)
    problem(response, 400, "path_invalid")


def test_a_signed_request_gets_a_signed_refusal(client, admin_headers, clock):
    partner = register_signed_partner(client, admin_headers, 1, clock=clock)
    response = partner.get("/v1/messages/a%0Ab/evidence")
    problem(response, 400, "path_invalid")
    verify_receipt(client, response, clock)


def test_ordinary_identifiers_still_route(client, admin_headers):
    assert client.get("/v1/admin/partners/91110000600037341L", headers=admin_headers).status_code == 404
