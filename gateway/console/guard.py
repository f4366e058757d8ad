"""Where a console request came from, whether it arrived over TLS, and the security headers.

A change is accepted only from the console's own pages: the browser's ``Sec-Fetch-Site`` must
say ``same-origin`` and ``Origin`` must be the console's origin (both when sent; every current
browser sends them on a POST), on top of the session's CSRF token (``sessions``). The origin is
the one partners see (``GOVGATE_PUBLIC_BASE_URL``, else forwarded headers from trusted proxies,
else the connection), as for ``@target-uri`` (``gateway.api.target``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..api.target import target_uri

CSP = ("default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages show partners' data and the audit trail
}


def public_origin(scope, settings) -> str:
    """scheme://host[:port] of the console as the browser addresses it."""
    parts = urlsplit(target_uri(scope, settings.public_base_url, settings.trusted_proxy_networks))
    return f"{parts.scheme}://{parts.netloc}".lower()


def over_tls(scope, settings) -> bool:
    """Whether the browser reached us over https (so the cookie must be ``Secure``)."""
    return public_origin(scope, settings).startswith("https://")


def cross_origin_reason(headers, scope, settings) -> str | None:
    """None if a state-changing request comes from the console's own pages, else why not."""
    fetch_site = headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return f"Sec-Fetch-Site is {fetch_site}"
    origin = headers.get("Origin")
    if origin is not None and origin.lower() != public_origin(scope, settings):
        return "Origin is not the console's"
    return None
