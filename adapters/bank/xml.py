"""Reading and writing front-end packages: GBK XML, two levels deep, nothing else.

    parse(data, max_bytes) -> Package     refuses with ``BankXmlRefused`` (400/413, reason xml_*)
    render(info, blocks) -> bytes         GBK bytes; ``TextNotGbk`` for a character GBK lacks

A package is ``<CMBSDKPGK>`` holding blocks (``<INFO>`` first, then business blocks, some
repeated once per row), each holding leaf fields only. Parsing refuses, each with its own
reason: bodies over the limit (``xml_too_large``), a missing or non-GBK encoding declaration
(``xml_encoding_undeclared`` / ``xml_encoding_wrong``), bytes that are not GBK or text GBK
cannot hold (``xml_not_gbk``), any DOCTYPE — so entity expansion and external references
never start (``xml_doctype_forbidden``, ``xml_entities_forbidden``,
``xml_external_reference_forbidden``, via defusedxml) — malformed XML (``xml_malformed``) and
any other shape (``xml_structure``). Characters outside GBK are refused, never replaced: the
bank's systems store GBK, so a ``?`` or a character reference would only move the loss there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from gateway.errors import InvalidInput

ROOT = "CMBSDKPGK"
DECLARATION = b'<?xml version="1.0" encoding="GBK"?>\n'
MAX_BYTES = 1_048_576
ENCODINGS = {"GBK", "GB2312", "CP936"}  # GB2312 is a subset: GBK decoding reads it exactly
_DECLARED = re.compile(rb"""\A<\?xml\s+version\s*=\s*["']1\.[0-9]["']\s+encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class BankXmlRefused(InvalidInput):
    status = 400
    reason = "xml_malformed"

    def __init__(self, detail: str, *, reason: str, status: int = 400) -> None:
        super().__init__(detail, reason=reason, status=status)


class TextNotGbk(InvalidInput):
    status = 422
    reason = "text_not_gbk"


@dataclass(frozen=True)
class Package:
    """The parsed package: INFO's fields, and the business blocks in document order."""

    info: dict[str, str]
    blocks: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def tags(self) -> set[str]:
        return {tag for tag, _ in self.blocks}

    def rows(self, tag: str) -> list[dict[str, str]]:
        return [fields for name, fields in self.blocks if name == tag]


def parse(data: bytes, max_bytes: int = MAX_BYTES) -> Package:
    if len(data) > max_bytes:
        raise BankXmlRefused(f"packages are limited to {max_bytes} bytes", reason="xml_too_large", status=413)
    text = _decoded(data)
    try:
        root = safe_xml.fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise BankXmlRefused("a DOCTYPE is not allowed", reason="xml_doctype_forbidden") from None
    except EntitiesForbidden:
        raise BankXmlRefused("entity declarations are not allowed", reason="xml_entities_forbidden") from None
    except ExternalReferenceForbidden:
        raise BankXmlRefused("external references are not allowed",
                             reason="xml_external_reference_forbidden") from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise BankXmlRefused(f"not well-formed XML at line {line} column {column}",
                             reason="xml_malformed") from None
    return _package(root)


def _decoded(data: bytes) -> str:
    declared = _DECLARED.match(data)
    if declared is None:
        raise BankXmlRefused('the package must start with <?xml version="1.0" encoding="GBK"?>',
                             reason="xml_encoding_undeclared")
    encoding = declared.group(1).decode("ascii").upper()
    if encoding not in ENCODINGS:
        raise BankXmlRefused(f"the package is declared {encoding}; it must be GBK", reason="xml_encoding_wrong")
    try:
        return data.decode("gbk")
    except UnicodeDecodeError as exc:
        raise BankXmlRefused(f"the bytes at offset {exc.start} are not GBK", reason="xml_not_gbk") from None


def _structure(detail: str) -> BankXmlRefused:
    return BankXmlRefused(detail, reason="xml_structure")


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _package(root: Element) -> Package:
    if root.tag != ROOT:
        raise _structure(f"the root element must be <{ROOT}>, not <{root.tag}>")
    if root.attrib or not _blank(root.text):
        raise _structure(f"<{ROOT}> holds blocks only")
    blocks = [(block.tag, _block(block)) for block in root]
    if not blocks or blocks[0][0] != "INFO":
        raise _structure("the first block must be <INFO>")
    if "INFO" in {tag for tag, _ in blocks[1:]}:
        raise _structure("<INFO> may appear once")
    return Package(blocks[0][1], blocks[1:])


def _block(block: Element) -> dict[str, str]:
    if block.attrib or not _blank(block.text) or not _blank(block.tail):
        raise _structure(f"<{block.tag}> holds fields only, without attributes or text")
    fields: dict[str, str] = {}
    for leaf in block:
        where = f"{block.tag}/{leaf.tag}"
        if len(leaf) or leaf.attrib or not _blank(leaf.tail):
            raise _structure(f"{where} must be a plain field")
        if leaf.tag in fields:
            raise _structure(f"{where} appears twice in one block")
        value = (leaf.text or "").strip()
        try:
            value.encode("gbk")
        except UnicodeEncodeError:
            raise BankXmlRefused(f"{where} holds a character GBK cannot represent",
                                 reason="xml_not_gbk") from None
        fields[leaf.tag] = value
    return fields


Fields = list[tuple[str, str]]


def render(info: Fields, blocks: list[tuple[str, Fields]], *, lenient: bool = False) -> bytes:
    """The package's GBK bytes. ``lenient`` (error replies only, which must always render)
    spells a character GBK lacks as ``U+XXXX`` instead of refusing."""
    if not lenient:
        _refuse_control_characters(info, blocks)
    parts = [f"<{ROOT}>", _render_block("INFO", info)]
    parts += [_render_block(tag, fields) for tag, fields in blocks]
    parts.append(f"</{ROOT}>")
    text = "".join(parts)
    try:
        return DECLARATION + text.encode("gbk")
    except UnicodeEncodeError:
        if lenient:  # spelled out as U+XXXX: still GBK, still readable by the bank
            return DECLARATION + "".join(_gbk_or_codepoint(c) for c in text).encode("gbk")
        raise TextNotGbk(_first_unencodable(info, blocks)) from None


def _render_block(tag: str, fields: Fields) -> str:
    return f"<{tag}>" + "".join(f"<{name}>{_escape(value)}</{name}>" for name, value in fields) + f"</{tag}>"


def _escape(value: str) -> str:
    value = _CONTROL.sub(" ", value)  # XML 1.0 cannot carry them at all (lenient replies only)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UNWRITABLE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")  # _CONTROL and \r (refused outbound)


def unwritable(text: str) -> str | None:
    """Why ``text`` cannot be written in a package, or None: the bank format's text rule
    (registered with its channel), checked before a message for a bank is accepted."""
    bad = _UNWRITABLE.search(text)
    if bad:
        return f"holds U+{ord(bad.group()):04X}, which a package cannot carry"
    try:
        text.encode("gbk")
    except UnicodeEncodeError as exc:
        return f"holds {text[exc.start]!r} (U+{ord(text[exc.start]):04X}), which GBK cannot represent"
    return None


def _refuse_control_characters(info: Fields, blocks: list[tuple[str, Fields]]) -> None:
    for tag, fields in [("INFO", info), *blocks]:
        for name, value in fields:
            if _CONTROL.search(value) or "\r" in value:
                raise TextNotGbk(f"{tag}/{name} holds a control character XML cannot carry")


def _gbk_or_codepoint(char: str) -> str:
    try:
        char.encode("gbk")
        return char
    except UnicodeEncodeError:
        return f"U+{ord(char):04X}"


def _first_unencodable(info: Fields, blocks: list[tuple[str, Fields]]) -> str:
    for tag, fields in [("INFO", info), *blocks]:
        for name, value in fields:
            try:
                value.encode("gbk")
            except UnicodeEncodeError as exc:
                return f"{tag}/{name} holds {value[exc.start]!r}, which GBK cannot represent"
    return "a character GBK cannot represent"
