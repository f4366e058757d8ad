"""Hostile and broken CFX documents: each one a CfxRejected with its reason, nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.tax import codes
from adapters.tax.errors import REASONS, CfxRejected
from adapters.tax.messages import read_conclusion, read_signed_reply
from adapters.tax.signature import sign_document, split_signed

from .golden import FIXTURES, SETTINGS, gateway_key, tax_key

GOLDEN = (FIXTURES / "deferral-conclusion-3101.xml").read_bytes()
SIGNED, _ = split_signed(GOLDEN)
DECLARATION = b'<?xml version="1.0" encoding="GBK"?>\n'


def signed(unsigned: bytes) -> bytes:
    return sign_document(unsigned, gateway_key(), SETTINGS.sm2)


def edited(old: bytes, new: bytes) -> bytes:
    """The golden conclusion with one edit, correctly signed (so the content is what fails)."""
    assert old in SIGNED
    return signed(SIGNED.replace(old, new, 1))


def read(document: bytes):
    return read_conclusion(document, gateway_key().public_key(), SETTINGS.sm2)


def refusal(document: bytes) -> CfxRejected:
    with pytest.raises(CfxRejected) as refused:
        read(document)
    return refused.value


BILLION_LAUGHS = DECLARATION + b"""<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<CFX>&lol3;</CFX>"""
EXTERNAL_ENTITY = DECLARATION + b"""<!DOCTYPE CFX [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CFX><HEAD>&xxe;</HEAD></CFX>"""


@pytest.mark.parametrize(("document", "reason"), [
    (signed(BILLION_LAUGHS), "cfx_forbidden_construct"),
    (signed(EXTERNAL_ENTITY), "cfx_forbidden_construct"),
    (signed(DECLARATION + b"<!DOCTYPE CFX><CFX/>".replace(b"<CFX/>", b"<CFX></CFX>")),
     "cfx_forbidden_construct"),
    (edited(b"<CFX>", b'<?xml-stylesheet href="x"?><CFX>'), "cfx_forbidden_construct"),
    (signed(SIGNED.replace(b'encoding="GBK"', b'encoding="UTF-8"')), "cfx_encoding_declaration"),
    (signed(SIGNED[len(DECLARATION):]), "cfx_encoding_declaration"),
    (signed(SIGNED.replace("草原".encode("gbk"), b"\x81\x20")), "cfx_not_gbk"),
    (signed(SIGNED.replace("草原".encode("gbk"), b"\xff\xfe\x80")), "cfx_not_gbk"),
    (edited(b"</HEAD>", b"</HEAD"), "cfx_malformed"),
    (signed(DECLARATION + b"<TIPS></TIPS><!-- --></CFX>"), "cfx_malformed"),
    (edited(b"<CorpScale>3</CorpScale>", b""), "cfx_missing_field"),
    (edited(b"<CorpScale>3</CorpScale>", b"<CorpScale>3</CorpScale><Bonus>1</Bonus>"),
     "cfx_unexpected_field"),
    (edited(b"<CorpScale>3</CorpScale>", b"<CorpScale>3</CorpScale><CorpScale>3</CorpScale>"),
     "cfx_unexpected_field"),
    (edited(b"<CorpScale>", b'<CorpScale kind="x">'), "cfx_unexpected_field"),
    (edited(b"<CorpScale>3", b"<CorpScale>8"), "cfx_field_invalid"),
    (edited(b"<DeferAmt>57545.00", b"<DeferAmt>57545.5"), "cfx_field_invalid"),
    (edited(b"<DetailNum>2", b"<DetailNum>3"), "cfx_field_invalid"),
    (edited(b"<ApplyDate>20220929", b"<ApplyDate>20220230"), "cfx_field_invalid"),
    (edited(b"<SRC>100000000000", b"<SRC>1000"), "cfx_header_invalid"),
    (edited(b"<MsgNo>3101", b"<MsgNo>3999"), "cfx_msgno_unsupported"),
    (SIGNED, "cfx_signature_missing"),
    (GOLDEN + b"<extra/>", "cfx_signature_missing"),
    (SIGNED + b"<!--not base64!-->", "cfx_signature_missing"),
    (SIGNED + b"<!--QUJD-->", "cfx_signature_invalid"),
    (GOLDEN.replace("草原".encode("gbk"), "沙漠".encode("gbk")), "cfx_signature_invalid"),
    (sign_document(SIGNED, tax_key(), SETTINGS.sm2), "cfx_signature_invalid"),
    (DECLARATION + b"<CFX>" + b" " * (1 << 20) + b"</CFX><!--QUJD-->", "cfx_too_large"),
])
def test_each_bad_document_gets_its_documented_reason(document, reason):
    refused = refusal(document)
    assert refused.reason == reason
    assert refused.status == 422 and refused.detail
    assert reason in codes.RESULT_FOR_REJECTION  # the tax idiom has a Result code for it


def test_a_refusal_names_the_field_at_fault():
    refused = refusal(edited(b"<CorpScale>3", b"<CorpScale>8"))
    assert refused.path == "CFX/MSG/DeferralConclusion3101/CorpScale"
    assert refused.errors[0].pointer == "/CFX/MSG/DeferralConclusion3101/CorpScale"


def test_a_signature_made_under_another_user_id_does_not_verify():
    from gateway.gmcrypto import Sm2Settings

    other = sign_document(SIGNED, gateway_key(), Sm2Settings(user_id=b"ALICE123"))
    assert refusal(other).reason == "cfx_signature_invalid"


def test_a_reply_that_is_a_conclusion_is_not_an_answer():
    with pytest.raises(CfxRejected) as refused:
        read_signed_reply(GOLDEN, gateway_key().public_key(), SETTINGS.sm2)
    assert refused.value.reason == "cfx_msgno_unsupported"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_are_refused_with_a_reason(data):
    with pytest.raises(CfxRejected) as refused:
        read(data)
    assert refused.value.reason in REASONS


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(SIGNED) - len(b"</CFX>") - 1), st.binary(min_size=1, max_size=8))
def test_corrupted_but_signed_documents_never_escape_the_error_tree(position, junk):
    document = signed(SIGNED[:position] + junk + SIGNED[position + 1:])
    try:
        read(document)
    except CfxRejected as refused:
        assert refused.reason in REASONS
