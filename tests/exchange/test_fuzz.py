"""Arbitrary signature, digest and idempotency fields never make the gateway fail.

Starting from a correctly signed request, hypothesis replaces, drops or perturbs Signature-Input,
Signature, Content-Digest and Idempotency-Key with text and with raw bytes (as latin-1, the way
ASGI hands them over). The gateway answers 400 or 401 problem+json with a reason slug (or 200
when the fields are in effect unchanged) and signs its answer whenever a Signature was sent.
"""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

FIELDS = ("Signature-Input", "Signature", "Content-Digest", "Idempotency-Key")
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

latin1 = st.binary(max_size=120).map(lambda raw: raw.decode("latin-1"))
text = st.text(max_size=120)
structured = st.text(
    alphabet='sig1=():;"*,. -_@abcdefghijklmnopqrstuvwxyzABC0123456789+/\\\t', max_size=120
)


@st.composite
def spoilt(draw, valid: str):
    """A replacement for one field's valid value: gone, unrelated, or the valid one perturbed."""
    # "keep" is weighted so that several fields often stay valid and the later checks are reached.
    kind = draw(st.sampled_from(["keep"] * 4 + ["drop", "text", "bytes", "structured", "splice"]))
    if kind == "keep":
        return valid
    if kind == "drop":
        return None
    if kind == "splice":
        at = draw(st.integers(0, len(valid)))
        cut = draw(st.integers(0, 8))
        return valid[:at] + draw(st.one_of(structured, latin1)) + valid[at + cut :]
    return draw({"text": text, "bytes": latin1, "structured": structured}[kind])


def send_spoilt(client, partner, data, method: str, path: str, body: bytes):
    valid = partner.sign(method, path, body)
    headers = {name: value for name, value in valid.items() if name not in FIELDS}
    sent = {}
    for name in FIELDS:
        if name not in valid:
            continue
        value = data.draw(spoilt(valid[name]), label=name)
        if value is not None:
            raw = value.encode("latin-1", errors="replace")  # ASGI field values are bytes
            sent[name], headers[name] = raw.decode("latin-1"), raw
    response = client.request(method, path, headers=headers, content=body)
    assert response.status_code in (200, 400, 401), (response.status_code, response.text)
    if response.status_code == 200:
        assert all(sent.get(n, "").strip(" \t") == valid[n] for n in FIELDS if n in valid), sent
    else:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert SLUG.match(response.json()["reason"]), response.json()
    event(str(response.status_code) + " " + response.json().get("reason", ""))
    assert ("signature" in response.headers) == ("Signature" in sent)
    return response


@FUZZ
@given(data=st.data())
def test_fuzzed_fields_on_a_get(client, partner, data):
    send_spoilt(client, partner, data, "GET", "/v1/whoami", b"")


@FUZZ
@given(data=st.data())
def test_fuzzed_fields_on_a_post(client, partner, data):
    body = json.dumps({"金额": "1500000.00"}, ensure_ascii=False).encode()
    send_spoilt(client, partner, data, "POST", "/v1/connectivity-tests", body)
