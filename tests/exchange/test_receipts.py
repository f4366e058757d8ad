"""Receipts: every answer to a signed request is signed by the gateway and bound to the request.

Verified with the independent library against the published JWKS, for each kind of answer the
partner API gives: success, schema violation, refused signature, missing grant, unknown
message, idempotency conflict, oversize body and reused Idempotency-Key.
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from tests.support.exchange import gateway_jwks, require_grant, verify_receipt
from tests.support.library import library_verified_receipt, receipt_components

ECHO = "/v1/connectivity-tests"
ECHO_OPERATION = "gateway.api.partner.diagnostics.connectivity_test"


def ok_get(ctx):
    return ctx.partner.get("/v1/whoami")


def ok_post(ctx):
    return ctx.partner.post(ECHO, json={"hello": "世界"})


def schema_violation(ctx):
    return ctx.partner.post(ECHO, json=[1, 2])


def refused_signature(ctx):
    headers = ctx.partner.sign("GET", "/v1/whoami")
    headers["Signature"] = headers["Signature"][:-6] + "AAAA=:"
    return ctx.client.get("/v1/whoami", headers=headers)


def not_granted(ctx):
    require_grant(ctx.container, ECHO_OPERATION)
    return ctx.partner.post(ECHO, json={"n": 1})


def unknown_message(ctx):
    return ctx.partner.get("/v1/messages/00000000-0000-4000-8000-000000000000/evidence")


def in_progress(ctx):
    ctx.container.idempotency.begin(ctx.partner.id, "POST", "connectivity_test", "busy-key", b"{}")
    return ctx.partner.post(ECHO, json={"n": 1}, idempotency_key="busy-key")


def oversize(ctx):
    body = b'{"pad": "' + b"x" * ctx.container.settings.max_body_bytes + b'"}'
    return ctx.partner.post(ECHO, body=body)


def key_reused(ctx):
    assert ctx.partner.post(ECHO, json={"n": 1}, idempotency_key="once").status_code == 200
    return ctx.partner.post(ECHO, json={"n": 2}, idempotency_key="once")


SCENARIOS = {
    "200 GET": (ok_get, 200),
    "200 POST": (ok_post, 200),
    "400 schema violation": (schema_violation, 400),
    "401 refused signature": (refused_signature, 401),
    "403 not granted": (not_granted, 403),
    "404 unknown message": (unknown_message, 404),
    "409 in progress": (in_progress, 409),
    "413 oversize": (oversize, 413),
    "422 key reused": (key_reused, 422),
}


class Context:
    def __init__(self, client, container, partner) -> None:
        self.client, self.container, self.partner = client, container, partner


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_answer_to_a_signed_request_is_a_receipt(client, container, partner, clock, scenario):
    make, status = SCENARIOS[scenario]
    response = make(Context(client, container, partner))
    assert response.status_code == status, response.text
    expected = (
        "sha-256=:" + base64.b64encode(hashlib.sha256(response.content).digest()).decode() + ":"
    )
    assert response.headers["content-digest"] == expected
    jwks = gateway_jwks(client)
    result = library_verified_receipt(response, jwks)
    covered = list(result.covered_components)[:-1]
    assert covered == receipt_components(response)
    assert ('"content-digest";req' in covered) == (response.request.method == "POST")
    assert result.parameters["tag"] == "govgate-response"
    assert result.parameters["created"] == int(clock().timestamp())
    assert result.parameters["keyid"] == container.keystore.current()[0]
    verify_receipt(client, response, clock, jwks)


def test_a_receipt_does_not_verify_for_another_request(client, partner, clock):
    first, second = partner.get("/v1/whoami"), partner.get("/v1/whoami")
    second.headers["signature"] = first.headers["signature"]
    second.headers["signature-input"] = first.headers["signature-input"]
    from http_message_signatures.exceptions import InvalidSignature

    with pytest.raises(InvalidSignature):
        library_verified_receipt(second, gateway_jwks(client))


@pytest.mark.parametrize(
    "path", ["/v1/gateway-keys", "/v1/admin/partners", "/v1/admin/gateway-keys"]
)
def test_unsigned_requests_get_no_gateway_signature(client, admin_headers, path):
    response = client.get(path, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert not {"signature", "signature-input", "content-digest"} & set(response.headers)


def test_after_rotation_new_receipts_use_the_new_key_and_old_ones_still_verify(
    client, admin_headers, partner, clock
):
    before = partner.get("/v1/whoami")
    old_kid = library_verified_receipt(before, gateway_jwks(client)).parameters["keyid"]
    rotated = client.post("/v1/admin/gateway-keys/rotate", headers=admin_headers)
    assert rotated.status_code == 201, rotated.text
    new_kid = rotated.json()["kid"]
    assert new_kid != old_kid
    after = partner.post(ECHO, json={"after": "rotation"})
    jwks = gateway_jwks(client)
    assert {old_kid, new_kid} <= {key["kid"] for key in jwks["keys"]}
    assert library_verified_receipt(after, jwks).parameters["keyid"] == new_kid
    assert library_verified_receipt(before, jwks).parameters["keyid"] == old_kid
    verify_receipt(client, before, clock, jwks)
    listed = client.get("/v1/admin/gateway-keys", headers=admin_headers).json()["items"]
    assert [k["kid"] for k in listed if k["current"]] == [new_kid]
