"""A small validating reader for rule-set documents: every failure names its path.

Hand-written rather than a schema library: the documents are small, the checks are few, and
the error must say exactly which element is wrong (``loan-2022.yaml: enterprise.hiring.percent``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, NoReturn, TypeVar

from gateway.policy.errors import PolicyDataInvalid

E = TypeVar("E", bound=StrEnum)


class Reader:
    """A view of one mapping in the document, at ``path`` within ``source``."""

    def __init__(self, source: str, path: str = "", node: Mapping[str, Any] | None = None) -> None:
        self.source, self.path, self.node = source, path, node or {}

    def fail(self, key: str | None, problem: str) -> NoReturn:
        where = ".".join(p for p in (self.path, key) if p) or "(document)"
        raise PolicyDataInvalid(f"{self.source}: {where}", problem)

    def mapping(self, value: Any, key: str, keys: Iterable[str] | None) -> Reader:
        """Check ``value`` is a mapping with exactly ``keys`` (any keys when None)."""
        if not isinstance(value, Mapping):
            self.fail(key or None, "must be a mapping")
        if keys is not None:
            missing, unknown = set(keys) - set(value), set(value) - set(keys)
            if missing:
                self.fail(key or None, f"missing keys {sorted(missing)}")
            if unknown:
                self.fail(key or None, f"unknown keys {sorted(map(str, unknown))}")
        return Reader(self.source, ".".join(p for p in (self.path, key) if p), value)

    def child(self, key: str, keys: Iterable[str] | None) -> Reader:
        return self.mapping(self.node[key], key, keys)

    def key_names(self) -> list[str]:
        return list(self.node)

    def text(self, key: str) -> str:
        value = self.node[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be a non-empty string")
        return value

    def measure(self) -> str:
        value = self.text("measure")
        if not value.startswith("86号-"):
            self.fail("measure", "must cite a measure as 86号-<n>")
        return value

    def integer(self, key: str, *, minimum: int, maximum: int | None = None) -> int:
        value = self.node[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, "must be an integer (amounts are integer fen)")
        if value < minimum or (maximum is not None and value > maximum):
            self.fail(key, f"must be in {minimum}..{maximum if maximum is not None else ''}")
        return value

    def date(self, key: str, *, optional: bool = False) -> dt.date | None:
        value = self.node[key]
        if value is None and optional:
            return None
        if isinstance(value, str):
            with contextlib.suppress(ValueError):  # left a str: reported just below
                value = dt.date.fromisoformat(value)
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.fail(key, "must be a date (YYYY-MM-DD)")
        return value

    def enum_key(self, key: Any, enum: type[E]) -> E:
        try:
            return enum(key)
        except ValueError:
            self.fail(
                str(key), f"unknown {enum.__name__}; expected one of {[e.value for e in enum]}"
            )

    def members(self, key: str, enum: type[E]) -> frozenset[E]:
        values = self.node[key]
        if not isinstance(values, list) or not values:
            self.fail(key, "must be a non-empty list")
        members = set()
        for index, value in enumerate(values):
            try:
                members.add(enum(value))
            except ValueError:
                self.fail(f"{key}[{index}]", f"unknown {enum.__name__} {value!r}")
        if len(members) != len(values):
            self.fail(key, "lists a value twice")
        return frozenset(members)
