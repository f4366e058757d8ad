"""Every rejection reason of the signing profile, through the real app.

Each refusal must be a 401 problem+json with its own ``reason``, must say nothing about key
material or the signature base, and must itself be a receipt: signed by the gateway and bound
to the request that was refused (checked with our verifier and with the independent library).
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from gateway.signatures import SigningKey
from tests.support.exchange import (
    crafted_headers,
    problem,
    profile_params,
    verify_receipt,
)
from tests.support.library import library_verified_receipt, receipt_components
from tests.support.signing import SignedPartner

WHOAMI = "/v1/whoami"
ECHO = "/v1/connectivity-tests"
BODY = json.dumps({"问候": "你好", "n": 1}, ensure_ascii=False).encode()


def key_material(key: SigningKey) -> list[str]:
    """Strings that would betray the key if they appeared in a refusal."""
    info = key.public_info()
    pem_lines = [line for line in info.pem.splitlines() if line and not line.startswith("-----")]
    return pem_lines + [v for k, v in info.jwk.items() if k in {"x", "y", "n"}] + [info.fingerprint]


def refused(client, response, reason: str, clock, key: SigningKey) -> dict:
    body = problem(response, 401, reason)
    sent = response.request.headers
    leaks = key_material(key) + ['"@signature-params"', '"@target-uri":', "@method:"]
    signature = sent.get("signature", "")
    if "=:" in signature:
        leaks.append(signature.split("=:", 1)[1].rstrip(":"))
    assert not [leak for leak in leaks if leak and leak in response.text], response.text
    receipt = verify_receipt(client, response, clock)
    assert receipt.tag == "govgate-response"
    result = library_verified_receipt(response, client.get("/v1/gateway-keys").json())
    assert list(result.covered_components)[:-1] == receipt_components(response)
    return body


def send(client, method, path, headers, body=b""):
    return client.request(method, path, headers=headers, content=body)


def test_signature_missing(client, partner, clock):
    headers = partner.sign("GET", WHOAMI)
    del headers["Signature-Input"]
    refused(client, send(client, "GET", WHOAMI, headers), "signature_missing", clock, partner.key)


def test_unsigned_request_is_refused_without_a_receipt(client):
    response = client.get(WHOAMI)
    problem(response, 401, "signature_missing")
    assert "signature" not in response.headers and "content-digest" not in response.headers


def test_signature_tag_missing(client, partner, clock):
    headers = partner.sign("GET", WHOAMI, tag="govgate-delivery")
    refused(
        client, send(client, "GET", WHOAMI, headers), "signature_tag_missing", clock, partner.key
    )


@pytest.mark.parametrize(
    "method,path,components",
    [
        (
            "POST",
            ECHO,
            ("@method", "@target-uri", "content-type", "content-digest"),
        ),  # no idempotency-key
        (
            "POST",
            ECHO,
            ("@method", "@target-uri", "content-digest", "idempotency-key"),
        ),  # no content-type
        (
            "POST",
            ECHO,
            ("@method", "@target-uri", "content-type", "idempotency-key"),
        ),  # no content-digest
        ("GET", WHOAMI, ("@method",)),  # no @target-uri
    ],
)
def test_signature_component_missing(client, partner, clock, method, path, components):
    body = BODY if method == "POST" else b""
    headers = crafted_headers(
        partner.key,
        method,
        path,
        body,
        components=components,
        params=profile_params(partner.key, clock),
        headers={"Idempotency-Key": "k-1"} if method == "POST" else None,
    )
    response = send(client, method, path, headers, body)
    refused(client, response, "signature_component_missing", clock, partner.key)


@pytest.mark.parametrize("left_out", ["nonce", "created", "keyid"])
def test_signature_parameter_missing(client, partner, clock, left_out):
    headers = crafted_headers(
        partner.key,
        "GET",
        WHOAMI,
        components=("@method", "@target-uri"),
        params=profile_params(partner.key, clock, **{left_out: None}),
    )
    refused(
        client,
        send(client, "GET", WHOAMI, headers),
        "signature_parameter_missing",
        clock,
        partner.key,
    )


@pytest.mark.parametrize(
    "spoil",
    [
        "unparseable input",
        "signature not bytes",
        "short nonce",
        "created not an integer",
        "unknown component parameter",
    ],
)
def test_signature_malformed(client, partner, clock, spoil):
    headers = partner.sign("GET", WHOAMI)
    if spoil == "unparseable input":
        headers["Signature-Input"] = 'sig1=("@method" "@target-uri";created=((('
    elif spoil == "signature not bytes":
        headers["Signature"] = 'sig1="not-a-byte-sequence"'
    elif spoil == "short nonce":
        headers = crafted_headers(
            partner.key,
            "GET",
            WHOAMI,
            components=("@method", "@target-uri"),
            params=profile_params(partner.key, clock, nonce="short"),
        )
    elif spoil == "created not an integer":
        headers["Signature-Input"] = (
            headers["Signature-Input"]
            .replace(";created=", ';created="')
            .replace(";keyid=", '";keyid=')
        )
    else:
        headers["Signature-Input"] = headers["Signature-Input"].replace('"@method"', '"@method";sf')
    refused(client, send(client, "GET", WHOAMI, headers), "signature_malformed", clock, partner.key)


def test_key_unknown(client, partner, clock):
    headers = crafted_headers(
        partner.key,
        "GET",
        WHOAMI,
        components=("@method", "@target-uri"),
        params=profile_params(partner.key, clock, keyid="nobody-registered-this"),
    )
    refused(client, send(client, "GET", WHOAMI, headers), "key_unknown", clock, partner.key)


def second_key(client, admin_headers, partner, clock, keyid: str, **validity) -> SignedPartner:
    key = SigningKey.generate("ed25519", keyid)
    response = client.post(
        f"/v1/admin/partners/{partner.id}/keys",
        headers=admin_headers,
        json={"public_key": key.public_info().pem, "keyid": keyid, **validity},
    )
    assert response.status_code == 201, response.text
    return SignedPartner(client, partner.partner, key, clock)


def test_key_not_yet_valid(client, admin_headers, partner, clock):
    start = clock() + timedelta(days=1)
    successor = second_key(
        client,
        admin_headers,
        partner,
        clock,
        "next-key",
        not_before=start.isoformat().replace("+00:00", "Z"),
    )
    refused(client, successor.get(WHOAMI), "key_not_yet_valid", clock, successor.key)
    clock.advance(days=1)
    assert successor.get(WHOAMI).status_code == 200


def test_key_expired(client, admin_headers, partner, clock):
    end = clock() + timedelta(hours=1)
    short_lived = second_key(
        client,
        admin_headers,
        partner,
        clock,
        "short-key",
        not_after=end.isoformat().replace("+00:00", "Z"),
    )
    assert short_lived.get(WHOAMI).status_code == 200
    clock.advance(hours=1)
    refused(client, short_lived.get(WHOAMI), "key_expired", clock, short_lived.key)


def test_key_revoked_takes_effect_at_once(client, admin_headers, partner, clock):
    assert partner.get(WHOAMI).status_code == 200
    revoked = client.post(
        f"/v1/admin/partners/{partner.id}/keys/{partner.key.keyid}/revoke",
        headers=admin_headers,
        json={"reason": "key file leaked"},
    )
    assert revoked.status_code == 200, revoked.text
    refused(client, partner.get(WHOAMI), "key_revoked", clock, partner.key)
    refused(client, partner.post(ECHO, json={"n": 1}), "key_revoked", clock, partner.key)


def test_partner_suspended_stops_all_traffic_until_activated(
    client, admin_headers, partner, other_partner, clock
):
    assert partner.get(WHOAMI).status_code == 200
    suspended = client.post(f"/v1/admin/partners/{partner.id}/suspend", headers=admin_headers)
    assert suspended.status_code == 200, suspended.text
    refused(client, partner.get(WHOAMI), "partner_suspended", clock, partner.key)
    refused(client, partner.post(ECHO, json={"n": 1}), "partner_suspended", clock, partner.key)
    assert other_partner.get(WHOAMI).status_code == 200  # only that partner stops
    client.post(f"/v1/admin/partners/{partner.id}/activate", headers=admin_headers)
    assert partner.get(WHOAMI).status_code == 200
    assert partner.post(ECHO, json={"n": 2}).status_code == 200


def test_signature_expired(client, partner, clock):
    headers = partner.sign("GET", WHOAMI)
    clock.advance(seconds=301)
    refused(client, send(client, "GET", WHOAMI, headers), "signature_expired", clock, partner.key)


def test_signature_at_the_edge_of_the_window_is_accepted(client, partner, clock):
    old = partner.sign("GET", WHOAMI)
    clock.advance(seconds=300)
    assert send(client, "GET", WHOAMI, old).status_code == 200
    ahead = partner.sign("GET", WHOAMI)
    clock.advance(seconds=-30)
    assert send(client, "GET", WHOAMI, ahead).status_code == 200


def test_signature_from_future(client, partner, clock):
    clock.advance(seconds=31)
    headers = partner.sign("GET", WHOAMI)
    clock.advance(seconds=-31)
    refused(
        client, send(client, "GET", WHOAMI, headers), "signature_from_future", clock, partner.key
    )


@pytest.mark.parametrize("method,path,body", [("GET", WHOAMI, b""), ("POST", ECHO, BODY)])
def test_nonce_replayed(client, partner, clock, method, path, body):
    headers = partner.sign(method, path, body)
    assert send(client, method, path, headers, body).status_code == 200
    clock.advance(seconds=5)
    refused(client, send(client, method, path, headers, body), "nonce_replayed", clock, partner.key)


def test_content_digest_mismatch(client, partner, clock):
    headers = partner.sign("POST", ECHO, BODY)
    tampered = BODY.replace(b'"n": 1', b'"n": 9')
    refused(
        client,
        send(client, "POST", ECHO, headers, tampered),
        "content_digest_mismatch",
        clock,
        partner.key,
    )


def test_content_digest_missing(client, partner, clock):
    headers = partner.sign("POST", ECHO, BODY)
    del headers["Content-Digest"]
    refused(
        client,
        send(client, "POST", ECHO, headers, BODY),
        "content_digest_missing",
        clock,
        partner.key,
    )


def test_signature_invalid_when_a_byte_is_flipped(client, partner, clock):
    headers = partner.sign("GET", WHOAMI)
    label, value = headers["Signature"].split("=", 1)
    raw = bytearray(base64.b64decode(value.strip(":")))
    raw[7] ^= 0x01
    headers["Signature"] = f"{label}=:{base64.b64encode(bytes(raw)).decode()}:"
    refused(client, send(client, "GET", WHOAMI, headers), "signature_invalid", clock, partner.key)


def test_signature_invalid_when_signed_with_another_key(client, partner, clock):
    impostor = SigningKey.generate("ed25519", partner.key.keyid)  # claims the partner's keyid
    headers = crafted_headers(
        impostor,
        "GET",
        WHOAMI,
        components=("@method", "@target-uri"),
        params=profile_params(impostor, clock),
    )
    refused(client, send(client, "GET", WHOAMI, headers), "signature_invalid", clock, partner.key)


def test_signature_invalid_when_the_target_differs(client, partner, clock):
    headers = partner.sign("GET", "/v1/whoami?as=someone-else")
    refused(client, send(client, "GET", WHOAMI, headers), "signature_invalid", clock, partner.key)


def test_algorithm_mismatch(client, partner, clock):
    headers = crafted_headers(
        partner.key,
        "GET",
        WHOAMI,
        components=("@method", "@target-uri"),
        params=profile_params(partner.key, clock, alg="rsa-pss-sha512"),
    )
    refused(client, send(client, "GET", WHOAMI, headers), "algorithm_mismatch", clock, partner.key)


def test_idempotency_key_missing_on_post(client, partner, clock):
    headers = crafted_headers(
        partner.key,
        "POST",
        ECHO,
        BODY,
        components=("@method", "@target-uri", "content-type", "content-digest"),
        params=profile_params(partner.key, clock),
    )
    response = send(client, "POST", ECHO, headers, BODY)
    body = problem(response, 400, "idempotency_key_missing")
    assert [e["pointer"] for e in body["errors"]] == ["/header/idempotency-key"]
    verify_receipt(client, response, clock)
