"""Payout batches: approved lines to the bank, per-line results back, failed lines to HR, and
nothing paid twice whatever is retried or replayed."""

from __future__ import annotations

import pytest

from gateway.bootstrap import batch_worker
from tests.support.bulk import ndjson, send_batch

from .conftest import account, employer

RUN = "/v1/comparison-runs?measure=job_stabilisation_refund&year=2022&division_code=150502"
PAYOUT = {"measure": "job_stabilisation_refund", "year": 2022, "division_code": "150502"}


@pytest.fixture
def approved(world, container):
    for n in range(1, 11):
        code = employer(n)["credit_code"]
        world.si.know("employment", 2021, code, {
            "insured_average": 100, "insured_count": 100, "layoffs": 0, "organisation_type": "enterprise",
            "size_class": "medium", "industry": "other", "bank_account": account(n)})
        world.tax.know("unemployment_premiums", 2021, code, {"employer_paid_fen": 10_000_00, "staff_paid_fen": 0})
    run = send_batch(world.partners["hr_horqin"], RUN, ndjson({"employer": employer(n)} for n in range(1, 11)))
    assert run.status_code == 202, run.text
    batch_worker(container).run_once()
    return run.json()["batch_id"]


def _instruct(world, **extra):
    return world.partners["hr_horqin"].post("/v1/payout-batches", json={**PAYOUT, **extra})


def _results(world, payout_id, lines, key=None):
    return send_batch(world.partners["bank"], f"/v1/payout-batches/{payout_id}/results", ndjson(lines), key=key)


def test_a_payout_batch_with_failed_lines_and_a_retried_batch(world, container, approved, deliver):
    hr, bank = world.partners["hr_horqin"], world.simulators["bank"]
    created = _instruct(world)
    assert created.status_code == 201, created.text
    payout = created.json()
    assert (payout["line_count"], payout["total_fen"]) == (10, 10 * 9_000_00)
    deliver()
    instruction = next(m for m in bank.received.values() if m["kind"] == "payout_instructions")
    lines = instruction["payload"]["lines"]
    assert len(lines) == 10 and lines[0]["payee"]["account_number"] == account(1)["account_number"]
    statuses = ["paid"] * 7 + ["account_closed", "account_closed", "name_mismatch"]
    sent = _results(world, payout["payout_batch_id"],
                    [{"reference": line["reference"], "status": s} for line, s in zip(lines, statuses, strict=True)])
    assert sent.status_code == 202, sent.text
    batch_worker(container).run_once()
    status = hr.get(f"/v1/payout-batches/{payout['payout_batch_id']}").json()
    assert status["by_state"] == {"paid": {"lines": 7, "amount_fen": 7 * 9_000_00},
                                  "failed": {"lines": 3, "amount_fen": 3 * 9_000_00}}
    assert sorted(f["bank_status"] for f in status["failed_lines"]) == ["account_closed", "account_closed",
                                                                        "name_mismatch"]
    deliver()  # the failed lines go back to the HR office that instructed them
    back = [m for m in world.simulators["hr_horqin"].received.values() if m["kind"] == "payout_failures"]
    assert len(back) == 1 and len(back[0]["payload"]["lines"]) == 3

    again = _instruct(world)  # a retried batch: nothing is waiting, nothing instructed twice
    assert again.status_code == 422 and again.json()["reason"] == "nothing_to_pay"
    retry = _instruct(world, retry_failed=True).json()
    assert retry["line_count"] == 3
    deliver()
    second = next(m for m in bank.received.values()
                  if m["kind"] == "payout_instructions" and m["payload"]["payout_batch_id"] == retry["payout_batch_id"])
    assert all(line["reference"].endswith("#2") for line in second["payload"]["lines"])
    _results(world, retry["payout_batch_id"],
             [{"reference": line["reference"], "status": "paid"} for line in second["payload"]["lines"]])
    batch_worker(container).run_once()
    assert hr.get(f"/v1/payout-batches/{retry['payout_batch_id']}").json()["by_state"] == \
        {"paid": {"lines": 3, "amount_fen": 3 * 9_000_00}}
    assert _instruct(world, retry_failed=True).json()["reason"] == "nothing_to_pay"  # all paid, once


