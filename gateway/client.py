"""A partner's client for the gateway: signs every request and checks every receipt.

Partners (and the gateway's own integration tests) use it on ``requests``:

    client = PartnerClient("https://gateway.example.gov.cn/v1", SigningKey.from_pem(pem, "hrss-2025"),
                           gateway_keys=keys_from_jwks(published_jwks))
    result = client.post("/deferral-conclusions", json={...})
    result.receipt.signature      # the gateway's signed proof of what it received and answered

The base URL may be given with or without the API's ``/v1`` (the README calls ``…/v1`` the
gateway's address), and paths with or without it: ``"/v1/whoami"`` and ``"/whoami"`` are the
same request either way.

Requests are signed by ``GovgateSigningAuth`` (usable on its own as ``requests`` auth): it adds
Content-Digest over the exact bytes sent, an Idempotency-Key on POST, and a signature with a
fresh nonce and ``created``. Responses must carry the gateway's signature bound to that
request, verified against the gateway's published keys; otherwise ``SignatureRejected`` is
raised and the response is not handed back as if it were trustworthy. ``ReceiptVerifier`` is
that check on its own, for a ``requests`` session signed with ``GovgateSigningAuth``:

    receipt = ReceiptVerifier(keys_from_jwks(published_jwks)).verify(response)

A retry with the same Idempotency-Key gets the stored answer (``Idempotency-Replayed: true``)
whose ``govgate-response`` receipt still names the *first* request; the verifier then checks
the extra ``govgate-replay`` signature, which binds that answer to the retry (docs/signing.md).
"""

from __future__ import annotations

import json as jsonlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from gateway.errors import Unavailable
from gateway.signatures import (
    REQUEST_TAG,
    HttpRequest,
    HttpResponse,
    PublicKeyInfo,
    RequestSigner,
    ResponseVerifier,
    SigningKey,
    VerifiedResponse,
    keys_from_jwks,
    static_key_resolver,
    tagged_label,
)
from gateway.signatures.ports import Clock, utc_now
from gateway.signatures.profile import REPLAY_TAG
from gateway.signatures.verifier import VerificationWindow

DEFAULT_TIMEOUT = (3.05, 30.0)  # (connect, read) seconds
API_PREFIX = "/v1"
JWKS_PATH = "/v1/gateway-keys"  # published unauthenticated, old keys included
RECEIPT_WINDOW = VerificationWindow()


def gateway_url(base_url: str, path: str) -> str:
    """``path`` under the gateway's API, whether ``base_url`` and ``path`` name ``/v1`` or not.
    A deployment under its own prefix (``https://host/govgate/v1``) keeps that prefix."""
    root = base_url.rstrip("/")
    if root.endswith(API_PREFIX):
        root = root[: -len(API_PREFIX)]
    path = "/" + path.lstrip("/")
    if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
        path = API_PREFIX + path
    return root + path


def _new_idempotency_key() -> str:
    return str(uuid.uuid4())


class GovgateSigningAuth(requests.auth.AuthBase):
    """``requests`` auth that signs each prepared request per the govgate profile."""

    def __init__(
        self,
        signer: RequestSigner,
        *,
        idempotency_keys: Callable[[], str] = _new_idempotency_key,
    ) -> None:
        self.signer = signer
        self._idempotency_keys = idempotency_keys

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        if prepared.method == "POST" and "Idempotency-Key" not in prepared.headers:
            prepared.headers["Idempotency-Key"] = self._idempotency_keys()
        fields = self.signer.sign(as_http_request(prepared))
        for name, value in fields.headers():
            prepared.headers[name] = value
        return prepared


def as_http_request(prepared: requests.PreparedRequest) -> HttpRequest:
    body = prepared.body
    if body is None:
        content = b""
    elif isinstance(body, bytes):
        content = body
    elif isinstance(body, str):
        content = body.encode("utf-8")
    else:  # a stream or generator cannot be digested before it is sent
        raise TypeError("signed requests need their body as bytes")
    return HttpRequest(
        str(prepared.method), str(prepared.url), list(prepared.headers.items()), content
    )


def as_http_response(response: requests.Response) -> HttpResponse:
    return HttpResponse(
        response.status_code, list(response.headers.items()), response.content
    )


@dataclass(frozen=True)
class SignedResponse:
    """A gateway response whose receipt signature has been verified."""

    response: requests.Response
    receipt: VerifiedResponse

    @property
    def status(self) -> int:
        return self.response.status_code

    def json(self) -> Any:
        return self.response.json()


