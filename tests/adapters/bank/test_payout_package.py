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


PEOPLE = {
    "payout_batch_id": "b2", "measure": "86号-12", "year": 2026, "division_code": "150502",
    "currency": "CNY", "line_count": 2, "total_fen": 2 * 193_000,
    "lines": [
        {"reference": "d1#1", "decision_id": "d1", "measure": "86号-12", "amount_fen": 193_000,
         "payee": {"citizen_id": "150502199001010010", "name": "张三", "account_kind": "social_security_card",
                   "account_source": "social_insurance", "bank_name": "中国工商银行鄂尔多斯分行",
                   "account_number": "6222020603001234567", "account_name": "张三"}},
        {"reference": "d2#1", "decision_id": "d2", "measure": "86号-12", "amount_fen": 193_000,
         "payee": {"citizen_id": "15050219900101002X", "name": "李四", "account_kind": "bank_account",
                   "account_source": "claim", "bank_name": "中国农业银行通辽分行",
                   "account_number": "6228480000000000009", "account_name": "李四"}},
    ],
}


def test_a_persons_line_carries_the_citizen_id_and_the_account_kind():
    message = OutgoingMessage("b2", "payout_instructions", "11150500000001046Y", PEOPLE,
                              dt.datetime(2026, 10, 2, 9, 0, tzinfo=dt.UTC))
    parsed = xml.parse(package(message, BANK))
    rows = [row for tag, row in parsed.blocks if tag == "PAYLINZ"]
    assert [(r["CLTNBR"], r["ACCKND"], r["ACCSRC"]) for r in rows] == [
        ("150502199001010010", "2", "SOCIAL_INSURANCE"), ("15050219900101002X", "1", "CLAIM")]
    assert all("CRDCOD" not in r for r in rows)  # a person has no credit code
    payload, _ = mapping.from_package(mapping.PAYOUT_INSTRUCTIONS, parsed)
    assert payload["lines"] == PEOPLE["lines"]


def test_an_employers_line_has_no_person_fields():
    message = OutgoingMessage("b1", "payout_instructions", "11150500000001046Y", PAYLOAD,
                              dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    rows = [row for tag, row in xml.parse(package(message, BANK)).blocks if tag == "PAYLINZ"]
    assert all("CLTNBR" not in r and "ACCKND" not in r and r["CRDCOD"] for r in rows)
