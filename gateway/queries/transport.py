"""How every HR channel asks and fails: one POST, and the table of failures it maps to
``Unavailable`` (503, or 504 for a timeout, always with Retry-After) - never a guessed answer."""

from __future__ import annotations

from collections.abc import Mapping

import requests

from ..domain.partners import Partner
from ..errors import Unavailable


def ask(session: requests.Session, hr: Partner, url: str, body: bytes, headers: Mapping[str, str],
        timeout: tuple[float, float], *, stream: bool = False) -> requests.Response:
    """POST the query; raise ``Unavailable`` unless the HR system answered below 500 (and not 429)."""
    try:
        response = session.post(url, data=body, headers=dict(headers), timeout=timeout,
                                allow_redirects=False, stream=stream)
    except requests.Timeout:
        raise Unavailable(f"HR system {hr.id} did not answer in time", reason="hr_timeout",
                          status=504, retry_after=30) from None
    except requests.RequestException:
        raise Unavailable(f"HR system {hr.id} is unreachable", reason="hr_unreachable",
                          retry_after=60) from None
    if response.status_code >= 500 or response.status_code == 429:
        retry = response.headers.get("Retry-After", "")
        raise Unavailable(f"HR system {hr.id} answered {response.status_code}", reason="hr_unavailable",
                          retry_after=int(retry) if retry.isdigit() else 60)
    return response
