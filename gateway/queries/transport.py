"""How every partner query asks and fails: one POST, and the table of failures it maps to
``Unavailable`` (503, or 504 for a timeout, always with Retry-After) - never a guessed answer.

    ask(session, partner, url, body, headers, timeout, reasons="hr")   any idiom's POST
    SignedJsonQuery.ask(partner, path, payload) → the verified 200 body   the canonical idiom

``reasons`` names the family of the failure reasons: ``hr_timeout``, ``hr_unreachable``,
``hr_unavailable`` for the loan-qualification HR query (86号-16), ``facts_…`` for the measures'
fact queries. ``SignedJsonQuery`` is what the canonical HR and facts clients share: sign the
JSON query (tag govgate-delivery), POST it, verify the answer's govgate-receipt signature and
that it is the asked partner's own key; it raises ``UntrustedAnswer`` (a ``ValueError``) for
anything else, which each client turns into its own ``…_answer_invalid`` reason.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

from ..domain.partners import Partner
from ..errors import Unavailable
from ..signatures import (
    DELIVERY_TAG,
    RECEIPT_TAG,
    Headers,
    HttpRequest,
    HttpResponse,
    RequestSigner,
    ResponseVerifier,
)
from ..signatures.errors import SignatureRejected


def ask(session: requests.Session, hr: Partner, url: str, body: bytes, headers: Mapping[str, str],
        timeout: tuple[float, float], *, stream: bool = False, reasons: str = "hr") -> requests.Response:
    """POST the query; raise ``Unavailable`` unless the partner answered below 500 (and not 429).

    Prepared and sent as it is: ``Session.request`` would merge cookies, auth and hooks that a
    partner query never has (a third of ``requests``' own work per query)."""
    merged = CaseInsensitiveDict(session.headers)
    merged.update(headers)
    try:  # preparing refuses a malformed endpoint URL as a RequestException too
        prepared = requests.Request("POST", url, data=body, headers=merged).prepare()
        response = session.send(prepared, timeout=timeout, allow_redirects=False, stream=stream)
    except requests.Timeout:
        raise Unavailable(f"partner system {hr.id} did not answer in time", reason=f"{reasons}_timeout",
                          status=504, retry_after=30) from None
    except requests.RequestException:
        raise Unavailable(f"partner system {hr.id} is unreachable", reason=f"{reasons}_unreachable",
                          retry_after=60) from None
    if response.status_code >= 500 or response.status_code == 429:
        retry = response.headers.get("Retry-After", "")
        raise Unavailable(f"partner system {hr.id} answered {response.status_code}",
                          reason=f"{reasons}_unavailable", retry_after=int(retry) if retry.isdigit() else 60)
    return response


class UntrustedAnswer(ValueError):
    """The answer is unsigned, signed by another key, or not a 200."""


class SignedJsonQuery:
    """A signed canonical JSON query and its verified answer (shared by the canonical clients)."""

    def __init__(self, session: requests.Session, keystore, key_registry, clock,
                 timeout: tuple[float, float]) -> None:
        self._session, self._keystore, self._keys, self._clock = session, keystore, key_registry, clock
        self._timeout = timeout

    def ask(self, partner: Partner, path: str, payload: Mapping[str, Any]) -> bytes:
        body = json.dumps(dict(payload), ensure_ascii=False).encode()
        url = partner.endpoint_url.rstrip("/") + path
        request = HttpRequest("POST", url, Headers([("Content-Type", "application/json"),
                                                    ("Idempotency-Key", str(uuid.uuid4()))]), body)
        _, key = self._keystore.current()
        fields = RequestSigner(key, tag=DELIVERY_TAG, label="govgate", clock=self._clock).sign(request)
        headers = dict(request.headers.items()) | dict(fields.headers())
        signed = HttpRequest("POST", url, Headers(list(headers.items())), body)
        response = ask(self._session, partner, url, body, headers, self._timeout)
        answer = HttpResponse(response.status_code, Headers(list(response.headers.items())), response.content)
        try:
            verified = ResponseVerifier(self._keys, tag=RECEIPT_TAG, clock=self._clock).verify(
                answer, signed, "govgate")
        except SignatureRejected as rejected:
            raise UntrustedAnswer(f"the answer's signature is refused ({rejected.reason})") from rejected
        if verified.partner_id != partner.id:
            raise UntrustedAnswer("the answer is signed by another partner's key")
        if response.status_code != 200:
            raise UntrustedAnswer(f"status {response.status_code}")
        return response.content
