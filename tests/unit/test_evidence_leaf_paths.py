"""The fast paths `log verify` takes per entry give the answers of the general ones."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import pytest
from evidence_factory import Parties, inbound_record

from gateway.evidence.canonical import canonical_json
from gateway.evidence.chain import _record_problems, hash_object, record_problems
from gateway.evidence.leaf import LEAF_FORMAT, leaf_data, leaf_object, record_leaf_hash, well_formed_leaf_hash
from gateway.evidence.merkle import leaf_hash


@pytest.fixture(scope="module")
def parties() -> Parties:
    return Parties.fresh()


CHANGES = [
    {}, {"content_digest": None, "body": b""}, {"response_status": None, "response_signature": None},
    {"recorded_at": "2024-02-30T01:30:00.000000Z"}, {"recorded_at": 5}, {"direction": "sideways"},
    {"message_id": ""}, {"partner_id": None}, {"signature": b"bytes"}, {"content_digest": 7},
    {"body": "text"}, {"body": bytearray(b"x")}, {"response_status": 99}, {"response_status": True},
    {"response_status": 200.0}, {"covered_components": {'"@method"': 1}},
    {"covered_components": {1: "x"}}, {"covered_components": []},
    {"response_components": MappingProxyType({"a": "b"})}, {"response_components": MappingProxyType({"a": 1})},
    {"covered_components": {"ä": "non-ASCII key"}}, {"operation": "submit\udc80"},
]


@pytest.mark.parametrize("change", CHANGES)
def test_record_problems_fast_path_agrees_with_the_full_walk(parties, change):
    record = replace(inbound_record(parties, 1), **change)
    assert record_problems(record) == _record_problems(record)


WELL_FORMED = [{}, {"content_digest": None, "body": b""}, {"response_status": None, "response_signature": None},
               {"covered_components": {}}, {"response_components": MappingProxyType({"a": "b"})},
               {"target_uri": "https://例え.jp/ü?q=\u2028"}]


@pytest.mark.parametrize("change", WELL_FORMED)
def test_the_leaf_object_is_the_v1_hash_object_without_seq(parties, change):
    record = replace(inbound_record(parties, 1), **change)
    assert record_problems(record) == []
    expected = hash_object(0, record)
    del expected["seq"]
    expected["format"] = LEAF_FORMAT
    assert leaf_object(record) == expected
    assert leaf_data(record) == canonical_json(expected)  # the C encoder's bytes are JCS here too
    assert well_formed_leaf_hash(record) == leaf_hash(canonical_json(expected))


@pytest.mark.parametrize("components", [{"ä": "a non-ASCII key"}, {"\U0001f600": "x", "\uffff": "y"}])
def test_non_ascii_component_keys_take_the_general_encoder(parties, components):
    record = replace(inbound_record(parties, 1), response_components=components)
    obj = leaf_object(record)
    assert well_formed_leaf_hash(record) == leaf_hash(canonical_json(obj)) == record_leaf_hash(record)