def test_replayed_or_contradicting_bank_results_change_nothing(world, container, approved, deliver):
    payout = _instruct(world).json()
    deliver()
    lines = next(m for m in world.simulators["bank"].received.values()
                 if m["kind"] == "payout_instructions")["payload"]["lines"]
    results = [{"reference": line["reference"], "status": "paid"} for line in lines]
    _results(world, payout["payout_batch_id"], results, key="results-1")
    batch_worker(container).run_once()
    replay = _results(world, payout["payout_batch_id"], results, key="results-1")
    assert replay.status_code == 200 and replay.headers["idempotency-replayed"] == "true"
    resent = _results(world, payout["payout_batch_id"],
                      [*results[:2], {"reference": lines[2]["reference"], "status": "account_closed"},
                       {"reference": "nope#1", "status": "paid"}], key="results-2").json()
    batch_worker(container).run_once()
    summary = world.partners["bank"].get(f"/v1/batches/{resent['batch_id']}").json()["summary"]
    assert summary == {"duplicate": 2, "conflict": 1, "invalid": 1}
    status = world.partners["hr_horqin"].get(f"/v1/payout-batches/{payout['payout_batch_id']}").json()
    assert status["by_state"] == {"paid": {"lines": 10, "amount_fen": 10 * 9_000_00}}


def test_the_same_instruction_request_replayed_is_answered_once(world, container, approved):
    hr = world.partners["hr_horqin"]
    first = hr.post("/v1/payout-batches", json=PAYOUT, idempotency_key="payout-1")
    second = hr.post("/v1/payout-batches", json=PAYOUT, idempotency_key="payout-1")
    assert second.headers.get("idempotency-replayed") == "true"
    assert second.json()["payout_batch_id"] == first.json()["payout_batch_id"]
    with container.uow(readonly=True) as uow:
        assert uow.payout_lines.counts(first.json()["payout_batch_id"])["instructed"]["lines"] == 10


def test_only_the_bank_it_was_sent_to_may_report_results(world, container, approved):
    payout = _instruct(world).json()
    response = send_batch(world.partners["hr_zuozhong"], f"/v1/payout-batches/{payout['payout_batch_id']}/results",
                          ndjson([{"reference": "x#1", "status": "paid"}]))
    assert response.status_code == 403


def test_the_database_refuses_a_second_live_line_for_a_decision(world, container, approved):
    from dataclasses import replace

    from sqlalchemy.exc import IntegrityError
    payout = _instruct(world).json()
    with container.uow(readonly=True) as uow:
        line = uow.payout_lines.of_batch(payout["payout_batch_id"], limit=1)[0]
    twin = replace(line, reference=line.decision_id + "#9", payout_batch_id="another")
    with pytest.raises(IntegrityError), container.uow() as uow:
        uow.payout_lines.add_many([twin])
    with container.uow() as uow:  # once the first has failed, a new attempt is allowed
        uow.payout_lines.settle(line.reference, "failed", "account_closed", None, container.clock())
        uow.payout_lines.add_many([twin])


def test_progress_report_counts_and_sums_over_admin_api_and_cli(world, container, approved, deliver,
                                                                 client, admin_headers, settings):
    payout = _instruct(world).json()
    deliver()
    lines = next(m for m in world.simulators["bank"].received.values()
                 if m["kind"] == "payout_instructions")["payload"]["lines"]
    _results(world, payout["payout_batch_id"],
             [{"reference": line["reference"], "status": "paid" if i < 8 else "account_closed"}
              for i, line in enumerate(lines)])
    batch_worker(container).run_once()
    report = client.get("/v1/admin/measures/progress?measure=job_stabilisation_refund&division_code=150500",
                        headers=admin_headers)
    assert report.status_code == 200, report.text
    [row] = report.json()["items"]
    assert (row["measure"], row["division_code"], row["year"]) == ("86号-6", "150502", 2022)
    assert row["eligible"] == {"count": 10, "amount_fen": 10 * 9_000_00}
    assert row["paid"] == {"count": 8, "amount_fen": 8 * 9_000_00}
    assert row["failed"] == {"count": 2, "amount_fen": 2 * 9_000_00}
    assert row["refused"]["count"] == 0

    from click.testing import CliRunner

    from gateway.cli import CliSession, main
    session = CliSession(build=lambda _settings: container)
    session.overrides = {}
    session._settings = settings
    result = CliRunner().invoke(main, ["progress", "--measure", "86号-6", "--json"], obj=session)
    assert result.exit_code == 0, result.output
    assert '"count": 8' in result.output
    table_run = CliRunner().invoke(main, ["progress"], obj=session)
    assert "86号-6" in table_run.output and "150502" in table_run.output


