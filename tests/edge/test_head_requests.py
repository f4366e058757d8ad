"""HEAD on every GET of the contract answers as GET would, without a body, never 500.

A HEAD answer has no body (RFC 9110 §9.3.2); the contract's response validation (on in tests,
optional in production) once held that empty body to the GET schema and answered 500.
"""

from __future__ import annotations

import re

import pytest

from gateway import contract

SPEC = contract.load_spec()
BASE = SPEC["servers"][0]["url"].rstrip("/")
GETS = sorted(path for path, item in SPEC["paths"].items() if "get" in item)


def concrete(path: str) -> str:
    return BASE + re.sub(r"\{[^}]+\}", "91110000600037341L", path)


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_head_answers_as_get_without_a_body(client, admin_headers, who):
    headers = admin_headers if who == "admin" else {}
    assert len(GETS) >= 20
    for path in GETS:
        url = concrete(path)
        got, head = client.get(url, headers=headers), client.head(url, headers=headers)
        where = f"HEAD {path} as {who}"
        assert head.status_code < 500, where + ": " + got.text[:200]
        assert head.status_code == got.status_code, where
        assert head.content == b"", where
        assert head.headers.get("content-type") == got.headers.get("content-type"), where


def test_health_answers_head(client):
    assert client.head("/v1/healthz").status_code == 200
