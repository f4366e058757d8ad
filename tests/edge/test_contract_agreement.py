"""Where the contract and the code once disagreed (issue #10, defect 10).

* ``Idempotency-Key``: the spec allowed 257 characters; the code refused 256 as *missing*.
  Now one pattern, in the contract and in ``gateway.exchange.idempotency``, with its own reason.
* ``405``: ``Allow`` listed the methods of one werkzeug route (``HEAD, GET``) where the contract
  also has POST or PATCH. Now it lists the contract's methods for the path.
"""

from __future__ import annotations

import re

import pytest
import yaml

from gateway import contract
from gateway.exchange.idempotency import KEY_PATTERN
from tests.support.exchange import problem, verify_receipt

ECHO = "/v1/connectivity-tests"
SPEC = contract.load_spec()


def idempotency_schemas():
    """The schema of every Idempotency-Key parameter in the contract, references resolved."""
    exchange = yaml.safe_load((contract.SPEC_DIR / "components" / "exchange.yaml").read_text())
    shared = exchange["components"]["schemas"]["IdempotencyKey"]
    found = []
    for path_item in SPEC["paths"].values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if "$ref" in parameter:
                    name = parameter["$ref"].rsplit("/", 1)[-1]
                    parameter = exchange["components"]["parameters"].get(name, {})
                if parameter.get("name") == "Idempotency-Key":
                    schema = parameter["schema"]
                    found.append(shared if "$ref" in schema else schema)
    return found


def test_the_contract_and_the_code_hold_one_pattern():
    schemas = idempotency_schemas()
    assert len(schemas) >= 7  # every partner POST, the bank front-end included
    for schema in schemas:
        assert schema["pattern"] == KEY_PATTERN
        assert schema["maxLength"] == 257  # 255 characters, quoted


BARE_MAX, QUOTED_MAX = "k" * 255, '"' + "k" * 254 + ' "'
ACCEPTED = ["a", "apply-1", BARE_MAX, QUOTED_MAX, '"with space"', "~!#$%&'()*+,-./:;<=>?@[]^_`{|}"]
REFUSED = ["k" * 256, '"' + "k" * 256 + '"', "a b", '"a\\"b"', "a\\b", '""', "é", "中文", "\x7f"]


@pytest.mark.parametrize("key", ACCEPTED)
def test_keys_the_pattern_allows_are_accepted(partner, client, clock, key):
    assert re.search(KEY_PATTERN, key)
    first = partner.post(ECHO, json={"n": 1}, idempotency_key=key)
    assert first.status_code == 200, first.text
    retry = partner.post(ECHO, json={"n": 1}, idempotency_key=key)
    assert retry.headers["idempotency-replayed"] == "true"  # stored and found by the same key


@pytest.mark.parametrize("key", REFUSED)
def test_keys_outside_the_pattern_are_invalid_not_missing(partner, client, clock, key):
    assert not re.search(KEY_PATTERN, key)
    # The key is checked before the signature, so the field is swapped after signing (our
    # signer covers ASCII only); a client sending UTF-8 puts these bytes on the wire.
    body = b'{"n": 1}'
    headers = partner.sign("POST", ECHO, body, idempotency_key="placeholder")
    headers["Idempotency-Key"] = key.encode("utf-8")
    response = client.post(ECHO, headers=headers, content=body)
    body = problem(response, 400, "idempotency_key_invalid")
    assert [e["pointer"] for e in body["errors"]] == ["/header/idempotency-key"]
    verify_receipt(client, response, clock)


def test_a_blank_key_is_missing(partner, client, clock):
    problem(partner.post(ECHO, json={"n": 1}, idempotency_key=" "), 400, "idempotency_key_missing")


def test_a_quoted_key_and_its_bare_form_are_the_same_key(partner):
    assert partner.post(ECHO, json={"n": 1}, idempotency_key='"same"').status_code == 200
    retry = partner.post(ECHO, json={"n": 1}, idempotency_key="same")
    assert retry.headers["idempotency-replayed"] == "true"


def contract_methods(template: str) -> set[str]:
    return {m.upper() for m in SPEC["paths"][template] if m in contract.METHODS}


@pytest.mark.parametrize("template", sorted(SPEC["paths"]))
def test_a_405_allows_what_the_contract_defines(client, template):
    path = "/v1" + re.sub(r"\{[^}]+\}", "1", template)  # "1" fits string and integer ids
    defined = contract_methods(template)
    unused = next(m for m in ("PUT", "DELETE", "PATCH", "POST") if m not in defined)
    response = client.request(unused, path)
    assert response.status_code == 405, response.text  # (the bank front-end answers in XML)
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert allowed == defined | ({"HEAD"} if "GET" in defined else set())


def test_admin_paths_with_post_or_patch_say_so(client):
    for path, method in [("/v1/admin/partners", "POST"), ("/v1/admin/partners/x", "PATCH"),
                         ("/v1/admin/partners/x/keys", "POST"), ("/v1/admin/grants", "POST"),
                         ("/v1/admin/tokens", "POST")]:
        response = client.put(path)
        assert method in response.headers["allow"].split(", "), (path, response.headers["allow"])
