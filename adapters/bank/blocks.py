"""The machinery of mapping.py's tables: codecs, fields, blocks, and the three walks over them.

    encode(blocks, message, envelope) -> [(block tag, [(field tag, text)])]
    decode(blocks, package) -> (message, envelope)     raises FieldsRefused (400, field_invalid)
    locate(blocks, pointer) -> "PTNINFZ[2]/CLTNBR"     a canonical JSON Pointer in the bank's terms

A ``Block`` sits at a path of the canonical message (``()`` the message itself; a path ending
in ``"*"`` a list, one block per item); a ``Field`` maps one leaf tag to a key path inside its
block's object (``()``: the item itself, for lists of strings). Fields without a key are the
package's envelope (``envelope=True``: YURREF, sender, time) or constants (CCYNBR).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.errors import FieldError, InvalidInput

from . import codes


class FieldsRefused(InvalidInput):
    status = 400
    reason = "field_invalid"


class Bad(ValueError):
    """A codec's refusal of one field's text."""


@dataclass(frozen=True)
class Codec:
    name: str  # as documented in mapping.py's table
    to_xml: Callable[[Any], str]
    from_xml: Callable[[str], Any]


def _matching(pattern: str, what: str) -> Callable[[str], str]:
    compiled = re.compile(pattern)

    def check(text: str) -> str:
        if not compiled.fullmatch(text):
            raise Bad(f"must be {what}")
        return text

    return check


def _yuan(fen: int) -> str:
    sign, fen = ("-", -fen) if fen < 0 else ("", fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def _fen(text: str) -> int:
    yuan, cents = _matching(r"[0-9]{1,13}\.[0-9]{2}", "an amount in yuan with 2 decimals")(text).split(".")
    return int(yuan) * 100 + int(cents)


def _date(text: str) -> str:
    _matching(r"[0-9]{8}", "a date yyyyMMdd")(text)
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        raise Bad("is not a calendar date") from None


def _code(table: dict[str, str], what: str) -> Codec:
    back = {value: code for code, value in table.items()}

    def from_xml(text: str) -> str:
        if text not in table:
            raise Bad(f"must be one of {', '.join(table)} ({what})")
        return table[text]

    return Codec("code " + "/".join(f"{c}={v}" for c, v in table.items()), lambda v: back[v], from_xml)


def _flag(text: str) -> bool:
    if text not in codes.FLAGS:
        raise Bad("must be Y or N")
    return codes.FLAGS[text]


def _currency(text: str) -> None:
    if text != codes.CNY:
        raise Bad(f"must be {codes.CNY} (CNY)")


TEXT = Codec("text", str, lambda text: text)
INT = Codec("integer", str, lambda text: int(_matching(r"-?[0-9]{1,12}", "a whole number")(text)))
YUAN = Codec("yuan, 2 decimals ↔ fen", _yuan, _fen)
DATE = Codec("yyyyMMdd ↔ YYYY-MM-DD", lambda iso: dt.date.fromisoformat(iso).strftime("%Y%m%d"), _date)
FLAG = Codec("Y/N ↔ true/false", lambda v: "Y" if v else "N", _flag)
SLUG = Codec("canonical slug upper-cased", str.upper,
             lambda text: _matching(r"[A-Z0-9_]{1,64}", "an upper-case code")(text).lower())
SLUGS = Codec("slugs upper-cased, comma-separated", lambda values: ",".join(v.upper() for v in values),
              lambda text: [SLUG.from_xml(part) for part in text.split(",")] if text else [])
QUARTER = Codec("yyyyQn ↔ YYYY-Qn", lambda period: period.replace("-", ""),
                lambda text: _matching(r"[0-9]{4}Q[1-4]", "a quarter yyyyQn")(text)[:4] + "-" + text[4:])
CURRENCY = Codec("constant 10 (CNY)", lambda _: codes.CNY, _currency)
LOAN_TYPE = _code(codes.LOAN_TYPES, "loan type")
GUARANTEE_OUTCOME = _code(codes.GUARANTEE_OUTCOMES, "guarantee outcome")
SUBSIDY_OUTCOME = _code(codes.SUBSIDY_OUTCOMES, "line outcome")
ACCOUNT_KIND = _code(codes.ACCOUNT_KINDS, "account kind")


@dataclass(frozen=True)
class Field:
    tag: str
    key: tuple[str, ...] | None  # None: an envelope field or a constant
    codec: Codec = TEXT
    optional: bool = False  # may be absent (absent ↔ key absent, or None if ``nullable``)
    nullable: bool = False  # None ↔ the field absent
    envelope: bool = False  # YURREF & co.: kept apart from the canonical message
    meaning: str = ""


@dataclass(frozen=True)
class Block:
    tag: str
    at: tuple[str, ...]  # () the message; (..., "*") one block per list item
    fields: tuple[Field, ...]
    optional: bool = False  # a single block that may be absent (its object absent)
    always: bool = False  # a list that is present (maybe empty) whenever its parent is
    meaning: str = ""

    @property
    def rows(self) -> bool:
        return bool(self.at) and self.at[-1] == "*"


_MISSING = object()


def _get(obj: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return _MISSING
        obj = obj[key]
    return obj


def _set(obj: dict, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        obj = obj.setdefault(key, {})
    obj[path[-1]] = value


# ---- canonical → package ------------------------------------------------------------------

def encode(blocks: tuple[Block, ...], message: dict, envelope: dict[str, str]) -> list[tuple[str, list]]:
    out: list[tuple[str, list]] = []
    for block in blocks:
        if block.rows:
            items = _get(message, block.at[:-1])
            out += [(block.tag, _encode_fields(block, item, envelope)) for item in
                    ([] if items is _MISSING else items)]
            continue
        obj = _get(message, block.at)
        if obj is not _MISSING:
            out.append((block.tag, _encode_fields(block, obj, envelope)))
    return out


def _encode_fields(block: Block, obj: Any, envelope: dict[str, str]) -> list[tuple[str, str]]:
    fields = []
    for f in block.fields:
        if f.envelope:
            fields.append((f.tag, envelope[f.tag]))
            continue
        value = None if f.key is None else _get(obj, f.key)
        if f.key is not None and (value is _MISSING or (value is None and f.nullable)):
            continue
        fields.append((f.tag, f.codec.to_xml(value)))
    return fields


# ---- package → canonical ------------------------------------------------------------------

def decode(blocks: tuple[Block, ...], package) -> tuple[dict, dict[str, str]]:
    errors: list[FieldError] = []
    known = {b.tag for b in blocks}
    errors += [FieldError(f"/{tag}", "is not a block of this function") for tag in sorted(package.tags() - known)]
    message: dict = {}
    envelope: dict[str, str] = {}
    for block in blocks:
        rows = package.rows(block.tag)
        if block.rows:
            parent = block.at[:-2]
            parent_present = not parent or _get(message, parent) is not _MISSING
            if rows and not parent_present:
                errors.append(FieldError(f"/{block.tag}", f"needs the block of {'/'.join(parent)}"))
                continue
            items = [_decode_fields(block, row, f"{block.tag}[{i}]", envelope, errors)
                     for i, row in enumerate(rows, start=1)]
            if items or (block.always and parent_present):
                _set(message, block.at[:-1], items)
            continue
        if len(rows) > 1:
            errors.append(FieldError(f"/{block.tag}", "may appear once"))
        elif not rows and not block.optional:
            errors.append(FieldError(f"/{block.tag}", "is required"))
        elif rows:
            obj = _decode_fields(block, rows[0], block.tag, envelope, errors)
            if block.at:
                _set(message, block.at, obj)
            else:
                message.update(obj)
    if errors:
        detail = "; ".join(f"{e.pointer.lstrip('/')}: {e.detail}" for e in errors[:20])
        raise FieldsRefused(f"the package's fields are not valid: {detail}", errors=errors,
                            pointers_absolute=True)
    return message, envelope


def _decode_fields(block: Block, row: dict[str, str], where: str, envelope: dict[str, str],
                   errors: list[FieldError]) -> Any:
    obj: Any = {}
    allowed = {f.tag for f in block.fields}
    errors += [FieldError(f"/{where}/{tag}", "is not a field of this block") for tag in row if tag not in allowed]
    for f in block.fields:
        if f.tag not in row:
            if f.nullable:
                _set(obj, f.key, None)
            elif not f.optional:
                errors.append(FieldError(f"/{where}/{f.tag}", "is required"))
            continue
        try:
            value = f.codec.from_xml(row[f.tag])
        except Bad as bad:
            errors.append(FieldError(f"/{where}/{f.tag}", str(bad)))
            continue
        if f.envelope:
            envelope[f.tag] = value
        elif f.key == ():
            obj = value
        elif f.key is not None:
            _set(obj, f.key, value)
    return obj


# ---- canonical pointer → the bank's name of the field ------------------------------------

def locate(blocks: tuple[Block, ...], pointer: str) -> str:
    """``/partners/1/name`` → ``PTNINFZ[2]/CLTNAM``; the block for a pointer to an object or
    list; the pointer itself when no table entry covers it."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]] if pointer else []
    best: tuple[int, str] | None = None
    for block in blocks:
        for f in block.fields:
            if f.key is None:
                continue
            path = block.at + f.key
            match = _match(path, tokens)
            if match is not None and len(path) == len(tokens):
                return _where(block, match) + f"/{f.tag}"
        prefix = block.at[:-1] if block.rows else block.at
        for size in (len(block.at), len(prefix)):
            match = _match(block.at[:size], tokens)
            if match is not None and size == len(tokens) and size and (best is None or size > best[0]):
                best = (size, _where(block, match))
    return best[1] if best else pointer


def _match(path: tuple[str, ...], tokens: list[str]) -> list[int] | None:
    if len(tokens) < len(path):
        return None
    indexes = []
    for expected, token in zip(path, tokens):
        if expected == "*":
            if not token.isdigit():
                return None
            indexes.append(int(token))
        elif expected != token:
            return None
    return indexes


def _where(block: Block, indexes: list[int]) -> str:
    return f"{block.tag}[{indexes[-1] + 1}]" if block.rows and len(indexes) else block.tag
