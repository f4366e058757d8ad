"""Covered components and the RFC 9421 §2.5 signature base built from them.

A component is a lower-case name with the parameters the profile uses: ``req`` (take it from
the request a response answers, §2.4) and ``key`` (one member of a Dictionary field, §2.1.2).
Other parameters (``sf``, ``bs``, ``tr``, ``name``) are not part of the profile and make a
signature unusable rather than being guessed at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import http_sf

from gateway.signatures import sf_write
from gateway.signatures.message import HttpRequest, HttpResponse
from gateway.signatures.structured import serialise_member

SUPPORTED_PARAMETERS = frozenset({"req", "key"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


class ComponentUnavailable(ValueError):
    """A covered component cannot be resolved from the message (absent, or not profile syntax)."""


@dataclass(frozen=True)
class ComponentId:
    """A component identifier; ``params`` keep their order because it is signed."""

    name: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, name: str, *, req: bool = False, key: str | None = None) -> ComponentId:
        params: list[tuple[str, Any]] = [("req", True)] if req else []
        if key is not None:
            params.append(("key", key))
        return cls(name, tuple(params))

    @classmethod
    def from_sf(cls, value: Any, params: Mapping[str, Any]) -> ComponentId:
        if (
            not isinstance(value, str)
            or type(value) is not str
            or value != value.lower()
            or not value
        ):
            raise ComponentUnavailable("component names are lower-case strings")
        if set(params) - SUPPORTED_PARAMETERS:
            raise ComponentUnavailable("unsupported component parameter")
        if "req" in params and params["req"] is not True:
            raise ComponentUnavailable("req is a boolean flag")
        if "key" in params and type(params["key"]) is not str:
            raise ComponentUnavailable("key is a string")
        return cls(value, tuple(params.items()))

    @property
    def req(self) -> bool:
        return dict(self.params).get("req") is True

    @property
    def key(self) -> str | None:
        return dict(self.params).get("key")

    @property
    def identity(self) -> tuple[str, bool, str | None]:
        """What makes two identifiers the same component, whatever their parameter order."""
        return self.name, self.req, self.key

    def as_sf(self) -> tuple[str, dict[str, Any]]:
        return self.name, dict(self.params)

    @property
    def serialised(self) -> str:
        return _serialised(self)  # a handful of identifiers, each serialised once per process

    def serialise(self) -> str:
        return self.serialised


@dataclass(frozen=True)
class SignatureBase:
    text: str
    components: tuple[tuple[ComponentId, str], ...]
    params_value: (
        str  # the @signature-params value, identical to the Signature-Input member
    )

    def encode(self) -> bytes:
        return self.text.encode("ascii")


@lru_cache(maxsize=512)
def _serialised(component: ComponentId) -> str:
    return http_sf.ser([component.as_sf()])


def serialise_signature_params(
    components: Sequence[ComponentId], params: Mapping[str, Any]
) -> str:
    try:
        return f"({' '.join(c.serialised for c in components)}){sf_write.parameters(params)}"
    except sf_write.Unsupported:
        return http_sf.ser([([c.as_sf() for c in components], dict(params))])


def build_signature_base(
    components: Sequence[ComponentId],
    params: Mapping[str, Any],
    message: HttpRequest | HttpResponse,
    request: HttpRequest | None = None,
) -> SignatureBase:
    """The signature base for ``message``; ``request`` is the request a response answers.

    Raises ``ComponentUnavailable`` when a component is repeated, absent or unrepresentable.
    """
    seen: set[tuple[str, bool, str | None]] = set()
    lines: list[str] = []
    resolved: list[tuple[ComponentId, str]] = []
    for component in components:
        if component.identity in seen:
            raise ComponentUnavailable("a component is covered twice")
        seen.add(component.identity)
        value = component_value(component, message, request)
        lines.append(f"{component.serialise()}: {value}")
        resolved.append((component, value))
    params_value = serialise_signature_params(components, params)
    lines.append(f'"@signature-params": {params_value}')
    return SignatureBase("\n".join(lines), tuple(resolved), params_value)


def component_value(
    component: ComponentId,
    message: HttpRequest | HttpResponse,
    request: HttpRequest | None = None,
) -> str:
    source: HttpRequest | HttpResponse = message
    if component.req:
        if not isinstance(message, HttpResponse) or request is None:
            raise ComponentUnavailable(
                "req is only meaningful on a response to a known request"
            )
        source = request
    if component.name.startswith("@"):
        value = _derived_value(component, source)
    else:
        value = _field_value(component, source)
    if not value.isascii() or "\r" in value or "\n" in value:
        raise ComponentUnavailable("component values are single-line ASCII")
    return value


def _derived_value(component: ComponentId, message: HttpRequest | HttpResponse) -> str:
    if component.key is not None:
        raise ComponentUnavailable("key applies to fields only")
    if component.name == "@status":
        if not isinstance(message, HttpResponse):
            raise ComponentUnavailable("@status belongs to responses")
        return f"{message.status:03d}"
    if not isinstance(message, HttpRequest):
        raise ComponentUnavailable("request components on a response need req")
    if component.name == "@method":
        return message.method
    try:
        parts = urlsplit(message.target_uri)
        path = parts.path or "/"
        query = (
            f"?{parts.query}" if parts.query or message.target_uri.endswith("?") else ""
        )
        derived = {
            "@target-uri": lambda: (
                f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{path}{query}"
            ),
            "@authority": lambda: _authority(
                parts.scheme, parts.hostname or "", parts.port
            ),
            "@scheme": lambda: parts.scheme.lower(),
            "@path": lambda: path,
            "@query": lambda: f"?{parts.query}",
            "@request-target": lambda: f"{path}{query}",
        }
        resolve = derived.get(component.name)
        if resolve is not None:
            return resolve()
    except ValueError as exc:  # urlsplit and .port reject malformed authorities
        raise ComponentUnavailable("the target URI cannot be parsed") from exc
    raise ComponentUnavailable("unsupported derived component")


def _authority(scheme: str, host: str, port: int | None) -> str:
    if ":" in host:  # IPv6 literal: urlsplit drops the brackets
        host = f"[{host}]"
    if port is None or _DEFAULT_PORTS.get(scheme.lower()) == port:
        return host.lower()
    return f"{host.lower()}:{port}"


def _field_value(component: ComponentId, message: HttpRequest | HttpResponse) -> str:
    value = message.headers.get(component.name)
    if value is None:
        raise ComponentUnavailable("a covered field is absent")
    if component.key is None:
        return value
    try:
        members = http_sf.parse(value.encode("ascii"), tltype="dictionary")
    except (ValueError, TypeError, IndexError, UnicodeError) as exc:
        raise ComponentUnavailable("a keyed field is not a dictionary") from exc
    if not isinstance(members, dict) or component.key not in members:
        raise ComponentUnavailable("the keyed dictionary member is absent")
    member = members[component.key]
    return serialise_member(member if isinstance(member, tuple) else (member, {}))
