"""CFX documents as bytes: GBK in and out, parsed only by a hardened parser.

Writing: ``render`` turns a tree of (name, text | children) into the declaration plus compact
XML, encodes it as GBK and refuses text GBK cannot carry (never a ``?``) and characters XML 1.0
cannot carry. ``\\r`` is written as ``&#13;`` so that it survives a parser's line-end
normalisation.

Reading: ``parse`` checks, in this order, before any element is built: the size, the XML
declaration (it must be present and say ``GBK``), that the bytes decode as GBK, and that there
is no DOCTYPE, entity declaration or processing instruction; then defusedxml parses the text
(expat cannot decode GBK itself, so it is handed the decoded text). Every failure is a
``CfxRejected`` with its reason; nothing else escapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_tree
from defusedxml import DefusedXmlException

from .errors import CfxRejected

MAX_DOCUMENT_BYTES = 1 << 20  # a CFX message is a few KiB; a MiB is far beyond any of ours
DECLARATION = '<?xml version="1.0" encoding="GBK"?>\n'
_DECLARATION = re.compile(rb'\A<\?xml\s+version\s*=\s*["\']1\.0["\']'
                          rb'(?:\s+encoding\s*=\s*["\']([A-Za-z0-9._-]+)["\'])?'
                          rb'(?:\s+standalone\s*=\s*["\'](?:yes|no)["\'])?\s*\?>')
_FORBIDDEN = re.compile(r"<!DOCTYPE|<!ENTITY|<\?(?!xml\s)", re.IGNORECASE)
# XML 1.0 Char production minus the characters our fields never need (other C0 controls).
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Node = tuple[str, "str | Iterable[Node]"]


def unwritable(text: str) -> str | None:
    """Why ``text`` cannot be written in a CFX document, or None: the tax format's text rule
    (registered with its channel), checked before a message for tax is accepted."""
    bad = _NOT_XML_CHAR.search(text)
    if bad:
        return f"holds U+{ord(bad.group()):04X}, which XML 1.0 cannot carry"
    try:
        text.encode("gbk")
    except UnicodeEncodeError as exc:
        return f"holds {text[exc.start]!r} (U+{ord(text[exc.start]):04X}), which GBK cannot represent"
    return None


def render(root: Node) -> bytes:
    """GBK bytes of the declaration and ``root``; raises ``CfxRejected`` (cfx_not_gbk,
    cfx_field_invalid) for text that cannot travel."""
    parts: list[str] = [DECLARATION]
    _write(root, parts, "")
    text = "".join(parts)
    try:
        return text.encode("gbk")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start:exc.end]
        raise CfxRejected(f"the character {bad!r} (U+{ord(bad[0]):04X}) cannot be written in GBK",
                          reason="cfx_not_gbk", path=_path_at(text, exc.start)) from None


def _write(node: Node, parts: list[str], parent: str) -> None:
    name, content = node
    path = f"{parent}/{name}" if parent else name
    if isinstance(content, str):
        if _NOT_XML_CHAR.search(content):
            raise CfxRejected("control characters cannot be carried in XML",
                              reason="cfx_field_invalid", path=path)
        parts.append(f"<{name}>{_escape(content)}</{name}>")
        return
    if not isinstance(content, (list, tuple)):
        raise CfxRejected(f"{name} must be text, not {type(content).__name__}",
                          reason="cfx_field_invalid", path=path)
    parts.append(f"<{name}>")
    for child in content:
        _write(child, parts, path)
    parts.append(f"</{name}>")


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _path_at(text: str, offset: int) -> str | None:
    """The name of the element whose text holds ``offset`` (for the error's pointer)."""
    start = text.rfind("<", 0, offset)
    end = text.find(">", start)
    return text[start + 1:end] if 0 <= start < end else None


def parse(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Element:
    """The root element of a GBK CFX document (without any trailing signature comment)."""
    if len(data) > max_bytes:
        raise CfxRejected(f"the document has {len(data)} bytes; at most {max_bytes} are accepted",
                          reason="cfx_too_large")
    declared = _DECLARATION.match(data)
    if declared is None:
        raise CfxRejected('the document must start with <?xml version="1.0" encoding="GBK"?>',
                          reason="cfx_encoding_declaration")
    encoding = (declared.group(1) or b"").decode("ascii").upper()
    if encoding != "GBK":
        raise CfxRejected(f"the document declares encoding {encoding or 'none (UTF-8)'!r}; "
                          "CFX documents are GBK", reason="cfx_encoding_declaration")
    try:
        text = data.decode("gbk")
    except UnicodeDecodeError as exc:
        raise CfxRejected(f"the bytes at offset {exc.start} are not GBK",
                          reason="cfx_not_gbk") from None
    if _FORBIDDEN.search(text, len(declared.group(0))):
        raise CfxRejected("DOCTYPE, entity declarations and processing instructions are refused",
                          reason="cfx_forbidden_construct")
    try:
        return safe_tree.fromstring(text, forbid_dtd=True, forbid_entities=True,
                                    forbid_external=True)
    except DefusedXmlException as exc:
        raise CfxRejected(f"refused XML construct: {type(exc).__name__}",
                          reason="cfx_forbidden_construct") from None
    except ParseError as exc:
        raise CfxRejected(f"the document is not well-formed XML ({exc})",
                          reason="cfx_malformed") from None
