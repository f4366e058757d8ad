"""The framework-free view of an HTTP message that signatures are computed over.

The ASGI middleware, the partner client and the delivery worker each translate their own
request/response objects into these, so the signature code never sees a web framework.
Header names are case-insensitive and repeated field lines are kept in wire order, because
RFC 9421 §2.1 joins them with ", " and a proxy that merges or splits lines must not change
the signature base.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

# RFC 9112 §5.2 obs-fold: CRLF followed by whitespace, replaced by one space (RFC 9421 §2.1).
_OBS_FOLD = re.compile(r"[ \t]*\r\n[ \t]+")


class Headers:
    """Case-insensitive, multi-value header fields in wire order."""

    def __init__(
        self, fields: Mapping[str, str] | Iterable[tuple[str, str]] = ()
    ) -> None:
        pairs = fields.items() if isinstance(fields, Mapping) else fields
        self._lines: list[tuple[str, str]] = [
            (str(name), str(value)) for name, value in pairs
        ]
        self._by_name: dict[str, list[str]] | None = None  # lower-case name → values, on demand

    def get_all(self, name: str) -> list[str]:
        if self._by_name is None:  # built once per message, not once per lookup
            self._by_name = {}
            for key, value in self._lines:
                self._by_name.setdefault(key.lower(), []).append(value)
        return list(self._by_name.get(name.lower(), ()))

    def get(self, name: str, default: str | None = None) -> str | None:
        """All field lines of ``name`` joined as RFC 9421 §2.1 requires, or ``default``."""
        values = self.get_all(name)
        if not values:
            return default
        if len(values) == 1 and "\n" not in values[0]:  # the usual field: one line, no obs-fold
            return values[0].strip(" \t")
        return ", ".join(_OBS_FOLD.sub(" ", value).strip(" \t") for value in values)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.get_all(name))

    def add(self, name: str, value: str) -> None:
        self._lines.append((name, value))
        self._by_name = None

    def set(self, name: str, value: str) -> None:
        self.remove(name)
        self._lines.append((name, value))

    def remove(self, name: str) -> None:
        wanted = name.lower()
        self._lines = [
            (key, value) for key, value in self._lines if key.lower() != wanted
        ]
        self._by_name = None

    def items(self) -> list[tuple[str, str]]:
        return list(self._lines)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(list(self._lines))

    def __len__(self) -> int:
        return len(self._lines)

    def copy(self) -> Headers:
        return Headers(self._lines)

    def __repr__(self) -> str:
        return f"Headers({self._lines!r})"


def _as_headers(
    value: Headers | Mapping[str, str] | Iterable[tuple[str, str]],
) -> Headers:
    return value if isinstance(value, Headers) else Headers(value)


@dataclass
class HttpRequest:
    """A request as signed: ``target_uri`` is the absolute URI (scheme, authority, path, query)."""

    method: str
    target_uri: str
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    def __post_init__(self) -> None:
        self.headers = _as_headers(self.headers)
        self.method = self.method.upper()


@dataclass
class HttpResponse:
    status: int
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    def __post_init__(self) -> None:
        self.headers = _as_headers(self.headers)
