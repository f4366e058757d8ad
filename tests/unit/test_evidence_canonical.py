"""The canonical encoding: RFC 8785 exactly, including on the fast path."""

from __future__ import annotations

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from gateway.evidence import MalformedEvidence, canonical_json
from gateway.evidence.canonical import b64, format_timestamp, is_timestamp, unb64

_scalars = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


@given(_values)
def test_canonical_json_is_rfc_8785(value):
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        with pytest.raises(MalformedEvidence):
            canonical_json(value)
    else:
        assert canonical_json(value) == expected


def test_known_rfc_8785_forms():
    assert canonical_json({"b": "\u20ac\n\x01", "a": [1, None, True], "\u00e9": 2**53 - 1}) == (
        '{"a":[1,null,true],"b":"\u20ac\\n\\u0001","\u00e9":9007199254740991}'.encode())
    # UTF-16 key order: U+1F600 (surrogate pair D83D...) sorts before U+FFFD
    assert canonical_json({"\ufffd": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ufffd":1}'.encode()


def test_unencodable_values_are_refused():
    for value in ({"a": "\udc80"}, {"a": 2**53}, {"a": float("nan")}):
        with pytest.raises(MalformedEvidence):
            canonical_json(value)


def test_base64_is_strict():
    assert unb64(b64(b"\x00\xff"), what="x") == b"\x00\xff"
    for bad in ("AA", "AA==\n", "A-8=", 7):
        with pytest.raises(MalformedEvidence):
            unb64(bad, what="x")


def test_timestamps_are_utc_microseconds_with_z():
    from datetime import datetime, timedelta, timezone

    beijing = timezone(timedelta(hours=8))
    assert format_timestamp(datetime(2024, 5, 6, 9, 30, 0, 5, tzinfo=beijing)) == "2024-05-06T01:30:00.000005Z"
    assert is_timestamp("2024-05-06T01:30:00.000005Z")
    assert not is_timestamp("2024-05-06T01:30:00.000005+08:00")
    with pytest.raises(MalformedEvidence):
        format_timestamp(datetime(2024, 5, 6))
