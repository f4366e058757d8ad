"""The fixed inputs of the tax golden files, and how the files were made.

    tests/fixtures/tax/gateway-sm2-test.key    test-only SM2 key playing the gateway
    tests/fixtures/tax/tax-sm2-test.key        test-only SM2 key playing the tax system
    tests/fixtures/tax/deferral-conclusion-3101.xml   CONCLUSION as the gateway sends it
    tests/fixtures/tax/reply-9120.xml          the tax system's signed 90000 answer to it

SM2 signatures are randomised, so regenerating changes the signature comments; the tests
compare the signed bytes exactly and verify the signatures. Regenerate only on purpose
(``python -m tests.adapters.tax.golden``) and review the diff: it is the wire format.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from adapters.tax.header import Header, document, reply_block
from adapters.tax.messages import conclusion_header, signed_conclusion
from adapters.tax.settings import TaxSettings
from adapters.tax.signature import sign_document
from adapters.tax.xml import render
from gateway.gmcrypto import Sm2PrivateKey
from gateway.policy.calendar import WorkingDayCalendar

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "tax"
SETTINGS = TaxSettings(src_node="100000000000", des_node="615050000001", sm2_keyid="tax-sm2-test")
MESSAGE_ID = "7f0c2d9e-5b1a-4c3e-9d2f-0a1b2c3d4e5f"
ACCEPTED_AT = dt.datetime(2022, 10, 13, 1, 30, 5, tzinfo=dt.UTC)  # 09:30:05 in China, Thursday
CONCLUSION = {
    "enterprise": {"credit_code": "91150502MA0Q5K7A9L", "name": "通辽市科尔沁区草原人家餐饮有限公司",
                   "industry": "catering", "size_class": "small", "severely_affected_area": False,
                   "headcount": 23},
    "insurance": [
        {"type": "pension", "fee_period_from": "2022-09", "fee_period_to": "2022-12",
         "deferred_until": "2022-12-31", "deferred_amount_fen": 4_520_000},
        {"type": "unemployment", "fee_period_from": "2022-09", "fee_period_to": "2023-08",
         "deferred_until": "2023-08-31", "deferred_amount_fen": 1_234_500},
    ],
    "application_date": "2022-09-29",
    "decision_date": "2022-10-13",
    "decision": {"outcome": "approved"},
    "issuing_office": {"name": "通辽市社会保险事业服务中心", "division_code": "150500"},
    "deferred_amount_fen": 5_754_500,
}
REPLY_MSG_ID = "20221013500100000001"


@functools.cache
def gateway_key() -> Sm2PrivateKey:
    return Sm2PrivateKey.from_pem((FIXTURES / "gateway-sm2-test.key").read_text())


@functools.cache
def tax_key() -> Sm2PrivateKey:
    return Sm2PrivateKey.from_pem((FIXTURES / "tax-sm2-test.key").read_text())


def conclusion_header_fixed() -> Header:
    return conclusion_header(MESSAGE_ID, ACCEPTED_AT, SETTINGS, WorkingDayCalendar())


def reply_header(request: Header) -> Header:
    return Header(src=SETTINGS.des_node, des=SETTINGS.src_node, app=request.app, msg_no="9120",
                  msg_id=REPLY_MSG_ID, msg_ref=request.msg_id, work_date=request.work_date)


def unsigned_reply(request: Header) -> bytes:
    return render(document(reply_header(request), reply_block("3101", "90000", "", "处理成功")))


def regenerate() -> None:
    header = conclusion_header_fixed()
    outgoing = signed_conclusion(header, CONCLUSION, gateway_key(), SETTINGS)
    (FIXTURES / "deferral-conclusion-3101.xml").write_bytes(outgoing.document)
    reply = sign_document(unsigned_reply(header), tax_key(), SETTINGS.sm2)
    (FIXTURES / "reply-9120.xml").write_bytes(reply)


if __name__ == "__main__":
    regenerate()
