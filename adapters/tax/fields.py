"""Reading CFX elements strictly, and the value formats of the idiom (pure).

    amounts     2-decimal yuan strings ``"1234.50"`` ⇄ integer fen
    dates       ``yyyyMMdd`` ⇄ ISO ``YYYY-MM-DD``; fee months ``yyyyMM`` ⇄ ``YYYY-MM``

``Block`` reads one element's children against the fields it may have: a missing required
field, an unknown or repeated one, an attribute, or stray text is a ``CfxRejected`` naming the
element path, so no half-read message ever leaves this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from xml.etree.ElementTree import Element

from .errors import CfxRejected

MAX_FEN = 100_000_000_000  # the canonical Fen maximum (1,000,000,000.00 yuan)
_AMOUNT = re.compile(r"(0|[1-9][0-9]{0,9})\.([0-9]{2})")


class Block:
    """The children of ``element``: leaf texts by name, plus repeated child elements."""

    def __init__(self, element: Element, path: str, *, required: Iterable[str],
                 optional: Iterable[str] = (), repeated: Iterable[str] = ()) -> None:
        self.path = path
        required, optional, repeated = set(required), set(optional), set(repeated)
        if element.attrib:
            raise CfxRejected("CFX elements carry no attributes", reason="cfx_unexpected_field",
                              path=path)
        if (element.text or "").strip():
            raise CfxRejected("text is not allowed between fields", reason="cfx_malformed",
                              path=path)
        self._texts: dict[str, str] = {}
        self._lists: dict[str, list[Element]] = {name: [] for name in repeated}
        for child in element:
            name = child.tag
            where = f"{path}/{name}"
            if (child.tail or "").strip():
                raise CfxRejected("text is not allowed between fields", reason="cfx_malformed",
                                  path=where)
            if name in repeated:
                self._lists[name].append(child)
                continue
            if name not in required | optional:
                raise CfxRejected(f"unexpected field {name}", reason="cfx_unexpected_field",
                                  path=where)
            if name in self._texts:
                raise CfxRejected(f"field {name} appears twice", reason="cfx_unexpected_field",
                                  path=where)
            if child.attrib:
                raise CfxRejected("CFX elements carry no attributes",
                                  reason="cfx_unexpected_field", path=where)
            if len(child):
                raise CfxRejected(f"field {name} must hold text only",
                                  reason="cfx_field_invalid", path=where)
            self._texts[name] = child.text or ""
        for name in sorted(required - set(self._texts)):
            raise CfxRejected(f"required field {name} is missing", reason="cfx_missing_field",
                              path=f"{path}/{name}")

    def text(self, name: str, *, max_length: int = 200, min_length: int = 1) -> str:
        value = self._texts[name]
        if not min_length <= len(value) <= max_length:
            self.invalid(name, f"must be {min_length} to {max_length} characters")
        return value

    def optional(self, name: str) -> str | None:
        return self._texts.get(name)

    def has(self, name: str) -> bool:
        return name in self._texts

    def matching(self, name: str, pattern: str, what: str) -> str:
        value = self._texts[name]
        if not re.fullmatch(pattern, value):
            self.invalid(name, f"must be {what}")
        return value

    def coded(self, name: str, table: dict[str, str]) -> str:
        """The canonical value for the code in ``name`` (``table`` maps code → value)."""
        code = self._texts[name]
        if code not in table:
            self.invalid(name, f"unknown code {code!r}; known: {', '.join(sorted(table))}")
        return table[code]

    def children(self, name: str) -> list[Element]:
        return self._lists[name]

    def invalid(self, name: str, detail: str) -> None:
        raise CfxRejected(f"{name} {detail}", reason="cfx_field_invalid",
                          path=f"{self.path}/{name}")


def amount_from_fen(fen: int) -> str:
    if isinstance(fen, bool) or not isinstance(fen, int) or not 0 <= fen <= MAX_FEN:
        raise CfxRejected(f"amount {fen!r} is not a whole number of fen from 0 to {MAX_FEN}",
                          reason="cfx_field_invalid")
    return f"{fen // 100}.{fen % 100:02d}"


def fen_from_amount(block: Block, name: str) -> int:
    match = _AMOUNT.fullmatch(block.optional(name) or "")
    if match is None:
        block.invalid(name, "must be a 2-decimal amount such as 1234.50")
    fen = int(match.group(1)) * 100 + int(match.group(2))
    if fen > MAX_FEN:
        block.invalid(name, "is beyond the largest amount accepted")
    return fen


def compact_date(iso: str) -> str:
    """``YYYY-MM-DD`` → ``yyyyMMdd``."""
    try:
        return dt.date.fromisoformat(iso).strftime("%Y%m%d")
    except (TypeError, ValueError):
        raise CfxRejected(f"{iso!r} is not a date", reason="cfx_field_invalid") from None


def iso_date(block: Block, name: str) -> str:
    text = block.matching(name, r"[0-9]{8}", "a date yyyyMMdd")
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date().isoformat()
    except ValueError:
        block.invalid(name, "is not a calendar date")
        raise  # unreachable: invalid raises


def compact_month(iso: str) -> str:
    """``YYYY-MM`` → ``yyyyMM``."""
    if not isinstance(iso, str) or not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", iso):
        raise CfxRejected(f"{iso!r} is not a fee month", reason="cfx_field_invalid")
    return iso.replace("-", "")


def iso_month(block: Block, name: str) -> str:
    text = block.matching(name, r"[0-9]{4}(0[1-9]|1[0-2])", "a month yyyyMM")
    return f"{text[:4]}-{text[4:]}"
