"""Whole CFX messages: an outgoing deferral conclusion, signed; a signed answer, checked (pure).

Composes the header, the business mapping, the GBK writer/parser and the detached signature;
the channel adds only the HTTP exchange. The tax simulator uses the reading half of each pair.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gateway.gmcrypto import Sm2PrivateKey, Sm2PublicKey, Sm2Settings
from gateway.policy.calendar import WorkingDayCalendar

from .codes import DEFERRAL_CONCLUSION_MSGNO, GENERIC_REPLY_MSGNO
from .errors import CfxRejected
from .header import (
    Header,
    Reply9120,
    business_date,
    document,
    msg_id,
    read_document,
    read_reply,
)
from .mapping import conclusion_block, conclusion_from_block
from .settings import TaxSettings
from .signature import sign_document, verify_document
from .xml import MAX_DOCUMENT_BYTES, parse, render


@dataclass(frozen=True)
class Outgoing:
    header: Header
    document: bytes  # signed GBK bytes, identical on every attempt


def conclusion_header(message_id: str, accepted_at: dt.datetime, settings: TaxSettings,
                      calendar: WorkingDayCalendar) -> Header:
    work_date = business_date(accepted_at, calendar)
    ident = msg_id(work_date, settings.src_node, message_id, accepted_at)
    return Header(src=settings.src_node, des=settings.des_node, app=settings.app,
                  msg_no=DEFERRAL_CONCLUSION_MSGNO, msg_id=ident, msg_ref=ident,
                  work_date=work_date)


def unsigned_conclusion(header: Header, payload: dict[str, Any]) -> bytes:
    return render(document(header, conclusion_block(payload)))


def signed_conclusion(header: Header, payload: dict[str, Any], key: Sm2PrivateKey,
                      settings: TaxSettings) -> Outgoing:
    """Raises ``CfxRejected`` when the payload cannot be written as a CFX conclusion."""
    return Outgoing(header, sign_document(unsigned_conclusion(header, payload), key, settings.sm2))


def read_signed(data: bytes, key: Sm2PublicKey, sm2: Sm2Settings, *,
                max_bytes: int = MAX_DOCUMENT_BYTES):
    """``(header, business element)`` of a signed CFX document, checked in the order that
    refuses cheapest first: size, signature, then the XML itself."""
    if len(data) > max_bytes:
        raise CfxRejected(f"the document has {len(data)} bytes; at most {max_bytes} are accepted",
                          reason="cfx_too_large")
    signed = verify_document(data, key, sm2)
    return read_document(parse(signed, max_bytes=max_bytes))


def read_conclusion(data: bytes, key: Sm2PublicKey, sm2: Sm2Settings) -> tuple[Header, dict]:
    header, element = read_signed(data, key, sm2)
    if header.msg_no != DEFERRAL_CONCLUSION_MSGNO:
        raise CfxRejected(f"expected message {DEFERRAL_CONCLUSION_MSGNO}, got {header.msg_no}",
                          reason="cfx_msgno_unsupported", path="CFX/HEAD/MsgNo")
    return header, conclusion_from_block(element)


def read_signed_reply(data: bytes, key: Sm2PublicKey, sm2: Sm2Settings) -> Reply9120:
    header, element = read_signed(data, key, sm2)
    if header.msg_no != GENERIC_REPLY_MSGNO:
        raise CfxRejected(f"expected the generic answer {GENERIC_REPLY_MSGNO}, got "
                          f"{header.msg_no}", reason="cfx_msgno_unsupported", path="CFX/HEAD/MsgNo")
    return read_reply(header, element)


def check_reply_matches(reply: Reply9120, sent: Header) -> str | None:
    """None if ``reply`` answers ``sent`` between the same two nodes, else what differs."""
    got = reply.header
    if got.msg_ref != sent.msg_id:
        return f"the answer's MsgRef {got.msg_ref} is not our MsgID {sent.msg_id}"
    if reply.ori_msg_no != sent.msg_no:
        return f"the answer is for message {reply.ori_msg_no}, not {sent.msg_no}"
    if (got.src, got.des) != (sent.des, sent.src):
        return f"the answer comes from node {got.src} to {got.des}, not {sent.des} to {sent.src}"
    return None
