"""A stand-in for the TLS-terminating load balancer: it forwards to one chosen server.

Partners sign for the public URL (``GOVGATE_PUBLIC_BASE_URL``); the load balancer forwards the
request, unchanged, to some gateway server's own address. ``ForwardTo`` is a ``requests``
transport adapter doing exactly that for one chosen server, so a test decides which server
each request lands on while the signature still covers the public ``@target-uri``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter


class ForwardTo(HTTPAdapter):
    def __init__(self, public_base_url: str, server_url: str) -> None:
        super().__init__()
        self.public_base_url = public_base_url.rstrip("/")
        self.server_url = server_url.rstrip("/")

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        sent_for = str(request.url)
        if not sent_for.startswith(self.public_base_url + "/"):
            raise ValueError(f"{sent_for} is not under {self.public_base_url}")
        forwarded = request.copy()
        forwarded.url = self.server_url + sent_for[len(self.public_base_url):]
        forwarded.headers["Host"] = urlsplit(self.public_base_url).netloc
        response = super().send(forwarded, **kwargs)
        # The partner's view: the request it signed, at the URL it called.
        response.request, response.url = request, sent_for
        return response


def session_via(public_base_url: str, server_url: str) -> requests.Session:
    """A session whose requests to ``public_base_url`` all land on ``server_url``."""
    session = requests.Session()
    session.trust_env = False  # no proxy variables between the test and loopback
    session.mount(public_base_url.rstrip("/") + "/", ForwardTo(public_base_url, server_url))
    return session