class ReceiptVerifier:
    """The gateway's signature on a response, bound to the signed request it answers.

    The request is read back from ``response.request``, so it is checked against exactly the
    bytes and headers that were sent. Raises ``SignatureRejected`` with the verifier's reason.
    """

    def __init__(
        self,
        gateway_keys: Mapping[str, PublicKeyInfo],
        *,
        clock: Clock = utc_now,
        window: VerificationWindow = RECEIPT_WINDOW,
    ) -> None:
        resolver = static_key_resolver(gateway_keys, owner="govgate")
        self._receipts = ResponseVerifier(resolver, clock=clock, window=window)
        # A replayed answer's own receipt names the first request; this one binds it to ours.
        self._replays = ResponseVerifier(resolver, clock=clock, window=window, tag=REPLAY_TAG)

    def verify(self, response: requests.Response, request_label: str | None = None) -> VerifiedResponse:
        """``request_label`` defaults to the label of the request's ``govgate-request`` signature."""
        return self.check(as_http_response(response), as_http_request(response.request), request_label)

    def check(self, response: HttpResponse, request: HttpRequest,
              request_label: str | None = None) -> VerifiedResponse:
        """The same, for messages already read off the wire (any HTTP client)."""
        if request_label is None:
            request_label = tagged_label(request.headers, REQUEST_TAG)
        replayed = response.headers.get("idempotency-replayed") == "true"
        verifier = self._replays if replayed else self._receipts
        return verifier.verify(response, request, request_label)


class PartnerClient:
    def __init__(
        self,
        base_url: str,
        signing_key: SigningKey,
        gateway_keys: Mapping[str, PublicKeyInfo],
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        clock: Clock = utc_now,
        window: VerificationWindow = RECEIPT_WINDOW,
    ) -> None:
        self._base_url = base_url
        self._session = session or requests.Session()
        self._timeout = timeout
        self._signer = RequestSigner(signing_key, clock=clock)
        self._auth = GovgateSigningAuth(self._signer)
        self._receipts = ReceiptVerifier(gateway_keys, clock=clock, window=window)

    @classmethod
    def from_published_keys(
        cls,
        base_url: str,
        signing_key: SigningKey,
        *,
        session: requests.Session | None = None,
        **options: Any,
    ) -> PartnerClient:
        """Fetch the gateway's JWKS (unauthenticated) and build a client that trusts it."""
        session = session or requests.Session()
        timeout = options.get("timeout", DEFAULT_TIMEOUT)
        response = _send(
            session.get,
            gateway_url(base_url, JWKS_PATH),
            timeout=timeout,
        )
        response.raise_for_status()
        return cls(
            base_url,
            signing_key,
            keys_from_jwks(response.json()),
            session=session,
            **options,
        )

    def get(self, path: str, **kwargs: Any) -> SignedResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> SignedResponse:
        return self.request("POST", path, **kwargs)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> SignedResponse:
        """Send a signed request; raise ``SignatureRejected`` if the receipt does not verify and
        ``Unavailable`` if the gateway cannot be reached. Error statuses are returned, signed."""
        fields = dict(headers or {})
        if json is not None:
            # Serialise here so that the digest covers exactly the bytes on the wire.
            content = jsonlib.dumps(
                json, ensure_ascii=False, separators=(",", ":")
            ).encode("utf-8")
            content_type = content_type or "application/json"
        if content_type is not None:
            fields["Content-Type"] = content_type
        if idempotency_key is not None:
            fields["Idempotency-Key"] = idempotency_key
        response = _send(
            self._session.request,
            method.upper(),
            gateway_url(self._base_url, path),
            data=content,
            params=params,
            headers=fields,
            auth=self._auth,
            timeout=self._timeout,
        )
        return SignedResponse(response, self._receipts.verify(response, self._signer.label))


def _send(
    send: Callable[..., requests.Response], *args: Any, **kwargs: Any
) -> requests.Response:
    try:
        return send(*args, **kwargs)
    except requests.Timeout as exc:
        raise Unavailable(
            "The gateway did not answer in time.", reason="gateway_timeout", status=504
        ) from exc
    except requests.ConnectionError as exc:
        raise Unavailable(
            "The gateway could not be reached.", reason="gateway_unreachable"
        ) from exc
