"""Every bad package gets a front-end reply with RETCOD/ERRMSG and the right HTTP status —
never a 500, never problem+json — and leaves nothing behind: no message, no evidence entry."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from adapters.bank import xml
from gateway.storage import tables
from tests.support.samples import individual_loan

from .conftest import package, reply

GOOD = package("GVLNQUAL", individual_loan(), "BAD-INPUT-1")
HEAD = b'<?xml version="1.0" encoding="GBK"?>\n'
INFO = b"<INFO><FUNNAM>GVLNQUAL</FUNNAM><DATTYP>2</DATTYP><LGNNAM>TLBANK01</LGNNAM></INFO>"

BILLION_LAUGHS = HEAD + b"""<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<CMBSDKPGK>""" + INFO + b"<LNQUALX><CLTNAM>&lol4;</CLTNAM></LNQUALX></CMBSDKPGK>"
EXTERNAL_ENTITY = HEAD + b"""<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CMBSDKPGK>""" + INFO + b"<LNQUALX><CLTNAM>&xxe;</CLTNAM></LNQUALX></CMBSDKPGK>"
EXTERNAL_DTD = HEAD + b'<!DOCTYPE CMBSDKPGK SYSTEM "http://127.0.0.1:9/evil.dtd">' + GOOD[len(HEAD):]


def swap(old: bytes, new: bytes) -> bytes:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


CASES = {
    "billion_laughs": (BILLION_LAUGHS, 400, "-1", "xml_doctype_forbidden"),
    "external_entity": (EXTERNAL_ENTITY, 400, "-1", "xml_doctype_forbidden"),
    "external_dtd": (EXTERNAL_DTD, 400, "-1", "xml_doctype_forbidden"),
    "undeclared_entity": (swap(b"<CLTNAM>", b"<CLTNAM>&xxe;"), 400, "-1", "xml_malformed"),
    "declared_utf8": (GOOD.replace(b'encoding="GBK"', b'encoding="UTF-8"'), 400, "-1", "xml_encoding_wrong"),
    "no_declaration": (GOOD[len(HEAD):], 400, "-1", "xml_encoding_undeclared"),
    "utf8_bom": (b"\xef\xbb\xbf" + GOOD, 400, "-1", "xml_encoding_undeclared"),
    "invalid_gbk_bytes": (swap("张三".encode("gbk"), b"\xff\xfe\x80"), 400, "-1", "xml_not_gbk"),
    "character_outside_gbk": (swap("张三".encode("gbk"), b"&#x1F600;"), 400, "-1", "xml_not_gbk"),
    "not_well_formed": (GOOD[:-5], 400, "-1", "xml_malformed"),
    "wrong_root": (GOOD.replace(b"CMBSDKPGK", b"CFX"), 400, "-1", "xml_structure"),
    "nested_field": (swap(b"<LONTRM>36</LONTRM>", b"<LONTRM><N>36</N></LONTRM>"), 400, "-1", "xml_structure"),
    "repeated_field": (swap(b"<LONTRM>36</LONTRM>", b"<LONTRM>36</LONTRM><LONTRM>12</LONTRM>"), 400, "-1",
                       "xml_structure"),
    "info_not_first": (GOOD.replace(INFO, b"").replace(b"</CMBSDKPGK>", INFO + b"</CMBSDKPGK>"), 400, "-1",
                       "xml_structure"),
    "unknown_function": (swap(b"GVLNQUAL", b"NTQACINF"), 400, "-2", "function_unknown"),
    "wrong_dattyp": (swap(b"<DATTYP>2</DATTYP>", b"<DATTYP>1</DATTYP>"), 400, "-1", "xml_structure"),
    "missing_field": (swap(b"<TRSAMT>150000.00</TRSAMT>", b""), 400, "-2", "field_invalid"),
    "extra_field": (swap(b"<LONTRM>", b"<ABCDEF>1</ABCDEF><LONTRM>"), 400, "-2", "field_invalid"),
    "unknown_block": (swap(b"</CMBSDKPGK>", b"<XYZINFX><A>1</A></XYZINFX></CMBSDKPGK>"), 400, "-2",
                      "field_invalid"),
    "amount_not_yuan": (swap(b"150000.00", b"150000.0"), 400, "-2", "field_invalid"),
    "currency_not_cny": (swap(b"<CCYNBR>10</CCYNBR>", b"<CCYNBR>21</CCYNBR>"), 400, "-2", "field_invalid"),
    "loan_type_code": (swap(b"<LONTYP>1</LONTYP>", b"<LONTYP>individual</LONTYP>"), 400, "-2", "field_invalid"),
    "schema_enum": (swap(b"</CMBSDKPGK>", b"<EXMGRZ><EXMGRD>FRIENDSHIP</EXMGRD></EXMGRZ></CMBSDKPGK>"), 400,
                    "-2", "schema_violation"),
    "empty_body": (b"", 400, None, None),
}


def counts(container) -> tuple[int, int, int]:
    with container.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (tables.messages, tables.message_log, tables.qualifications))


def refused(response, status: int, retcod: str | None, reason: str | None) -> xml.Package:
    assert response.status_code == status, response.content
    answer = reply(response)
    assert answer.blocks == []
    if retcod is not None:
        assert answer.info["RETCOD"] == retcod, answer.info
    if reason is not None:
        assert f"[{reason}]" in answer.info["ERRMSG"], answer.info
    return answer


@pytest.mark.parametrize("name", CASES)
def test_a_bad_package_is_refused_in_the_banks_idiom(name, world, container):
    data, status, retcod, reason = CASES[name]
    before = counts(container)
    response = world.bank.request("POST", "/v1/bank-frontend", body=data, idempotency_key="BAD-INPUT-1",
                                  headers={"Content-Type": "application/xml; charset=GBK"})
    refused(response, status, retcod, reason)
    assert "signature" in response.headers  # a signed refusal: the bank can prove what it was told
    assert counts(container) == before


def test_an_oversize_package_is_413_in_the_banks_idiom(world, container, settings):
    before = counts(container)
    padding = b"<NOTTXT>" + b"x" * settings.max_body_bytes + b"</NOTTXT>"
    data = GOOD.replace(b"</LNQUALX>", padding + b"</LNQUALX>")
    response = world.bank.request("POST", "/v1/bank-frontend", body=data, idempotency_key="BAD-INPUT-1",
                                  headers={"Content-Type": "application/xml; charset=GBK"})
    refused(response, 413, "-8", "body_too_large")
    assert counts(container) == before


def test_the_adapter_refuses_oversize_packages_itself():
    with pytest.raises(xml.BankXmlRefused) as refusal:
        xml.parse(GOOD, max_bytes=len(GOOD) - 1)
    assert refusal.value.status == 413 and refusal.value.reason == "xml_too_large"


def headers_for(world, data: bytes, **changes) -> dict:
    headers = world.bank.sign("POST", "/v1/bank-frontend", data, idempotency_key="BAD-INPUT-1",
                              headers={"Content-Type": "application/xml; charset=GBK"})
    headers.update(changes)
    return {k: v for k, v in headers.items() if v is not None}


@pytest.mark.parametrize("changes, reason", [
    ({"Signature": "sig1=:" + "A" * 86 + "==:"}, None),
    ({"Signature": None, "Signature-Input": None}, None),
    ({"Content-Digest": "sha-256=:" + "A" * 43 + "=:"}, None),
])
def test_a_bad_or_missing_signature_is_refused_in_the_banks_idiom(world, client, container, changes, reason):
    before = counts(container)
    response = client.post("/v1/bank-frontend", content=GOOD, headers=headers_for(world, GOOD, **changes))
    refused(response, 401, "-5", reason)
    assert counts(container) == before


def test_a_body_changed_after_signing_is_refused(world, client, container):
    headers = headers_for(world, GOOD)
    response = client.post("/v1/bank-frontend", content=GOOD.replace(b"150000.00", b"190000.00"), headers=headers)
    refused(response, 401, "-5", None)


def test_the_idempotency_key_is_required(world, client):
    headers = headers_for(world, GOOD)
    headers.pop("Idempotency-Key")
    response = client.post("/v1/bank-frontend", content=GOOD, headers=headers)
    refused(response, 400, "-2", "idempotency_key_missing")  # checked before the signature


def test_a_json_body_is_refused_in_the_banks_idiom(world, container):
    before = counts(container)
    response = world.bank.request("POST", "/v1/bank-frontend", body=b'{"loan_type": "individual"}',
                                  idempotency_key=str(uuid.uuid4()), headers={"Content-Type": "application/json"})
    refused(response, 415, "-1", None)
    assert counts(container) == before


def test_other_endpoints_still_answer_problem_json(world):
    response = world.bank.post("/v1/guarantee-reviews", json={"qualification_id": "nope"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


def test_an_internal_error_is_a_500_in_the_banks_idiom(world, container, monkeypatch):
    from gateway.api.partner import submissions

    def broken(operation, body):
        raise RuntimeError("a bug")

    monkeypatch.setattr(submissions, "submit", broken)
    before = counts(container)
    response = world.bank.request("POST", "/v1/bank-frontend", body=GOOD, idempotency_key="BAD-INPUT-1",
                                  headers={"Content-Type": "application/xml; charset=GBK"})
    answer = refused(response, 500, "-99", "internal_error")
    assert "a bug" not in answer.info["ERRMSG"]
    assert counts(container) == before
