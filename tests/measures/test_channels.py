"""One 86号-12 claim per channel, end to end: each channel's claim in its own idiom (counter coded
fields, national platform head/body, Alipay and WeChat e-card envelopes, the mobile app's
canonical JSON) is decided by the same pipeline with social insurance and HR answering on
loopback, and answered in the idiom with a receipt the published gateway keys verify."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from gateway.storage import tables
from tests.support.exchange import verify_receipt
from tests.support.world import citizen_id

from .channel_support import IDIOMS, claim, person_fields, register_channels
from .test_channel_refusals import refused

CLAIMED_ON = "2026-03-01"


@pytest.fixture
def channels(world, client, admin_headers, clock, container):
    return register_channels(world, client, admin_headers, clock, container)


def decided(channel: str, response) -> dict:
    """The decision inside a channel's reply, as (id, outcome, amount in yuan)."""
    reply = response.json()
    if channel == "counter":
        assert reply["code"] == "0" and reply["message"] == "成功", reply
        data = reply["data"]
        outcome = {"1": "eligible", "2": "refused", "3": "eligible_no_account"}[data["YAD103"]]
        return {"id": data["YAD102"], "outcome": outcome, "amount": data["YAD104"], "subject": data["AAC002"],
                "reasons": [r["YAD107"] for r in data["YAD106"]]}
    if channel == "national_platform":
        assert reply["head"]["retCode"] == "0000", reply
        body = reply["body"]
        outcome = {"01": "eligible", "02": "refused", "03": "eligible_no_account"}[body["auditResult"]]
        return {"id": body["decisionNo"], "outcome": outcome, "amount": body["amount"], "subject": body["aac002"],
                "reasons": [r["reasonCode"] for r in body["reasons"]]}
    if channel in ("alipay", "wechat"):
        assert reply["code"] == "10000", reply
        biz = json.loads(reply["biz_response"])
        return {"id": biz["decision_no"], "outcome": biz["result"].lower(), "amount": biz["amount"],
                "subject": biz["cert_no"], "reasons": [r["code"] for r in biz["reasons"]]}
    return {"id": reply["id"], "outcome": reply["outcome"], "amount": f"{reply['amount_fen'] / 100:.2f}",
            "subject": reply["subject"], "reasons": [r["reason"] for r in reply["reasons"]]}


def stored(container, decision_id: str):
    with container.engine.connect() as conn:
        return conn.execute(select(tables.measure_decisions).where(
            tables.measure_decisions.c.id == decision_id)).mappings().one()
