"""The CFX ``HEAD`` block, the business date, message ids, and the 9120 answer (pure).

WorkDate is the *business* date of the message: the China-time (UTC+8) calendar day on which
the gateway accepted it if that is a working day, else the next working day (a conclusion
accepted on a Saturday belongs to Monday's business, or to the first day after a holiday).

MsgID, 20 digits, fixed when the message is accepted so every retry is the same message and the
tax system can detect duplicates by it::

    WorkDate (8) ‖ last 4 digits of our node code (4) ‖ seconds since China midnight at
    acceptance (5) ‖ SHA-256(message id) mod 1000 (3)

Two messages collide only if our node accepted both in the same second of days sharing a
WorkDate and their ids hash to the same 3 digits. MsgRef equals MsgID on a request and names
the request's MsgID on an answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from gateway.policy.calendar import WorkingDayCalendar

from .codes import BLOCK_NAMES, GENERIC_REPLY_MSGNO
from .errors import CfxRejected
from .fields import Block
from .xml import Node

VERSION = "1.0"
CHINA = dt.timezone(dt.timedelta(hours=8))
NODE = r"[0-9]{12}"
MSG_ID = r"[0-9A-Za-z]{20}"
HEAD_FIELDS = ("VER", "SRC", "DES", "APP", "MsgNo", "MsgID", "MsgRef", "WorkDate")


@dataclass(frozen=True)
class Header:
    src: str
    des: str
    app: str
    msg_no: str
    msg_id: str
    msg_ref: str
    work_date: dt.date
    ver: str = VERSION

    def node(self) -> Node:
        values = (self.ver, self.src, self.des, self.app, self.msg_no, self.msg_id,
                  self.msg_ref, self.work_date.strftime("%Y%m%d"))
        return ("HEAD", list(zip(HEAD_FIELDS, values, strict=True)))


@dataclass(frozen=True)
class Reply9120:
    """The generic answer: ``Result`` for the message ``OriMsgNo`` named by ``header.msg_ref``."""

    header: Header
    ori_msg_no: str
    result: str
    add_word: str = ""
    information: str = ""


def business_date(accepted_at: dt.datetime, calendar: WorkingDayCalendar) -> dt.date:
    """Raises ``CalendarYearUnknown`` past the calendar's last known year."""
    day = accepted_at.astimezone(CHINA).date()
    return day if calendar.is_working_day(day) else calendar.add_working_days(day, 1)


def msg_id(work_date: dt.date, src_node: str, message_id: str, accepted_at: dt.datetime) -> str:
    local = accepted_at.astimezone(CHINA)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    spread = int.from_bytes(hashlib.sha256(message_id.encode("utf-8")).digest()[:8], "big") % 1000
    return f"{work_date:%Y%m%d}{src_node[-4:]}{seconds:05d}{spread:03d}"


def document(header: Header, block: Node) -> Node:
    return ("CFX", [header.node(), ("MSG", [block])])


def read_document(root: Element) -> tuple[Header, Element]:
    """The header and the one business block of a parsed CFX root."""
    if root.tag != "CFX":
        raise CfxRejected(f"the root element is {root.tag}, not CFX", reason="cfx_malformed")
    parts = Block(root, "CFX", required=(), repeated=("HEAD", "MSG"))
    if len(parts.children("HEAD")) != 1 or len(parts.children("MSG")) != 1:
        raise CfxRejected("a CFX document has exactly one HEAD and one MSG",
                          reason="cfx_malformed", path="CFX")
    header = read_header(parts.children("HEAD")[0])
    expected = BLOCK_NAMES.get(header.msg_no)
    if expected is None:
        raise CfxRejected(f"message number {header.msg_no} is not supported",
                          reason="cfx_msgno_unsupported", path="CFX/HEAD/MsgNo")
    body = Block(parts.children("MSG")[0], "CFX/MSG", required=(), repeated=(expected,))
    blocks = body.children(expected)
    if len(blocks) != 1:
        raise CfxRejected(f"MSG must hold exactly one {expected}",
                          reason="cfx_missing_field" if not blocks else "cfx_unexpected_field",
                          path=f"CFX/MSG/{expected}")
    return header, blocks[0]


def read_header(element: Element) -> Header:
    head = Block(element, "CFX/HEAD", required=HEAD_FIELDS)
    try:
        if head.optional("VER") != VERSION:
            head.invalid("VER", f"must be {VERSION}")
        work_date = dt.datetime.strptime(
            head.matching("WorkDate", r"[0-9]{8}", "a date yyyyMMdd"), "%Y%m%d").date()
        return Header(
            src=head.matching("SRC", NODE, "a 12-digit node code"),
            des=head.matching("DES", NODE, "a 12-digit node code"),
            app=head.matching("APP", r"[0-9A-Za-z_]{1,20}", "an application id"),
            msg_no=head.matching("MsgNo", r"[0-9]{4}", "a 4-digit message number"),
            msg_id=head.matching("MsgID", MSG_ID, "20 letters or digits"),
            msg_ref=head.matching("MsgRef", MSG_ID, "20 letters or digits"),
            work_date=work_date)
    except CfxRejected as exc:
        raise CfxRejected(exc.detail, reason="cfx_header_invalid", path=exc.path) from None
    except ValueError:
        raise CfxRejected("WorkDate is not a calendar date", reason="cfx_header_invalid",
                          path="CFX/HEAD/WorkDate") from None


def reply_block(ori_msg_no: str, result: str, add_word: str = "", information: str = "") -> Node:
    return (BLOCK_NAMES[GENERIC_REPLY_MSGNO],
            [("OriMsgNo", ori_msg_no), ("Result", result), ("AddWord", add_word),
             ("Information", information)])


def read_reply(header: Header, element: Element) -> Reply9120:
    path = f"CFX/MSG/{BLOCK_NAMES[GENERIC_REPLY_MSGNO]}"
    block = Block(element, path, required=("OriMsgNo", "Result"),
                  optional=("AddWord", "Information"))
    return Reply9120(
        header=header,
        ori_msg_no=block.matching("OriMsgNo", r"[0-9]{4}", "a 4-digit message number"),
        result=block.matching("Result", r"9[0-9]{4}", "a 5-digit 9xxxx result code"),
        add_word=block.text("AddWord", max_length=60, min_length=0) if block.has("AddWord") else "",
        information=(block.text("Information", max_length=200, min_length=0)
                     if block.has("Information") else ""))
