"""Signing requests (partner client, gateway deliveries) and responses (gateway receipts).

Signers return the fields to add rather than mutating the caller's message, so the ASGI
middleware can append them to an already-started response and the client to a prepared
request. The covered components come from ``profile``, the same table the verifiers use.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import http_sf

from gateway.signatures import sf_write
from gateway.signatures.components import (
    ComponentId,
    ComponentUnavailable,
    SignatureBase,
    build_signature_base,
    component_value,
)
from gateway.signatures.digest import content_digest
from gateway.signatures.message import HttpRequest, HttpResponse
from gateway.signatures.ports import Clock, utc_now
from gateway.signatures.profile import (
    REQUEST_TAG,
    RESPONSE_TAG,
    request_components,
    response_components,
)
from gateway.signatures.signing_key import SigningKey


@dataclass(frozen=True)
class SignatureFields:
    """The fields a signer adds, plus what was signed (the gateway keeps it as evidence)."""

    label: str
    content_digest: str | None
    signature_input: (
        str  # whole Signature-Input field value, e.g. 'sig1=("@method" ...);created=…'
    )
    signature: str  # whole Signature field value
    signature_base: str
    created: int | None
    nonce: str | None

    def headers(self) -> list[tuple[str, str]]:
        fields = [
            ("Signature-Input", self.signature_input),
            ("Signature", self.signature),
        ]
        if self.content_digest is not None:
            fields.insert(0, ("Content-Digest", self.content_digest))
        return fields


def _new_nonce() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 bits


class RequestSigner:
    """Signs requests per the profile: ``tag`` is ``govgate-request`` or ``govgate-delivery``."""

    def __init__(
        self,
        key: SigningKey,
        *,
        tag: str = REQUEST_TAG,
        label: str = "sig1",
        clock: Clock = utc_now,
        nonce_factory: Callable[[], str] = _new_nonce,
        include_alg: bool = True,
        digest_algorithm: str = "sha-256",
    ) -> None:
        self._key, self._tag, self._label, self._clock = key, tag, label, clock
        self._nonce_factory, self._include_alg, self._digest_alg = (
            nonce_factory,
            include_alg,
            digest_algorithm,
        )

    @property
    def label(self) -> str:
        return self._label

    def sign(self, request: HttpRequest, *, digest: str | None = None) -> SignatureFields:
        """Raises ``ValueError`` if the request lacks a field the profile covers
        (Content-Type with content, Idempotency-Key on POST). ``digest``: the Content-Digest of
        a body streamed separately (bulk batches), computed by the caller over every byte."""
        headers = request.headers.copy()
        if digest is not None:
            headers.set("Content-Digest", digest)
        elif request.body or "content-digest" in headers:
            digest = content_digest(request.body, self._digest_alg)
            headers.set("Content-Digest", digest)
        signed = HttpRequest(request.method, request.target_uri, headers, request.body)
        params: dict[str, Any] = {
            "created": _seconds(self._clock),
            "keyid": self._key.keyid,
        }
        params["nonce"] = self._nonce_factory()
        params["tag"] = self._tag
        if self._include_alg:
            params["alg"] = self._key.algorithm
        components = request_components(signed)
        if digest is not None and not request.body:  # a streamed body: cover its type and digest
            components = tuple(dict.fromkeys(
                (*components, ComponentId.of("content-type"), ComponentId.of("content-digest"))))
        return sign_components(
            self._key,
            self._label,
            components,
            params,
            signed,
            None,
            digest,
        )


class ResponseSigner:
    """Signs responses bound to their request: ``govgate-response`` receipts, ``govgate-receipt``."""

    def __init__(
        self,
        key: SigningKey,
        *,
        tag: str = RESPONSE_TAG,
        label: str = "govgate",
        clock: Clock = utc_now,
        digest_algorithm: str = "sha-256",
    ) -> None:
        self._key, self._tag, self._label, self._clock = key, tag, label, clock
        self._digest_alg = digest_algorithm

    def sign(
        self, response: HttpResponse, request: HttpRequest, request_label: str | None,
        *, digest: str | None = None,
    ) -> SignatureFields:
        """``request_label`` is the label of the request's verified signature, None if it had none.

        Errors are signed too, so request components that cannot be resolved (a request that
        was rejected for lacking a Content-Digest, say) are left out rather than failing.
        ``digest``: the Content-Digest of a body streamed after the headers (bulk results).
        """
        headers = response.headers.copy()
        digest = digest or content_digest(response.body, self._digest_alg)
        headers.set("Content-Digest", digest)
        signed = HttpResponse(response.status, headers, response.body)
        wanted = response_components(
            request, request_label, response_has_content_type="content-type" in headers
        )
        components = [c for c in wanted if not c.req or _resolvable(c, signed, request)]
        params = {
            "created": _seconds(self._clock),
            "keyid": self._key.keyid,
            "tag": self._tag,
        }
        return sign_components(
            self._key, self._label, components, params, signed, request, digest
        )


def _resolvable(
    component: ComponentId, response: HttpResponse, request: HttpRequest
) -> bool:
    try:
        component_value(component, response, request)
    except ComponentUnavailable:
        return False
    return True


def _seconds(clock: Clock) -> int:
    return int(clock().timestamp())


def sign_components(
    key: SigningKey,
    label: str,
    components: Sequence[ComponentId],
    params: dict[str, Any],
    message: HttpRequest | HttpResponse,
    request: HttpRequest | None,
    digest: str | None,
) -> SignatureFields:
    """Sign exactly ``components`` with ``params`` (in that order); the profile-free primitive
    under both signers, for formats that cover something else. Raises ``ValueError`` if a
    component cannot be resolved."""
    try:
        base: SignatureBase = build_signature_base(components, params, message, request)
    except ComponentUnavailable as exc:
        raise ValueError(f"cannot sign: {exc}") from exc
    signature = key.sign(base.encode())
    try:  # the Signature-Input member is the @signature-params value under the label
        signature_input = f"{sf_write.key(label)}={base.params_value}"
        signature_field = sf_write.dictionary_bytes({label: signature})
    except sf_write.Unsupported:
        members = [c.as_sf() for c in components]
        signature_input = http_sf.ser({label: (members, params)})
        signature_field = http_sf.ser({label: signature})
    return SignatureFields(
        label=label,
        content_digest=digest,
        signature_input=signature_input,
        signature=signature_field,
        signature_base=base.text,
        created=params.get("created"),
        nonce=params.get("nonce"),
    )
