"""Partners' SM2 keys: registered through the admin API and CLI, found by adapters, and never
usable for RFC 9421 request signatures."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta

import pytest
from click.testing import CliRunner

from gateway.errors import Forbidden, NotFound
from gateway.gmcrypto import Sm2PrivateKey, Sm2PublicKey
from gateway.services import keys as key_service
from gateway.services.sm2_keys import sm2_key_for
from gateway.signatures import (
    Headers,
    HttpRequest,
    InMemoryNonceStore,
    RequestSigner,
    RequestVerifier,
    SignatureRejected,
    SigningKey,
)
from tests.support.partners import create_partner


@pytest.fixture
def partner(client, admin_headers):
    return create_partner(client, admin_headers, 31)


@pytest.fixture
def sm2():
    return Sm2PrivateKey.generate().public_key()


def keys_url(partner) -> str:
    return f"/v1/admin/partners/{partner['id']}/keys"


@pytest.mark.parametrize("form", ["pem", "hex"])
def test_an_sm2_key_registers_with_its_jwk_thumbprint_and_fingerprint(
        client, admin_headers, partner, sm2, form):
    material = sm2.to_pem() if form == "pem" else sm2.to_hex()
    response = client.post(keys_url(partner), headers=admin_headers, json={
        "public_key": material, "algorithm": "sm2-sm3", "keyid": "tax-sm2"})
    assert response.status_code == 201, response.text
    key = response.json()
    xy = sm2.to_xy()
    jwk = {"kty": "EC", "crv": "SM2",
           "x": base64.urlsafe_b64encode(xy[:32]).rstrip(b"=").decode(),
           "y": base64.urlsafe_b64encode(xy[32:]).rstrip(b"=").decode()}
    assert key["algorithm"] == "sm2-sm3" and key["jwk"] == jwk
    assert key["fingerprint"] == sm2.fingerprint()
    assert Sm2PublicKey.from_pem(key["public_key_pem"]) == sm2
    members = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"))
    thumbprint = base64.urlsafe_b64encode(hashlib.sha256(members.encode()).digest())
    assert key["thumbprint"] == thumbprint.rstrip(b"=").decode()


def test_an_sm2_pem_without_a_declared_algorithm_is_recognised(client, admin_headers, partner,
                                                               sm2):
    response = client.post(keys_url(partner), headers=admin_headers,
                           json={"public_key": sm2.to_pem()})
    assert response.status_code == 201, response.text
    assert response.json()["algorithm"] == "sm2-sm3"


@pytest.mark.parametrize(("body", "reason"), [
    (lambda k: {"public_key": k.to_pem(), "algorithm": "ed25519"}, "algorithm_unsupported"),
    (lambda k: {"public_key": "04" + "00" * 64, "algorithm": "sm2-sm3"}, "key_malformed"),
    (lambda k: {"public_key": {"kty": "EC", "crv": "SM2"}, "algorithm": "sm2-sm3"},
     "key_malformed"),
    (lambda k: {"public_key": Sm2PrivateKey.generate().to_pem(), "algorithm": "sm2-sm3"},
     "private_key_refused"),
])
def test_bad_sm2_material_is_refused_with_a_reason(client, admin_headers, partner, sm2, body,
                                                   reason):
    response = client.post(keys_url(partner), headers=admin_headers, json=body(sm2))
    assert response.status_code == 422, response.text
    assert response.json()["reason"] == reason
    assert "PRIVATE" not in response.text


def test_the_cli_registers_an_sm2_key(container, settings, tmp_path, sm2):
    from gateway.cli import main as cli
    from tests.support.partners import partner_body

    with container.uow() as uow:
        container.partners.register(uow, partner_body(32), container.clock())
    (tmp_path / "tax.pem").write_text(sm2.to_pem())
    result = CliRunner().invoke(cli, [
        "--data-dir", str(settings.data_dir), "--database-url", settings.database_url,
        "keys", "add", partner_body(32)["id"], "--public-key", str(tmp_path / "tax.pem"),
        "--algorithm", "sm2-sm3", "--keyid", "tax-cli-sm2", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["algorithm"] == "sm2-sm3"


def register(container, partner_id: str, public: Sm2PublicKey, keyid: str, **validity):
    with container.uow() as uow:
        key_service.register(uow, partner_id, public.to_pem(), keyid=keyid,
                             algorithm="sm2-sm3", not_before=validity.get("not_before"),
                             not_after=validity.get("not_after"), now=container.clock())


def test_an_sm2_key_never_verifies_an_rfc9421_request(container, partner, sm2, clock):
    register(container, partner["id"], sm2, "tax-sm2")
    assert container.key_registry("tax-sm2") is None
    # A request claiming the SM2 key's keyid is refused as signed by an unknown key.
    impostor = SigningKey.generate("ed25519", "tax-sm2")
    request = HttpRequest("POST", "https://gw.example/v1/x",
                          Headers([("Content-Type", "application/json"),
                                   ("Idempotency-Key", "k1")]), b"{}")
    fields = RequestSigner(impostor, clock=clock).sign(request)
    signed = HttpRequest("POST", request.target_uri,
                         Headers(list(request.headers.items()) + list(fields.headers())), b"{}")
    verifier = RequestVerifier(container.key_registry, InMemoryNonceStore(clock), clock=clock)
    with pytest.raises(SignatureRejected) as refused:
        verifier.verify(signed)
    assert refused.value.reason == "key_unknown"


def test_adapters_find_a_partners_usable_sm2_key(container, partner, client, admin_headers,
                                                 sm2, clock):
    other = create_partner(client, admin_headers, 33)
    now = clock()
    register(container, partner["id"], sm2, "tax-sm2")
    register(container, partner["id"], Sm2PrivateKey.generate().public_key(), "later",
             not_before=now + timedelta(days=1))
    register(container, partner["id"], Sm2PrivateKey.generate().public_key(), "old",
             not_before=now - timedelta(days=9), not_after=now - timedelta(days=1))
    register(container, other["id"], Sm2PrivateKey.generate().public_key(), "theirs")
    with container.uow() as uow:
        key_service.revoke(uow, "theirs", "lost", now)  # revoked and of another partner
        assert sm2_key_for(uow, partner["id"], "tax-sm2", now) == sm2
        for keyid, error, reason in [("missing", NotFound, "key_not_found"),
                                     ("theirs", NotFound, "key_not_found"),
                                     ("later", Forbidden, "key_not_yet_valid"),
                                     ("old", Forbidden, "key_expired")]:
            with pytest.raises(error) as refused:
                sm2_key_for(uow, partner["id"], keyid, now)
            assert refused.value.reason == reason
        key_service.revoke(uow, "tax-sm2", "rotated", now)
        with pytest.raises(Forbidden) as refused:
            sm2_key_for(uow, partner["id"], "tax-sm2", now)
        assert refused.value.reason == "key_revoked"
