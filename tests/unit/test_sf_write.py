"""gateway/signatures/sf_write.py writes exactly what http-sf writes, or declines."""

from __future__ import annotations

import http_sf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.signatures import sf_write
from gateway.signatures.components import ComponentId, serialise_signature_params

keys = st.from_regex(r"[a-z*][a-z0-9_\-.*]{0,8}", fullmatch=True) | st.text(max_size=4)
values = (st.booleans() | st.integers(-10**16, 10**16) | st.text(max_size=12)
          | st.binary(max_size=24) | st.floats(allow_nan=False, width=32))
params = st.dictionaries(keys, values, max_size=5)


def _http_sf(callable_):
    try:
        return callable_()
    except (ValueError, TypeError):
        return None


@given(params)
def test_parameters_are_http_sfs_or_declined(chosen):
    try:
        fast = sf_write.parameters(chosen)
    except sf_write.Unsupported:
        return
    assert fast == http_sf.ser([("x", chosen)])[3:]  # the string item "x", then its parameters


@given(st.dictionaries(keys, st.binary(max_size=64) | st.integers(), max_size=3))
def test_byte_dictionaries_are_http_sfs_or_declined(members):
    try:
        fast = sf_write.dictionary_bytes(members)
    except sf_write.Unsupported:
        return
    assert fast == http_sf.ser(members)


components = st.lists(st.sampled_from([
    ComponentId.of("@method"), ComponentId.of("@target-uri"), ComponentId.of("content-digest"),
    ComponentId.of("@status"), ComponentId.of("@method", req=True),
    ComponentId.of("signature", req=True, key="sig1"), ComponentId.of("x-odd", key='a"b\\c'),
]), unique=True, max_size=5)


@given(components, params)
def test_signature_params_are_http_sfs(chosen, chosen_params):
    expected = _http_sf(lambda: http_sf.ser([([c.as_sf() for c in chosen], dict(chosen_params))]))
    if expected is None:
        with pytest.raises((ValueError, TypeError)):
            serialise_signature_params(chosen, chosen_params)
        return
    assert serialise_signature_params(chosen, chosen_params) == expected


def test_what_the_writer_declines():
    for odd in ({"Upper": 1}, {"k": 1.5}, {"k": "tab\t"}, {"k": 10**15}, {"": 1}):
        with pytest.raises(sf_write.Unsupported):
            sf_write.parameters(odd)
    assert sf_write.parameters({"created": 1, "keyid": 'q"\\', "req": True, "off": False}) == \
        ';created=1;keyid="q\\"\\\\";req;off=?0'
