"""The coded HR source over a mocked HTTP exchange (``responses``)."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from adapters.social_security import CodedHrFacts
from adapters.social_security.mapping import query_from_body
from gateway.domain.partners import Partner, Role
from gateway.errors import Unavailable

from .test_mapping import EMPLOYER, FIXTURES, IDS

URL = "https://hr.example.test/api/person-facts"
HR = Partner(id="11150500000005033A", name="人社", roles=frozenset({Role.HR}),
             division_code="150500", endpoint_url=URL, format="hr_coded",
             format_settings={"app_id": "govgate-150500"})


def source() -> CodedHrFacts:
    return CodedHrFacts(timeout=(1.0, 2.0), request_id=lambda: "rid")


@responses.activate
def test_a_query_is_sent_coded_and_the_answer_read():
    responses.add(responses.POST, URL, body=(FIXTURES / "person-facts-answer.json").read_bytes(),
                  content_type="application/json")
    facts = source().person_facts(HR, IDS, EMPLOYER)
    sent = json.loads(responses.calls[0].request.body)
    assert (sent["appId"], sent["serviceCode"], sent["requestId"]) == (
        "govgate-150500", "QRY_PERSON_FACTS", "rid")
    assert query_from_body(sent) == (IDS, EMPLOYER)
    assert facts.persons[IDS[0]].known and not facts.persons[IDS[2]].known


@pytest.mark.parametrize(("mock", "status", "reason", "retry_after"), [
    ({"body": requests.ReadTimeout()}, 504, "hr_timeout", 30),
    ({"body": requests.ConnectTimeout()}, 504, "hr_timeout", 30),
    ({"body": requests.ConnectionError()}, 503, "hr_unreachable", 60),
    ({"status": 500}, 503, "hr_unavailable", 60),
    ({"status": 503, "headers": {"Retry-After": "120"}}, 503, "hr_unavailable", 120),
    ({"status": 429}, 503, "hr_unavailable", 60),
    ({"status": 404}, 503, "hr_answer_invalid", 60),
    ({"body": b"\xff\xfe garbage"}, 503, "hr_answer_invalid", 60),
    ({"body": b"[1, 2"}, 503, "hr_answer_invalid", 60),
    ({"body": b" " * (1 << 20) + b"{}"}, 503, "hr_answer_invalid", 60),
    ({"json": {"code": "2002", "message": "系统维护"}}, 503, "hr_unavailable", 600),
    ({"json": {"code": "1002", "message": "应用未授权"}}, 503, "hr_request_refused", 3600),
])
@responses.activate
def test_every_failure_is_unavailable_with_a_reason(mock, status, reason, retry_after):
    responses.add(responses.POST, URL, **mock)
    with pytest.raises(Unavailable) as failed:
        source().person_facts(HR, IDS, EMPLOYER)
    assert (failed.value.status, failed.value.reason, failed.value.retry_after) == (
        status, reason, retry_after)


def test_broken_settings_are_reported_without_a_request():
    partner = Partner(**{**HR.__dict__, "format_settings": {}})
    with pytest.raises(Unavailable) as failed:
        source().person_facts(partner, IDS, None)
    assert failed.value.reason == "hr_channel_misconfigured"