def test_a_bank_speaking_the_front_end_idiom_receives_GVPAYINS(world, container, approved, deliver,
                                                               client, admin_headers):
    from gateway.simulators.bank import BankFrontendSimulator
    with BankFrontendSimulator(container.keystore.jwks, clock=container.clock) as front_end:
        changed = client.patch(f"/v1/admin/partners/{world.partners['bank'].id}", headers=admin_headers,
                               json={"endpoint_url": front_end.endpoint_url, "format": "bank_frontend",
                                     "format_settings": {"lgnnam": "TLBANK01"}})
        assert changed.status_code == 200, changed.text
        payout = _instruct(world).json()
        deliver()
        package = front_end.received[payout["payout_batch_id"]]
    assert package["FUNNAM"] == "GVPAYINS"
    rows = [fields for tag, fields in package["blocks"] if tag == "PAYLINZ"]
    assert len(rows) == 10 and {r["TRSAMT"] for r in rows} == {"9000.00"}
    assert rows[0]["ACCNBR"] == account(1)["account_number"] and rows[0]["REFNBR"].endswith("#1")
    [head] = [fields for tag, fields in package["blocks"] if tag == "PAYINSX"]
    assert (head["LINCNT"], head["TOTAMT"]) == ("10", "90000.00")


def test_the_bank_reports_results_in_its_front_end_idiom_GVPAYRES(world, container, approved, deliver,
                                                                  client, admin_headers):
    from adapters.bank import mapping, xml
    bank = world.partners["bank"]
    changed = client.patch(f"/v1/admin/partners/{bank.id}", headers=admin_headers,
                           json={"format_settings": {"lgnnam": "TLBANK01"}, "format": "bank_frontend"})
    assert changed.status_code == 200, changed.text
    payout = _instruct(world).json()
    with container.uow(readonly=True) as uow:
        lines = uow.payout_lines.of_batch(payout["payout_batch_id"], limit=100)
    body = {"payout_batch_id": payout["payout_batch_id"],
            "lines": [{"reference": line.reference, "status": "name_mismatch" if i == 0 else "paid"}
                      for i, line in enumerate(lines)]}
    package = xml.render(mapping.info("GVPAYRES", "TLBANK01"),
                         mapping.to_blocks(mapping.PAYOUT_RESULTS, body, {"YURREF": "PAYRES0001"}))
    sent = bank.request("POST", "/v1/bank-frontend", body=package,
                        headers={"Content-Type": "application/xml; charset=GBK"}, idempotency_key="PAYRES0001")
    assert sent.status_code == 202, sent.content.decode("gbk", "replace")
    answer = xml.parse(sent.content)
    assert answer.info["RETCOD"] == "0"
    [info] = [fields for tag, fields in answer.blocks if tag == "BATINFX"]
    assert (info["BATSTS"], info["LINTOT"]) == ("received", "10")
    batch_worker(container).run_once()
    status = world.partners["hr_horqin"].get(f"/v1/payout-batches/{payout['payout_batch_id']}").json()
    assert status["by_state"]["paid"]["lines"] == 9 and status["by_state"]["failed"]["lines"] == 1
    again = bank.request("POST", "/v1/bank-frontend", body=package,
                         headers={"Content-Type": "application/xml; charset=GBK"}, idempotency_key="PAYRES0001")
    assert again.headers.get("idempotency-replayed") == "true"
    assert not batch_worker(container).run_once()  # nothing received twice
