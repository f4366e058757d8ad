"""HTTP sessions to partner systems, with the environment's proxy and CA settings read once.

A plain ``requests.Session`` reads them from ``os.environ`` on every request - scanning every
variable for ``*_proxy`` several times - and looks for ``~/.netrc``; together ~0.2 ms a request.
The environment does not change while the gateway runs, so it is read at start (the CA bundle)
and once per partner origin (proxy or ``no_proxy``). ``~/.netrc`` is not used: partners are
authenticated by signatures, and a password from a file must not be sent to them.
"""

from __future__ import annotations

import os
from functools import lru_cache
from urllib.parse import urlsplit

import requests
from requests.utils import get_environ_proxies


@lru_cache(maxsize=1024)
def _proxies(scheme: str, netloc: str) -> dict[str, str]:
    return get_environ_proxies(f"{scheme}://{netloc}/")


class PartnerSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False  # what trust_env would read, read here instead
        self.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True

    def send(self, request, **kwargs):  # request() and prepared deliveries both end here
        if not kwargs.get("proxies"):
            parts = urlsplit(request.url)
            kwargs["proxies"] = _proxies(parts.scheme, parts.netloc)
        return super().send(request, **kwargs)
