"""/v1/admin/partners/{id}/keys: public keys only, lookup by keyid, rotation and revocation."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.signatures.jwk import public_key_to_jwk
from tests.support.partners import create_partner, private_key, private_pem, public_pem


@pytest.fixture
def partner(client, admin_headers):
    return create_partner(client, admin_headers, 1)


def keys_url(partner, keyid=""):
    return f"/v1/admin/partners/{partner['id']}/keys" + (f"/{keyid}" if keyid else "")


@pytest.mark.parametrize("algorithm", ["ed25519", "ecdsa-p256-sha256", "rsa-pss-sha512"])
def test_register_pem_for_each_algorithm(client, admin_headers, partner, algorithm):
    response = client.post(keys_url(partner), headers=admin_headers,
                           json={"public_key": public_pem(private_key(algorithm)), "keyid": f"k-{algorithm}"})
    assert response.status_code == 201, response.text
    key = response.json()
    assert key["algorithm"] == algorithm
    assert key["status"] == "active" and key["revoked_at"] is None
    assert len(key["fingerprint"]) == 64 and key["thumbprint"]


def test_register_jwk_and_default_keyid_is_the_thumbprint(client, admin_headers, partner):
    jwk = public_key_to_jwk(private_key("ecdsa-p256-sha256").public_key())
    response = client.post(keys_url(partner), headers=admin_headers, json={"public_key": jwk})
    assert response.status_code == 201, response.text
    key = response.json()
    assert key["keyid"] == key["thumbprint"]
    assert key["jwk"]["kty"] == "EC"


def test_private_pem_is_refused_and_not_stored(client, admin_headers, partner, container):
    response = client.post(keys_url(partner), headers=admin_headers,
                           json={"public_key": private_pem(private_key()), "keyid": "oops"})
    assert response.status_code == 422
    assert response.json()["reason"] == "private_key_refused"
    assert "PRIVATE" not in response.text
    assert client.get(keys_url(partner), headers=admin_headers).json()["items"] == []
    with container.uow() as uow:
        events = uow.audit.list(action="key.register")
    assert events[-1].outcome.value == "failed"
    assert "PRIVATE" not in json.dumps([e.after for e in events] + [e.before for e in events])


def test_private_jwk_is_refused(client, admin_headers, partner):
    key = private_key()
    jwk = public_key_to_jwk(key.public_key())
    jwk["d"] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
    response = client.post(keys_url(partner), headers=admin_headers, json={"public_key": jwk})
    assert response.status_code == 422
    assert response.json()["reason"] == "private_key_refused"


def test_weak_rsa_is_refused(client, admin_headers, partner):
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    response = client.post(keys_url(partner), headers=admin_headers, json={"public_key": public_pem(weak)})
    assert response.status_code == 422
    assert response.json()["reason"] == "key_too_weak"


def test_garbage_key_is_refused(client, admin_headers, partner):
    response = client.post(keys_url(partner), headers=admin_headers, json={"public_key": "hello"})
    assert response.status_code == 422
    assert response.json()["reason"] == "key_malformed"


def test_algorithm_must_match_the_key(client, admin_headers, partner):
    response = client.post(keys_url(partner), headers=admin_headers,
                           json={"public_key": public_pem(private_key()), "algorithm": "rsa-pss-sha512"})
    assert response.status_code == 422
    assert response.json()["reason"] == "algorithm_mismatch"


def test_keyid_and_key_are_unique(client, admin_headers, partner):
    pem = public_pem(private_key())
    assert client.post(keys_url(partner), headers=admin_headers, json={"public_key": pem, "keyid": "a"}).status_code == 201
    same_id = client.post(keys_url(partner), headers=admin_headers,
                          json={"public_key": public_pem(private_key()), "keyid": "a"})
    assert same_id.status_code == 409 and same_id.json()["reason"] == "keyid_exists"
    same_key = client.post(keys_url(partner), headers=admin_headers, json={"public_key": pem, "keyid": "b"})
    assert same_key.status_code == 409 and same_key.json()["reason"] == "key_exists"


def test_rotation_overlap_then_expiry(client, admin_headers, partner, clock):
    old = client.post(keys_url(partner), headers=admin_headers,
                      json={"public_key": public_pem(private_key()), "keyid": "2025"}).json()
    new = client.post(keys_url(partner), headers=admin_headers,
                      json={"public_key": public_pem(private_key()), "keyid": "2026"}).json()
    listed = client.get(keys_url(partner), headers=admin_headers).json()["items"]
    assert [k["keyid"] for k in listed] == ["2025", "2026"]
    end = (clock() + timedelta(days=7)).isoformat()
    response = client.patch(keys_url(partner, "2025"), headers=admin_headers, json={"not_after": end})
    assert response.status_code == 200
    assert response.json()["not_after"].startswith(end[:19])
    assert new["status"] == old["status"] == "active"


def test_not_after_before_not_before_is_refused(client, admin_headers, partner, clock):
    response = client.post(keys_url(partner), headers=admin_headers, json={
        "public_key": public_pem(private_key()),
        "not_before": "2026-05-01T00:00:00Z", "not_after": "2026-04-01T00:00:00Z"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/body/not_after"


def test_time_without_zone_is_refused(client, admin_headers, partner):
    response = client.post(keys_url(partner), headers=admin_headers, json={
        "public_key": public_pem(private_key()), "not_before": "2026-05-01T00:00:00"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/body/not_before"


def test_revoke_needs_reason_and_happens_once(client, admin_headers, partner):
    client.post(keys_url(partner), headers=admin_headers, json={"public_key": public_pem(private_key()), "keyid": "k1"})
    no_reason = client.post(keys_url(partner, "k1") + "/revoke", headers=admin_headers, json={})
    assert no_reason.status_code == 400
    revoked = client.post(keys_url(partner, "k1") + "/revoke", headers=admin_headers, json={"reason": "laptop lost"})
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked" and revoked.json()["revoked_reason"] == "laptop lost"
    again = client.post(keys_url(partner, "k1") + "/revoke", headers=admin_headers, json={"reason": "again"})
    assert again.status_code == 409 and again.json()["reason"] == "key_already_revoked"


def test_key_of_another_partner_is_not_found(client, admin_headers, partner):
    other = create_partner(client, admin_headers, 2)
    client.post(keys_url(partner), headers=admin_headers, json={"public_key": public_pem(private_key()), "keyid": "mine"})
    response = client.get(keys_url(other, "mine"), headers=admin_headers)
    assert response.status_code == 404 and response.json()["reason"] == "key_not_found"


def test_keys_of_unknown_partner(client, admin_headers):
    from tests.support.ids import credit_code

    response = client.post(f"/v1/admin/partners/{credit_code(77)}/keys", headers=admin_headers,
                           json={"public_key": public_pem(private_key())})
    assert response.status_code == 404
