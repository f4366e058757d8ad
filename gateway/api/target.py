"""The ``@target-uri`` a partner signed, as the gateway sees it.

Behind a TLS-terminating proxy the socket says ``http://10.0.0.5:8080/...`` while the partner
signed ``https://gateway.example.gov.cn/...``. So the URI is built from, in order of preference:

1. ``GOVGATE_PUBLIC_BASE_URL`` (scheme://host[:port] partners call), plus the request's raw
   path and query — the recommended setting for any deployment behind a proxy;
2. ``X-Forwarded-Proto`` / ``X-Forwarded-Host``, but only from peers listed in
   ``GOVGATE_TRUSTED_PROXIES`` (anyone else could forge them);
3. the connection itself: the ASGI scheme and the ``Host`` header.
"""

from __future__ import annotations

import ipaddress


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _trusted(scope, proxies: tuple) -> bool:
    client = scope.get("client")
    if not client or not proxies:
        return False
    try:
        address = ipaddress.ip_address(client[0])
    except ValueError:
        return False
    return any(address in network for network in proxies)


def target_uri(scope, public_base_url: str, trusted_proxies: tuple) -> str:
    raw_path = scope.get("raw_path") or scope["path"].encode()
    path = raw_path.decode("latin-1")
    query = scope.get("query_string") or b""
    if query:
        path += "?" + query.decode("latin-1")
    if public_base_url:
        return public_base_url.rstrip("/") + path
    scheme = scope.get("scheme", "http")
    host = _header(scope, b"host")
    if _trusted(scope, trusted_proxies):
        scheme = (_header(scope, b"x-forwarded-proto") or scheme).split(",")[0].strip()
        host = (_header(scope, b"x-forwarded-host") or host or "").split(",")[0].strip()
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] in (None, 80, 443) else f"{server[0]}:{server[1]}"
    return f"{scheme}://{host}{path}"


def source_address(scope, trusted_proxies: tuple) -> str:
    """The caller's address: the peer, or behind trusted proxies the rightmost
    ``X-Forwarded-For`` entry they did not add themselves (left of it anyone could write)."""
    peer = (scope.get("client") or ("unknown",))[0]
    forwarded = _header(scope, b"x-forwarded-for")
    if not forwarded or not _trusted(scope, trusted_proxies):
        return peer
    for entry in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        try:
            address = ipaddress.ip_address(entry)
        except ValueError:
            return peer  # a malformed chain: believe only the connection
        if not any(address in network for network in trusted_proxies):
            return str(address)
    return peer
