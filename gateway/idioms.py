"""What the inbound partner idioms share, pure: the request a partner's message stands for, and
field tables between a partner's flat fields and the canonical nested body.

    InboundRequest     operation + canonical schema + canonical body + the partner's reference
                       (which must equal the Idempotency-Key) + the operation's arguments
                       (e.g. the measure a claim is for) + what the idiom needs to answer
    Field(name, pointer, form)    one partner field ⇄ one canonical JSON Pointer
    FieldTable                    an idiom's fields: ``read`` (partner record → canonical body,
                                  every bad field at once), ``write`` (canonical → partner
                                  record), ``name`` (a canonical pointer in the partner's terms)
    Form                          how a value is written: AS_IS, COMPACT_DATE (yyyyMMdd),
                                  ISO_DATE (yyyy-mm-dd),
                                  Coded(table), YUAN (fen ⇄ "1234.50")
    read_json(data, where)        a JSON text read strictly, refused as a 400 in the idiom
    shown(errors)                 a problem's field errors as one line of an idiom's message

The channel idioms of 86号-11…15 (counter coded fields, national platform, e-card) each keep
their tables in their adapter's ``mapping.py``; this module is their machinery. Stdlib only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import strict_json
from .errors import FieldError, InvalidInput


@dataclass(frozen=True)
class InboundRequest:
    operation: str  # the canonical operation it stands for, e.g. "submit_application"
    schema: str  # the canonical schema's name (openapi/components/*.yaml)
    body: dict  # the canonical request body
    reference: str  # the partner's business reference; must equal the Idempotency-Key
    arguments: dict = field(default_factory=dict)  # the operation's other parameters (measure)
    echo: dict = field(default_factory=dict)  # what the idiom's answer repeats (codes, ids)


class Unconvertible(ValueError):
    """A partner value its form cannot read; ``args[0]`` says why."""


class Form:
    """As is: the partner's value is the canonical value."""

    def read(self, value: Any) -> Any:
        return value

    def write(self, value: Any) -> Any:
        return value


AS_IS = Form()


class _CompactDate(Form):
    """yyyyMMdd ⇄ ISO 8601 yyyy-mm-dd."""

    def read(self, value: Any) -> Any:
        if not isinstance(value, str) or len(value) != 8 or not value.isdigit():
            raise Unconvertible("must be a date written yyyyMMdd")
        try:
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
        except ValueError:
            raise Unconvertible("is not a calendar date") from None

    def write(self, value: Any) -> Any:
        return str(value)[:10].replace("-", "")


COMPACT_DATE = _CompactDate()


class _IsoDate(Form):
    """yyyy-mm-dd as is (the pipeline checks it); a date-time is written as its day."""

    def write(self, value: Any) -> Any:
        return str(value)[:10]


ISO_DATE = _IsoDate()


class _Yuan(Form):
    """Integer fen ⇄ yuan written with two decimals ("1234.50"); answers only."""

    def read(self, value: Any) -> Any:
        raise Unconvertible("is an answer field")

    def write(self, value: Any) -> Any:
        return f"{value // 100}.{value % 100:02d}"


YUAN = _Yuan()


class Coded(Form):
    """A partner code ⇄ a canonical value, by the adapter's table; an unknown code is refused."""

    def __init__(self, table: Mapping[str, Any]) -> None:
        self.table = dict(table)
        self.codes = {value: code for code, value in self.table.items()}

    def read(self, value: Any) -> Any:
        if not isinstance(value, str) or value not in self.table:
            raise Unconvertible(f"must be one of the codes {', '.join(sorted(self.table))}")
        return self.table[value]

    def write(self, value: Any) -> Any:
        return self.codes.get(value, value)


@dataclass(frozen=True)
class Field:
    name: str  # the partner's field name, e.g. "AAC002"
    pointer: str  # the canonical JSON Pointer, e.g. "/person/citizen_id"
    form: Form = AS_IS


class FieldTable:
    """One idiom's fields inside one record of its message (``where``: that record's pointer
    in the partner's document, e.g. ``/params``)."""

    def __init__(self, where: str, fields: list[Field]) -> None:
        self.where = where
        self.fields = {f.name: f for f in fields}
        self.by_pointer = {f.pointer: f for f in fields}

    def read(self, record: Any) -> dict:
        """The canonical body the record stands for; ``InvalidInput`` (400 ``field_invalid``)
        naming every unknown or unreadable partner field. Missing fields are left for the
        canonical schema to name (``name`` translates its pointers)."""
        if not isinstance(record, Mapping):
            raise InvalidInput("the request does not match the channel's format", reason="field_invalid",
                               status=400, errors=[FieldError(self.where or "/", "must be an object")],
                               pointers_absolute=True)
        body: dict = {}
        errors: list[FieldError] = []
        for name, value in record.items():
            known = self.fields.get(name)
            if known is None:
                errors.append(FieldError(self.partner_pointer(name), "is not a known field"))
                continue
            try:
                _put(body, known.pointer, known.form.read(value))
            except Unconvertible as why:
                errors.append(FieldError(self.partner_pointer(name), str(why)))
        if errors:
            raise InvalidInput("the request does not match the channel's format", reason="field_invalid",
                               status=400, errors=errors, pointers_absolute=True)
        return body

    def write(self, document: Mapping) -> dict:
        """The partner record for a canonical document: every field whose pointer it holds."""
        record = {}
        for known in self.fields.values():
            found, value = _get(document, known.pointer)
            if found and value is not None:
                record[known.name] = known.form.write(value)
        return record

    def name(self, pointer: str) -> str:
        """A canonical pointer (relative to the body) as the partner's field pointer; a pointer
        to a group (e.g. ``/payment_account``) names the group's fields."""
        known = self.by_pointer.get(pointer)
        if known is not None:
            return self.partner_pointer(known.name)
        inside = [f.name for f in self.fields.values() if f.pointer.startswith(pointer.rstrip("/") + "/")]
        if inside:
            return self.partner_pointer("|".join(sorted(inside)))
        return self.where or "/"

    def partner_pointer(self, name: str) -> str:
        return f"{self.where}/{name}"


def _put(body: dict, pointer: str, value: Any) -> None:
    *parents, last = pointer.strip("/").split("/")
    for part in parents:
        body = body.setdefault(part, {})
    body[last] = value


def _get(document: Mapping, pointer: str) -> tuple[bool, Any]:
    node: Any = document
    for part in pointer.strip("/").split("/"):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


# As at the HTTP edge (api/validation.py): text that cannot be stored is content, 422; the rest 400.
_CONTENT_REASONS = {"invalid_unicode": 422, "nul_character": 422}


def read_json(data: bytes, where: str = "/") -> Any:
    """A JSON text read strictly (``gateway.strict_json``); 400 in the idiom when refused."""
    try:
        return strict_json.loads(data)
    except strict_json.JsonRefused as refused:
        pointers = ([FieldError(where.rstrip("/") + p if p else where, d) for p, d in refused.pointers]
                    or [FieldError(where, refused.detail)])
        raise InvalidInput(refused.detail, reason=refused.reason, status=_CONTENT_REASONS.get(refused.reason, 400),
                           errors=pointers, pointers_absolute=True) from None


def shown(errors: list[dict] | None, limit: int = 20) -> str:
    """A problem's field errors as one line for an idiom's message text (pointers relative to
    the partner's document: a leading ``/body`` of the HTTP layer is dropped)."""
    parts = [f"{e['pointer'].removeprefix('/body') or '/'}: {e['detail']}" for e in (errors or [])[:limit]]
    return "; ".join(parts)
