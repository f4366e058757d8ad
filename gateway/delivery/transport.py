"""What every HTTP channel shares: a ``requests.Session`` per worker thread (a Session is not
thread-safe), the gateway's RFC 9421 signature on a prepared request, and the table that turns
transport failures into retryable or non-retryable delivery errors."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import requests

from ..client import as_http_request
from ..signatures import DELIVERY_TAG, RequestSigner, SigningKey
from ..signatures.ports import Clock
from ..signatures.signer import SignatureFields
from .errors import NonRetryable, Retryable


class HttpTransport:
    def __init__(self, *, timeout: tuple[float, float], recipient: str = "the recipient",
                 session_factory: Callable[[], requests.Session] = requests.Session) -> None:
        self.timeout = timeout
        self._recipient = recipient  # how errors name the other side, e.g. "the tax system"
        self._session_factory = session_factory
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        if getattr(self._local, "session", None) is None:
            self._local.session = self._session_factory()
        return self._local.session

    def prepare(self, url: str, body: bytes, headers: Mapping[str, str]) -> requests.PreparedRequest:
        return self.session.prepare_request(requests.Request("POST", url, data=body, headers=dict(headers)))

    @staticmethod
    def sign(prepared: requests.PreparedRequest, key: SigningKey, clock: Clock) -> SignatureFields:
        """Sign ``prepared`` in place as the gateway (tag ``govgate-delivery``)."""
        signed = RequestSigner(key, tag=DELIVERY_TAG, clock=clock).sign(as_http_request(prepared))
        for name, value in signed.headers():
            prepared.headers[name] = value
        return signed

    def send(self, prepared: requests.PreparedRequest, *, stream: bool = False) -> requests.Response:
        """Redirects are never followed: a partner's endpoint is registered, not discovered."""
        who = self._recipient
        try:
            return self.session.send(prepared, timeout=self.timeout, allow_redirects=False, stream=stream)
        except requests.Timeout as exc:
            raise Retryable(f"{who} did not answer in time", reason="recipient_timeout") from exc
        except requests.ConnectionError as exc:
            raise Retryable(f"{who} could not be reached", reason="recipient_unreachable") from exc
        except requests.RequestException as exc:
            raise NonRetryable(f"the exchange with {who} failed before a usable answer was read "
                               "(check its registered endpoint)", reason="recipient_endpoint_invalid") from exc
