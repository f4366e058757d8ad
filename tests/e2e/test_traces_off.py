"""With tracing off (the default) nothing is traced and nothing is propagated: a partner's
traceparent is not passed on to HR or the recipients, and no log line carries a trace id."""

from __future__ import annotations

import json

from gateway.delivery.assembly import delivery_worker
from tests.support.samples import APPLICANT, individual_loan
from tests.support.samples import deferral_conclusion as conclusion

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_no_traceparent_reaches_a_partner_and_no_log_line_has_a_trace_id(story, container, capsys):
    story.simulators["hr"].facts[APPLICANT] = ["college_graduate"]
    capsys.readouterr()
    loan = story.bank.post("/v1/loan-qualifications", json=individual_loan(),
                           headers={"traceparent": TRACEPARENT})
    assert loan.status_code == 201, loan.text
    accepted = story.hr.post("/v1/deferral-conclusions", json=conclusion(),
                             headers={"traceparent": TRACEPARENT})
    assert accepted.status_code == 202, accepted.text
    assert delivery_worker(container).run_once() == 2
    assert story.simulators["hr"].queries  # HR was asked ...
    assert story.simulators["tax"].received and story.simulators["finance"].received  # ... and delivered to
    assert all(s.traceparents == [] for s in story.simulators.values())
    records = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert records and not any("trace_id" in r or "span_id" in r for r in records)
