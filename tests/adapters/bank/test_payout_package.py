"""GVPAYINS: a payout batch written as a bank front-end package, and read back unchanged."""

from __future__ import annotations

import datetime as dt

from adapters.bank import mapping, xml
from adapters.bank.channel import package
from gateway.delivery.ports import OutgoingMessage
from gateway.domain.partners import Partner, Role

BANK = Partner("91150500MA0000004X", "通辽测试银行", frozenset({Role.BANK}), "150500",
               "https://bank.example.cn/front", "bank_frontend", {"lgnnam": "TLBANK01"})

PAYLOAD = {
    "payout_batch_id": "b1", "measure": "86号-6", "year": 2022, "division_code": "150502",
    "currency": "CNY", "line_count": 2, "total_fen": 1_800_050,
    "lines": [
        {"reference": "run.1#1", "decision_id": "run.1", "measure": "86号-6", "amount_fen": 900_000,
         "payee": {"credit_code": "91150500000000019M", "name": "通辽市测试企业1有限公司",
                   "bank_name": "中国农业银行通辽分行", "account_number": "6228480000000000001",
                   "account_name": "通辽市测试企业1有限公司"}},
        {"reference": "run.2#2", "decision_id": "run.2", "measure": "86号-6", "amount_fen": 900_050,
         "payee": {"credit_code": "91150500000000027F", "name": "通辽市测试企业2有限公司",
                   "bank_name": "中国农业银行通辽分行", "account_number": "6228480000000000002",
                   "account_name": "通辽市测试企业2有限公司"}},
    ],
}


def test_payout_instructions_round_trip_through_the_package():
    message = OutgoingMessage("b1", "payout_instructions", "11150500000001046Y", PAYLOAD,
                              dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    data = package(message, BANK)
    parsed = xml.parse(data)
    assert parsed.info["FUNNAM"] == "GVPAYINS"
    rows = [row for tag, row in parsed.blocks if tag == "PAYLINZ"]
    assert [r["REFNBR"] for r in rows] == ["run.1#1", "run.2#2"] and rows[1]["TRSAMT"] == "9000.50"
    payload, envelope = mapping.from_package(mapping.PAYOUT_INSTRUCTIONS, parsed)
    assert payload == {k: v for k, v in PAYLOAD.items() if k not in ("payout_batch_id", "currency")}
    assert envelope["YURREF"] == "b1"
