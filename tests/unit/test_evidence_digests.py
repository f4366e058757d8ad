"""The Content-Digest fast path agrees with the general RFC 8941 parse on every header."""

from __future__ import annotations

import base64
import hashlib

import http_sf
from hypothesis import given
from hypothesis import strategies as st

from gateway.evidence import digests


def _general(header: str, body: bytes) -> bool:
    try:
        members = http_sf.parse(header.encode("ascii"), tltype="dictionary")
    except (UnicodeEncodeError, ValueError, http_sf.StructuredFieldError):
        return False
    checked = 0
    for name, (value, _) in members.items():
        algorithm = digests._ALGORITHMS.get(name)
        if algorithm is None:
            continue
        if not isinstance(value, bytes) or algorithm(body).digest() != value:
            return False
        checked += 1
    return checked > 0


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


@given(st.binary(max_size=64), st.one_of(
    st.just("right"),
    st.text(alphabet=_B64, min_size=43, max_size=43).map(lambda s: f"sha-256=:{s}=:"),
))
def test_fast_and_general_paths_agree(body, header):
    if header == "right":
        header = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    assert digests.content_digest_matches(header, body) is _general(header, body)


def test_a_non_canonical_encoding_is_left_to_the_general_parser():
    digest = base64.b64encode(hashlib.sha256(b"x").digest()).decode()
    odd = digest[:42] + _B64[_B64.index(digest[42]) | 1] + "="  # same bytes, stray low bits
    header = f"sha-256=:{odd}:"
    assert digests.content_digest_matches(header, b"x") is _general(header, b"x")
