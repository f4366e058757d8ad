"""Checking the gateway's answers to signed requests, and hand-crafting signatures it must refuse.

problem(response, status, reason)      the answer is problem+json with that reason
sent_request(response)                 the request as the test client sent it (HttpRequest)
verify_receipt(client, response, clock) the gateway's receipt, checked with our verifier
                                       against the published JWKS
crafted_headers(key, ...)              a signature over exactly the components and
                                       parameters a test chooses (spoilt on purpose)
"""

from __future__ import annotations

import secrets
from typing import Any

from gateway.signatures import (
    REQUEST_TAG,
    HttpRequest,
    HttpResponse,
    ResponseVerifier,
    SigningKey,
    VerifiedResponse,
    content_digest,
    keys_from_jwks,
    static_key_resolver,
    tagged_label,
)
from gateway.signatures.components import ComponentId
from gateway.signatures.signer import sign_components

BASE = "http://testserver"
PROBLEM_JSON = "application/problem+json"


def problem(response, status: int, reason: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON), response.headers
    body = response.json()
    assert body["status"] == status and body["reason"] == reason, body
    return body


def sent_request(response) -> HttpRequest:
    sent = response.request
    return HttpRequest(sent.method, str(sent.url), list(sent.headers.multi_items()), sent.content)


def received_response(response) -> HttpResponse:
    return HttpResponse(
        response.status_code, list(response.headers.multi_items()), response.content
    )


def gateway_jwks(client) -> dict:
    response = client.get("/v1/gateway-keys")
    assert response.status_code == 200, response.text
    assert "signature" not in response.headers  # an unsigned request gets no receipt
    return response.json()


def verify_receipt(client, response, clock, jwks: dict | None = None) -> VerifiedResponse:
    """Raises ``SignatureRejected`` unless the response is a receipt the published keys prove."""
    keys = keys_from_jwks(jwks or gateway_jwks(client))
    request = sent_request(response)
    verifier = ResponseVerifier(static_key_resolver(keys, "gateway"), clock=clock)
    return verifier.verify(
        received_response(response), request, tagged_label(request.headers, REQUEST_TAG)
    )


def crafted_headers(
    key: SigningKey,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    components: tuple[str, ...],
    params: dict[str, Any],
    headers: dict[str, str] | None = None,
    label: str = "sig1",
    base: str = BASE,
) -> dict[str, str]:
    """Sign ``components`` (plain names) with exactly ``params``, whatever the profile says."""
    fields = dict(headers or {})
    if body:
        fields.setdefault("Content-Type", "application/json")
        fields.setdefault("Content-Digest", content_digest(body))
    request = HttpRequest(method, base + path, fields, body)
    signed = sign_components(
        key,
        label,
        [ComponentId.of(c) for c in components],
        params,
        request,
        None,
        fields.get("Content-Digest"),
    )
    return {**fields, "Signature-Input": signed.signature_input, "Signature": signed.signature}


def profile_params(key: SigningKey, clock, **changes) -> dict[str, Any]:
    """The parameters a well-behaved signer sends; ``name=None`` leaves one out."""
    params: dict[str, Any] = {
        "created": int(clock().timestamp()),
        "keyid": key.keyid,
        "nonce": secrets.token_urlsafe(24),
        "tag": REQUEST_TAG,
        "alg": key.algorithm,
    }
    params.update(changes)
    return {name: value for name, value in params.items() if value is not None}


def require_grant(container, operation_id: str) -> None:
    """Make the partner operation ``operation_id`` demand a grant, on the real enforcement path."""
    from dataclasses import replace

    operations = container.partner_operations
    operations[operation_id] = replace(operations[operation_id], grant_required=True)


def signed_for(
    key: SigningKey,
    method: str,
    uri: str,
    clock,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> dict[str, str]:
    """Headers of a request correctly signed for the absolute ``uri`` (a public URL, say)."""
    import uuid

    from gateway.signatures import RequestSigner

    fields = dict(headers or {})
    if body:
        fields.setdefault("Content-Type", "application/json")
    if method == "POST":
        fields.setdefault("Idempotency-Key", str(uuid.uuid4()))
    signed = RequestSigner(key, clock=clock).sign(HttpRequest(method, uri, fields, body))
    return {**fields, **dict(signed.headers())}
