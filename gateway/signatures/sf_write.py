"""Writing the few structured-field shapes every signature needs, without http-sf's per-character
generators (≈ 3,000 Python calls per signed loan qualification, ``bench/README.md``).

    parameters(params)          ;created=1;keyid="k";tag="t"   (RFC 8941 §4.1.1.2)
    dictionary_bytes(members)   sha-256=:base64:, …             (Content-Digest, Signature)

Only what the gateway writes itself passes through here — keys, strings, integers, booleans
and byte sequences — and the output is http-sf's, byte for byte (a property test holds them
equal). Anything else raises ``Unsupported``, and the caller falls back to ``http_sf.ser``.
Parsing what partners send is never done here: that stays with http-sf, strict, at the trust
boundary (``structured.py``).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

_KEY = re.compile(r"[a-z*][a-z0-9_\-.*]*")
_STRING = re.compile(r"[\x20-\x7e]*")
_MAX_INTEGER = 999_999_999_999_999


class Unsupported(ValueError):
    """A value this writer does not handle: let http-sf serialise (or refuse) it."""


def key(name: Any) -> str:
    if type(name) is not str or not _KEY.fullmatch(name):
        raise Unsupported(name)
    return name


def bare_item(value: Any) -> str:
    kind = type(value)
    if kind is bool:
        return "?1" if value else "?0"
    if kind is int and -_MAX_INTEGER <= value <= _MAX_INTEGER:
        return str(value)
    if kind is str and _STRING.fullmatch(value):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if kind is bytes:
        return ":" + base64.standard_b64encode(value).decode("ascii") + ":"
    raise Unsupported(value)


def parameters(params: Mapping[str, Any]) -> str:
    return "".join(f";{key(name)}" if value is True else f";{key(name)}={bare_item(value)}"
                   for name, value in params.items())


def dictionary_bytes(members: Mapping[str, bytes]) -> str:
    """A Dictionary whose members are byte sequences without parameters."""
    if not members:
        raise Unsupported(members)
    return ", ".join(f"{key(name)}={_bytes(value)}" for name, value in members.items())


def _bytes(value: Any) -> str:
    if type(value) is not bytes:
        raise Unsupported(value)
    return bare_item(value)
