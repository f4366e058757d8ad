"""Hostile values in every field of every channel's claim, and of the canonical claim: each is
refused with a 4xx in the sender's own idiom (problem+json on the canonical endpoint), never a
500, and nothing is kept."""

from __future__ import annotations

import json

import pytest

from .channel_support import IDIOMS, register_channels, send
from .people_world import claim as canonical_claim
from .test_channel_refusals import counts

pytestmark = pytest.mark.rules  # input handling, not storage: one backend

DEEP = "\u2063deep\u2063"  # stands for 2,000 nested objects, written into the bytes by ``encoded``
NESTED = '{"a":' * 2_000 + "null" + "}" * 2_000

HOSTILE = {
    "deep": DEEP, "huge int": 10**400, "largest float": 1.7976931348623157e308,
    "negative": -1, "empty": "", "nul": "\u0000", "lone surrogate": "\ud800", "long": "长" * 100_000,
    "list": [1, [2, [3]]], "object": {"x": {"y": 1}}, "true": True, "null": None,
    "control": "150502\n19880215001", "bidi": "\u202e150502198802150019",
}


def leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    else:
        yield path


def replaced(message: dict, path: tuple, value) -> dict:
    copy = json.loads(json.dumps(message))
    inner = copy
    for key in path[:-1]:
        inner = inner[key]
    inner[path[-1]] = value
    return copy


def encoded(message) -> bytes:
    text = json.dumps(message, ensure_ascii=False).replace(json.dumps(DEEP, ensure_ascii=False), NESTED)
    return text.encode("utf-8", "surrogatepass")


@pytest.fixture
def world(people_world, client, admin_headers, clock, container):
    register_channels(people_world, client, admin_headers, clock, container)
    return people_world


@pytest.mark.parametrize("channel", ["counter", "national_platform", "alipay"])
def test_every_field_of_a_channels_claim_with_every_hostile_value(world, container, channel):
    sample = IDIOMS[channel].message("R" + "0" * 23)
    before, failures = counts(container), []
    cases = [(path, replaced(sample, path, value)) for path in leaves(sample) for value in HOSTILE.values()]
    if channel == "alipay":  # the claim itself is a JSON string inside the envelope: its fields too
        inner = json.loads(sample["biz_content"])
        cases += [(("biz_content", *path), {**sample, "biz_content": encoded(replaced(inner, path, value)).decode(
            "utf-8", "surrogatepass")}) for path in leaves(inner) for value in HOSTILE.values()]
    for path, message in cases:
        response = send(world, channel, encoded(message))
        if not 400 <= response.status_code < 500 or not response.headers["content-type"].startswith(
                "application/json"):
            failures.append((path, response.status_code, response.text[:200]))
    assert not failures, failures[:10]
    assert counts(container) == before


def test_every_field_of_the_canonical_claim_with_every_hostile_value(world, container):
    body = canonical_claim(1)
    before, failures = counts(container), []
    for path in leaves(body):
        for name, value in HOSTILE.items():
            response = world.partners["web_hall"].request(
                "POST", "/v1/measures/unemployment_benefit/applications", body=encoded(replaced(body, path, value)),
                headers={"Content-Type": "application/json"})
            if not 400 <= response.status_code < 500 or response.headers["content-type"] != "application/problem+json":
                failures.append((path, name, response.status_code, response.text[:200]))
    assert not failures, failures[:10]
    assert counts(container) == before
