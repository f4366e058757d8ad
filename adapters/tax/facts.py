"""Fact queries in the CFX idiom (86号-6 比对): what employers actually paid in unemployment
premiums, asked of the tax system in bulk.

    3201 PremiumQuery3201   {Year, Count, CorpList/Corp/CorpCode …}           gateway → tax
    1201 PremiumReturn1201  {Year, Count, CorpList/Corp/{CorpCode, CorpPaidAmt, StaffPaidAmt}}

Both are signed with SM2 inside the document like every CFX message; the return's MsgRef is
the query's MsgID. An employer tax has no record of is left out of the return. The reading and
writing halves are pure (the simulator uses them too); ``CfxFacts`` adds the HTTP exchange.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import requests

from gateway.domain.partners import Partner
from gateway.errors import GovgateError, InvalidInput, Unavailable
from gateway.gmcrypto import Sm2PrivateKey, Sm2PublicKey, Sm2Settings

from .codes import PREMIUM_QUERY_MSGNO, PREMIUM_RETURN_MSGNO
from .errors import CfxRejected
from .fields import Block, amount_from_fen, fen_from_amount
from .header import CHINA, Header, document, msg_id
from .messages import read_signed
from .settings import TaxSettings, validate_settings
from .signature import sign_document
from .xml import render

KIND = "unemployment_premiums"
CONTENT_TYPE = "application/xml; charset=GBK"
MAX_RETURN_BYTES = 8 << 20  # 1,000 employers a query, with room to spare
CREDIT_CODE = r"[0-9A-HJ-NPQRTUWXY]{18}"


def query_document(header: Header, year: int, credit_codes: list[str]) -> bytes:
    corps = [("Corp", [("CorpCode", code)]) for code in credit_codes]
    block = ("PremiumQuery3201", [("Year", str(year)), ("Count", str(len(corps))), ("CorpList", corps)])
    return render(document(header, block))


def read_query(data: bytes, key: Sm2PublicKey, sm2: Sm2Settings) -> tuple[Header, int, list[str]]:
    header, element = read_signed(data, key, sm2)
    if header.msg_no != PREMIUM_QUERY_MSGNO:
        raise CfxRejected(f"expected {PREMIUM_QUERY_MSGNO}", reason="cfx_msgno_unsupported",
                          path="CFX/HEAD/MsgNo")
    year, corps = _listed(element, "CFX/MSG/PremiumQuery3201")
    return header, year, [Block(c, "Corp", required=("CorpCode",)).matching(
        "CorpCode", CREDIT_CODE, "a credit code") for c in corps]


def return_document(header: Header, year: int, paid: dict[str, tuple[int, int]]) -> bytes:
    corps = [("Corp", [("CorpCode", code), ("CorpPaidAmt", amount_from_fen(corp)),
                       ("StaffPaidAmt", amount_from_fen(staff))]) for code, (corp, staff) in paid.items()]
    block = ("PremiumReturn1201", [("Year", str(year)), ("Count", str(len(corps))), ("CorpList", corps)])
    return render(document(header, block))


def read_return(data: bytes, key: Sm2PublicKey, sm2: Sm2Settings) -> tuple[Header, int, dict[str, dict]]:
    header, element = read_signed(data, key, sm2, max_bytes=MAX_RETURN_BYTES)
    if header.msg_no != PREMIUM_RETURN_MSGNO:
        raise CfxRejected(f"expected {PREMIUM_RETURN_MSGNO}", reason="cfx_msgno_unsupported",
                          path="CFX/HEAD/MsgNo")
    year, corps = _listed(element, "CFX/MSG/PremiumReturn1201")
    found = {}
    for i, corp in enumerate(corps):
        block = Block(corp, f"Corp[{i}]", required=("CorpCode", "CorpPaidAmt", "StaffPaidAmt"))
        code = block.matching("CorpCode", CREDIT_CODE, "a credit code")
        if code in found:
            block.invalid("CorpCode", "appears twice")
        found[code] = {"employer_paid_fen": fen_from_amount(block, "CorpPaidAmt"),
                       "staff_paid_fen": fen_from_amount(block, "StaffPaidAmt")}
    return header, year, found


def _listed(element, path: str) -> tuple[int, list]:
    block = Block(element, path, required=("Year", "Count"), repeated=("CorpList",))
    year = int(block.matching("Year", r"[0-9]{4}", "a year"))
    lists = block.children("CorpList")
    if len(lists) != 1:
        raise CfxRejected("exactly one CorpList", reason="cfx_malformed", path=f"{path}/CorpList")
    corps = Block(lists[0], f"{path}/CorpList", required=(), repeated=("Corp",)).children("Corp")
    if int(block.matching("Count", r"[0-9]{1,6}", "a count")) != len(corps):
        block.invalid("Count", "does not match the Corp elements")
    return year, corps


class CfxFacts:
    """The measures' ``FactsSource`` for tax partners of format ``tax_cfx``."""

    def __init__(self, gateway_key: Callable[[], Sm2PrivateKey],
                 partner_key: Callable[[str, str], Sm2PublicKey], clock, *,
                 timeout: tuple[float, float], session_factory=requests.Session) -> None:
        self._gateway_key, self._partner_key, self._clock = gateway_key, partner_key, clock
        self._timeout, self._session = timeout, session_factory()

    def facts(self, partner: Partner, kind: str, year: int, subjects: list[str]) -> dict[str, dict]:
        if kind != KIND:
            raise Unavailable(f"the tax CFX format carries no {kind!r} facts", reason="facts_kind_unsupported",
                              retry_after=3600)
        try:
            settings = TaxSettings.from_dict(validate_settings(dict(partner.format_settings)))
            reply_key = self._partner_key(partner.id, settings.sm2_keyid)
        except (InvalidInput, GovgateError) as exc:
            raise Unavailable(f"tax partner {partner.id} cannot be asked: {exc.detail}",
                              reason="facts_channel_misconfigured", retry_after=3600) from exc
        now = self._clock()
        work_date = now.astimezone(CHINA).date()
        ident = msg_id(work_date, settings.src_node, str(uuid.uuid4()), now)
        header = Header(settings.src_node, settings.des_node, settings.app, PREMIUM_QUERY_MSGNO,
                        ident, ident, work_date)
        signed = sign_document(query_document(header, year, subjects), self._gateway_key(), settings.sm2)
        body = self._post(partner, signed)
        try:
            answer, answered_year, found = read_return(body, reply_key, settings.sm2)
            if answer.msg_ref != ident or answered_year != year:
                raise CfxRejected("the return answers another query", reason="cfx_reply_mismatch")
            if set(found) - set(subjects):
                raise CfxRejected("the return names employers not asked about", reason="cfx_reply_mismatch")
        except CfxRejected as exc:
            raise Unavailable(f"tax system {partner.id} gave a return the gateway cannot trust "
                              f"({exc.reason})", reason="facts_answer_invalid", retry_after=60) from exc
        return found

    def _post(self, partner: Partner, document_bytes: bytes) -> bytes:
        try:
            response = self._session.post(partner.endpoint_url, data=document_bytes, timeout=self._timeout,
                                          headers={"Content-Type": CONTENT_TYPE}, allow_redirects=False)
        except requests.Timeout:
            raise Unavailable(f"tax system {partner.id} did not answer in time", reason="facts_timeout",
                              status=504, retry_after=30) from None
        except requests.RequestException:
            raise Unavailable(f"tax system {partner.id} is unreachable", reason="facts_unreachable",
                              retry_after=60) from None
        if response.status_code != 200 or len(response.content) > MAX_RETURN_BYTES:
            raise Unavailable(f"tax system {partner.id} answered {response.status_code}",
                              reason="facts_unavailable", retry_after=60)
        return response.content
