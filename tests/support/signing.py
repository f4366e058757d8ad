"""A partner that signs its requests to the in-process app with the project's own signer."""

from __future__ import annotations

import json as jsonlib
import uuid

from gateway.signatures import Headers, HttpRequest, RequestSigner, SigningKey

from .partners import create_partner

BASE = "http://testserver"


class SignedPartner:
    def __init__(self, client, partner: dict, key: SigningKey, clock=None) -> None:
        self.client, self.partner, self.key = client, partner, key
        self.clock = clock

    @property
    def id(self) -> str:
        return self.partner["id"]

    def sign(self, method: str, path: str, body: bytes = b"", headers: dict | None = None,
             idempotency_key: str | None = None, **signer_options) -> dict:
        """The headers of a correctly signed request (callers may then spoil them)."""
        fields = dict(headers or {})
        if body and "Content-Type" not in fields:
            fields["Content-Type"] = "application/json"
        if method == "POST":
            fields.setdefault("Idempotency-Key", idempotency_key or str(uuid.uuid4()))
        if self.clock is not None:
            signer_options.setdefault("clock", self.clock)
        signer = RequestSigner(self.key, **signer_options)
        signed = signer.sign(HttpRequest(method, BASE + path, Headers(fields), body))
        return {**fields, **dict(signed.headers())}

    def request(self, method: str, path: str, json=None, body: bytes | None = None, **options):
        if json is not None:
            body = jsonlib.dumps(json).encode()
        body = body or b""
        headers = self.sign(method, path, body, **options)
        return self.client.request(method, path, headers=headers, content=body)

    def get(self, path: str, **options):
        return self.request("GET", path, **options)

    def post(self, path: str, json=None, **options):
        return self.request("POST", path, json=json, **options)


def register_signed_partner(client, admin_headers, n: int = 1, algorithm: str = "ed25519",
                            clock=None, **partner_fields) -> SignedPartner:
    partner = create_partner(client, admin_headers, n, **partner_fields)
    key = SigningKey.generate(algorithm, f"partner{n}-{algorithm}")
    response = client.post(f"/v1/admin/partners/{partner['id']}/keys", headers=admin_headers,
                           json={"public_key": key.public_info().pem, "keyid": key.keyid})
    assert response.status_code == 201, response.text
    return SignedPartner(client, partner, key, clock)
