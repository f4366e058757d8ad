"""Comparison runs (比对) through the bulk exchange: HR's register streamed in, facts asked in
bulk, signed per-line results by page and as a signed stream, progress while it runs."""

from __future__ import annotations

import base64
import json

import pytest

from gateway.bootstrap import batch_worker
from gateway.evidence.canonical import canonical_json
from gateway.evidence.keys import GatewayKeys
from gateway.signatures.digest import content_digest
from tests.support.bulk import ndjson, send_batch

from .conftest import account, employer

RUN = "/v1/comparison-runs?measure=job_stabilisation_refund&year=2022&division_code=150502"


def _know(world, n, *, insured=200, layoffs=0, bank=True):
    code = employer(n)["credit_code"]
    world.si.know("employment", 2021, code, {
        "insured_average": insured, "insured_count": insured, "layoffs": layoffs,
        "organisation_type": "enterprise", "size_class": "small", "industry": "other",
        "bank_account": account(n) if bank else None})
    world.tax.know("unemployment_premiums", 2021, code, {"employer_paid_fen": 1000_00, "staff_paid_fen": 0})


@pytest.fixture
def register(world):
    for n in range(1, 21):
        _know(world, n, layoffs=20 if n % 5 == 0 else 0, bank=n % 7 != 0)
    lines = [{"employer": employer(n)} for n in range(1, 21)]
    lines[2] = {"employer": {**employer(3), "credit_code": "91150500000000003X"}}  # bad check char
    lines[3] = {"employer": employer(4, division="150521")}  # another county
    return lines


def test_a_run_decides_every_line_with_signed_results(world, container, register):
    hr = world.partners["hr_horqin"]
    sent = send_batch(hr, RUN, ndjson(register), chunk=300)
    assert sent.status_code == 202, sent.text
    batch = sent.json()
    assert (batch["state"], batch["lines_total"], batch["lines_done"]) == ("received", 20, 0)
    assert batch_worker(container).run_once()
    status = hr.get(f"/v1/batches/{batch['batch_id']}").json()
    assert (status["state"], status["lines_done"]) == ("done", 20)
    assert status["summary"] == {"eligible": 12, "refused": 4, "eligible_no_account": 2, "invalid": 2}
    # facts asked in bulk: one query per kind for the whole chunk
    assert [a for a in world.tax.asked] == [("unemployment_premiums", 2021, 18)]
    page = hr.get(f"/v1/batches/{batch['batch_id']}/lines?limit=5").json()
    assert [i["line"] for i in page["items"]] == [1, 2, 3, 4, 5] and page["next_after"] == 5
    assert page["items"][2]["outcome"] == "invalid"
    assert page["items"][2]["result"]["errors"][0]["pointer"] == "/employer/credit_code"
    assert page["items"][3]["result"]["errors"][0]["pointer"] == "/employer/division_code"
    first = page["items"][0]["result"]
    assert (first["outcome"], first["amount_fen"], first["rule_set_version"]) == \
        ("eligible", 900_00, "stabilisation-2022.1")
    public = container.keystore.current()[1].private_key.public_key()
    signature = first.pop("signature")
    first.pop("line")
    public.verify(base64.b64decode(signature["value"]), canonical_json(first))


def test_results_download_is_one_signed_stream(world, container, register):
    hr = world.partners["hr_horqin"]
    batch = send_batch(hr, RUN, ndjson(register)).json()
    early = hr.get(f"/v1/batches/{batch['batch_id']}/results")
    assert early.status_code == 409 and early.json()["reason"] == "batch_not_done"
    batch_worker(container).run_once()
    download = hr.get(f"/v1/batches/{batch['batch_id']}/results")
    assert download.status_code == 200
    assert download.headers["content-digest"] == content_digest(download.content)
    assert "signature" in download.headers
    lines = [json.loads(x) for x in download.content.splitlines()]
    assert [x["line"] for x in lines] == list(range(1, 21))
    status = hr.get(f"/v1/batches/{batch['batch_id']}").json()
    assert status["results_digest"] == download.headers["content-digest"]


