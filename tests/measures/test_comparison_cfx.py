"""A comparison run whose tax facts come from a tax system speaking CFX (3201 → 1201, SM2)."""

from __future__ import annotations

import pytest

from adapters import tax
from adapters.tax.gateway_key import GatewaySm2Key
from gateway.bootstrap import batch_worker
from gateway.gmcrypto import Sm2PrivateKey
from gateway.services import keys as key_service
from gateway.simulators.tax import TaxBehaviour, TaxSimulator
from tests.support.bulk import ndjson, send_batch
from tests.support.ids import credit_code

from .conftest import account, employer

RUN = "/v1/comparison-runs?measure=86%E5%8F%B7-6&year=2022&division_code=150502"  # 86号-6
TAX_NODE = "615050000001"


@pytest.fixture
def cfx_tax(world, container, client, admin_headers):
    suspended = client.post(f"/v1/admin/partners/{world.partners['tax'].id}/suspend", headers=admin_headers)
    assert suspended.status_code == 200
    gateway_key = GatewaySm2Key(container.settings.effective_key_dir)
    simulator = TaxSimulator(TAX_NODE, Sm2PrivateKey.generate(), gateway_key.public_key)
    partner_id = credit_code(4501)
    created = client.post("/v1/admin/partners", headers=admin_headers, json={
        "id": partner_id, "name": "国家税务总局通辽市税务局", "roles": ["tax"], "division_code": "150500",
        "endpoint_url": simulator.endpoint_url, "format": tax.FORMAT,
        "format_settings": {"src_node": "100000000000", "des_node": TAX_NODE, "sm2_keyid": "tax-tongliao"}})
    assert created.status_code == 201, created.text
    with container.uow() as uow:
        key_service.register(uow, partner_id, simulator.signing_key.public_key().to_pem(),
                             keyid="tax-tongliao", algorithm="sm2-sm3", not_before=None,
                             not_after=None, now=container.clock())
    with simulator:
        yield simulator


def _register(world, cfx_tax, count):
    for n in range(1, count + 1):
        code = employer(n)["credit_code"]
        world.si.know("employment", 2021, code, {
            "insured_average": 50, "insured_count": 50, "layoffs": 1, "organisation_type": "enterprise",
            "size_class": "large", "industry": "other", "bank_account": account(n)})
        if n != count:  # the last one tax has no record of
            cfx_tax.premiums[(2021, code)] = (3000_00 + n, 1000_00)
    return [{"employer": employer(n)} for n in range(1, count + 1)]


def test_premiums_asked_in_cfx_decide_the_run(world, container, cfx_tax):
    lines = _register(world, cfx_tax, 30)
    hr = world.partners["hr_horqin"]
    batch = send_batch(hr, RUN, ndjson(lines)).json()
    assert batch_worker(container).run_once()
    status = hr.get(f"/v1/batches/{batch['batch_id']}").json()
    assert status["summary"] == {"eligible": 29, "refused": 1}
    assert cfx_tax.queries == [(2021, 30)]  # one signed CFX query for the whole chunk
    items = hr.get(f"/v1/batches/{batch['batch_id']}/lines?limit=30").json()["items"]
    first = items[0]["result"]
    assert first["amount_fen"] == (3000_00 + 1 + 1000_00) * 50 // 100
    assert first["facts_used"]["unemployment_premiums"]["employer_paid_fen"] == 3000_01
    assert items[-1]["result"]["reasons"][0]["reason"] == "facts_incomplete"


def test_a_tax_system_that_cannot_answer_holds_the_run(world, container, cfx_tax):
    lines = _register(world, cfx_tax, 3)
    cfx_tax.behaviour = TaxBehaviour(fail_times=1)
    hr = world.partners["hr_horqin"]
    batch = send_batch(hr, RUN, ndjson(lines)).json()
    batch_worker(container).run_once()
    assert hr.get(f"/v1/batches/{batch['batch_id']}").json()["lines_done"] == 0