def test_eligible_without_account_is_referred_to_the_web_hall(world, container, register, deliver):
    send_batch(world.partners["hr_horqin"], RUN, ndjson(register)).json()
    batch_worker(container).run_once()
    deliver()
    referred = world.simulators["web_hall"].received
    assert len(referred) == 2
    assert {m["kind"] for m in referred.values()} == {"measure_referral"}
    assert sorted(m["payload"]["subject"] for m in referred.values()) == \
        sorted(employer(n)["credit_code"] for n in (7, 14))
    assert {m["payload"]["outcome"] for m in referred.values()} == {"eligible_no_account"}


def test_a_body_that_does_not_match_its_digest_is_refused_whole(world, container, register):
    hr = world.partners["hr_horqin"]
    body = ndjson(register)
    half = send_batch(hr, RUN, body, sent=body[: len(body) // 2], key="run-1")
    assert half.status_code == 401 and half.json()["reason"] == "content_digest_mismatch"
    assert not batch_worker(container).run_once()  # nothing to process: nothing applied
    with container.uow(readonly=True) as uow:
        assert uow.measure_decisions.of_source("x") == []
        refused = uow.batches.by_key(world.partners["hr_horqin"].id, "run-1")
        assert refused.state == "refused" and uow.batches.lines(refused.id) == []
    again = send_batch(hr, RUN, body, key="run-1")  # the same key after a broken upload
    assert again.status_code == 202, again.text
    assert again.json()["lines_total"] == 20


def test_a_retry_of_a_received_batch_answers_its_status_and_applies_nothing_twice(world, container, register):
    hr = world.partners["hr_horqin"]
    body = ndjson(register)
    first = send_batch(hr, RUN, body, key="run-2").json()
    batch_worker(container).run_once()
    again = send_batch(hr, RUN, body, key="run-2")
    assert again.status_code == 200 and again.headers["idempotency-replayed"] == "true"
    assert again.json()["batch_id"] == first["batch_id"] and again.json()["state"] == "done"
    assert not batch_worker(container).run_once()
    other = send_batch(hr, RUN, ndjson(register[:5]), key="run-2")
    assert other.status_code == 409 and other.json()["reason"] == "idempotency_key_reused"


def test_a_second_run_refuses_employers_already_granted(world, container, register):
    hr = world.partners["hr_horqin"]
    first = send_batch(hr, RUN, ndjson(register[:2])).json()
    batch_worker(container).run_once()
    second = send_batch(hr, RUN, ndjson(register[:2])).json()
    batch_worker(container).run_once()
    lines = hr.get(f"/v1/batches/{second['batch_id']}/lines").json()["items"]
    assert [i["result"]["reasons"][0]["reason"] for i in lines] == ["already_granted"] * 2
    assert lines[0]["result"]["reasons"][0]["earlier_decision_id"] == f"{first['batch_id']}.1"


@pytest.mark.parametrize(("query", "pointer"), [
    ("measure=job_expansion_subsidy&year=2022&division_code=150502", "/query/measure"),
    ("measure=nope&year=2022&division_code=150502", "/query/measure"),
    ("measure=job_stabilisation_refund&year=22&division_code=150502", "/query/year"),
    ("measure=job_stabilisation_refund&year=2022&division_code=150521", "/query/division_code"),
    ("measure=job_stabilisation_refund&year=2022", "/query/division_code"),
])
def test_bad_run_parameters_are_refused_before_the_body(world, query, pointer):
    response = send_batch(world.partners["hr_horqin"], "/v1/comparison-runs?" + query, b'{"x":1}\n')
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["pointer"] == pointer
    assert "signature" in response.headers  # errors are signed receipts too


def test_only_hr_may_start_a_run(world):
    response = send_batch(world.partners["web_hall"], RUN, b'{"x":1}\n')
    assert response.status_code == 403


def test_an_unsigned_digest_is_refused(world, register):
    from tests.support.bulk import batch_headers
    hr = world.partners["hr_horqin"]
    body = ndjson(register)
    headers = batch_headers(hr, RUN, body)
    headers["Content-Digest"] = content_digest(b"other")
    response = hr.client.post(RUN, headers=headers, content=body)
    assert response.status_code == 401


def test_a_batch_over_the_line_limit_is_refused_whole(world, container, settings, register):
    from gateway.bootstrap import create_app
    from tests.support.signing import SignedPartner
    small = create_app(settings.with_overrides(bulk_max_lines=10), container).test_client()
    hr = world.partners["hr_horqin"]
    response = send_batch(SignedPartner(small, hr.partner, hr.key, hr.clock), RUN, ndjson(register),
                          key="run-big", chunk=200)
    assert response.status_code == 413 and response.json()["reason"] == "batch_too_many_lines"
    with container.uow(readonly=True) as uow:
        refused = uow.batches.by_key(hr.id, "run-big")
        assert refused.state == "refused" and uow.batches.lines(refused.id) == []
        assert refused.refusal["reason"] == "batch_too_many_lines"


def test_a_line_that_is_not_json_is_an_invalid_line_not_a_refused_batch(world, container, register):
    hr = world.partners["hr_horqin"]
    body = ndjson(register[:2]) + b"{not json\n" + b"\n"  # a blank line is skipped
    batch = send_batch(hr, RUN, body).json()
    assert batch["lines_total"] == 3
    batch_worker(container).run_once()
    items = hr.get(f"/v1/batches/{batch['batch_id']}/lines").json()["items"]
    assert items[2]["outcome"] == "invalid" and items[2]["line"] == 3


def test_the_batch_digest_is_in_the_evidence_log(world, container, register):
    hr = world.partners["hr_horqin"]
    body = ndjson(register)
    batch = send_batch(hr, RUN, body).json()
    with container.uow(readonly=True) as uow:
        entry = uow.message_log.by_message_id(batch["batch_id"])[0]
    assert entry.record.covered_components['"content-digest"'] == content_digest(body)
    assert json.loads(entry.record.body)["lines"] == 20
    report = container.message_log.verify(GatewayKeys.from_jwks(container.keystore.jwks()))
    assert report.ok, report


def test_a_connection_lost_mid_batch_leaves_nothing_applied(world, app, container, register):
    """Drive the ASGI app directly: the body stops half way and the client disconnects."""
    import anyio

    from tests.support.bulk import batch_headers
    hr = world.partners["hr_horqin"]
    body = ndjson(register * 300)  # 6,000 lines: thousands are written before the break
    headers = batch_headers(hr, RUN, body, key="run-lost")
    path, _, query = RUN.partition("?")
    scope = {"type": "http", "http_version": "1.1", "method": "POST", "scheme": "http",
             "server": ("testserver", 80), "client": ("127.0.0.1", 5000), "root_path": "",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    messages = [{"type": "http.request", "body": body[:len(body) * 3 // 4], "more_body": True},
                {"type": "http.disconnect"}]
    sent = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    anyio.run(app, scope, receive, send)
    assert sent == []  # nobody to answer
    with container.uow(readonly=True) as uow:
        lost = uow.batches.by_key(hr.id, "run-lost")
        assert lost.state == "refused" and lost.refusal["reason"] == "batch_incomplete"
        assert lost.refusal["lines_received"] > 1000 and uow.batches.lines(lost.id) == []
    assert not batch_worker(container).run_once()


def test_a_partner_outage_pauses_the_run_and_it_resumes_without_guessing(world, container, clock, register):
    hr = world.partners["hr_horqin"]
    batch = send_batch(hr, RUN, ndjson(register)).json()
    world.tax.behaviour.fail_times = 1
    worker = batch_worker(container)
    assert worker.run_once()
    status = hr.get(f"/v1/batches/{batch['batch_id']}").json()
    assert (status["state"], status["lines_done"]) == ("processing", 0)
    assert not worker.run_once()  # waits for the Retry-After
    clock.advance(seconds=61)
    assert worker.run_once()
    assert hr.get(f"/v1/batches/{batch['batch_id']}").json()["state"] == "done"


def test_no_account_then_the_online_application_with_its_account_is_paid_once(world, container, register):
    hr, hall = world.partners["hr_horqin"], world.partners["web_hall"]
    batch = send_batch(hr, RUN, ndjson(register[6:7])).json()  # employer 7: no account on file
    batch_worker(container).run_once()
    [line] = hr.get(f"/v1/batches/{batch['batch_id']}/lines").json()["items"]
    assert line["outcome"] == "eligible_no_account"
    body = {"year": 2022, "employer": employer(7), "bank_account": account(7)}
    applied = hall.post("/v1/measures/job_stabilisation_refund/applications", json=body).json()
    assert applied["outcome"] == "eligible"
    assert applied["payee"]["account_number"] == account(7)["account_number"]
    assert applied["payee"]["account_source"] == "application"
    again = hall.post("/v1/measures/job_stabilisation_refund/applications", json=body).json()
    assert again["reasons"][0]["reason"] == "already_granted"
    assert again["reasons"][0]["earlier_decision_id"] == applied["id"]


def test_a_run_line_cannot_bring_its_own_account(world, container, register):
    hr = world.partners["hr_horqin"]
    batch = send_batch(hr, RUN, ndjson([{**register[0], "bank_account": account(1)}])).json()
    batch_worker(container).run_once()
    [line] = hr.get(f"/v1/batches/{batch['batch_id']}/lines").json()["items"]
    assert line["outcome"] == "invalid" and line["result"]["errors"][0]["pointer"] == "/bank_account"


def test_progress_is_visible_while_the_run_is_processed(world, container, register):
    from gateway.services.bulk.kinds import BatchKinds
    from gateway.services.bulk.processing import BatchWorker
    hr = world.partners["hr_horqin"]
    batch = send_batch(hr, RUN, ndjson(register)).json()
    runs, seen = container.batch_kinds["comparison"], []

    class Watched:
        name = "comparison"

        def answer(self, b, lines):  # what HR sees before each chunk is answered
            seen.append(hr.get(f"/v1/batches/{b.id}").json()["lines_done"])
            return runs.answer(b, lines)

    BatchWorker(container.uow, container.clock, BatchKinds({"comparison": Watched()}),
                container.measures.signer, chunk=5).run_once()
    assert seen == [0, 5, 10, 15]
    assert hr.get(f"/v1/batches/{batch['batch_id']}").json()["lines_done"] == 20


def test_the_same_key_twice_at_once_is_a_conflict_not_a_500(world, container):
    from gateway.errors import Conflict
    from gateway.services.bulk.reception import begin
    from gateway.signatures.digest import StreamingDigest
    hr = world.partners["hr_horqin"]
    digest = StreamingDigest(content_digest(b"x"))
    begin(container.uow, hr.id, "comparison", "k-1", {}, digest, container.clock())
    # a second process that read "no such batch" before the first committed, then inserts:
    from gateway.storage.batch_repositories import Batch
    with pytest.raises(Conflict) as raised:
        import gateway.services.bulk.reception as reception
        original = reception._begin

        def racing(uow_factory, partner_id, kind, key, params, d, now):
            with uow_factory() as uow:
                uow.batches.add(Batch("other", partner_id, kind, key, params, d.value, "receiving", 0, 0, 0, now))
        reception._begin = racing
        try:
            begin(container.uow, hr.id, "comparison", "k-1", {}, digest, container.clock())
        finally:
            reception._begin = original
    assert raised.value.reason == "batch_in_progress"
