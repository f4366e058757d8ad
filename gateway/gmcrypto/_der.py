"""Just enough strict DER to read and write SM2 key containers.

``cryptography`` parses SubjectPublicKeyInfo and PKCS#8 only for curves it supports, and it
refuses the SM2 curve, so the two small structures are walked here. Strict: definite, minimal
lengths and no trailing bytes, so one key has one encoding.
"""

from __future__ import annotations

SEQUENCE = 0x30
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
OBJECT_IDENTIFIER = 0x06


class DerError(ValueError):
    pass


def context(number: int) -> int:
    """Tag of an explicit ``[number]`` (constructed, context-specific)."""
    return 0xA0 | number


def _read_length(data: bytes, offset: int) -> tuple[int, int]:
    first = data[offset]
    if first < 0x80:
        return first, offset + 1
    count = first & 0x7F
    if count == 0 or count > 2:  # indefinite form, or longer than any key container
        raise DerError("unsupported length form")
    raw = data[offset + 1 : offset + 1 + count]
    if len(raw) != count or raw[0] == 0:
        raise DerError("truncated or non-minimal length")
    length = int.from_bytes(raw, "big")
    if length < 0x80:
        raise DerError("non-minimal length")
    return length, offset + 1 + count


def read_elements(data: bytes) -> list[tuple[int, bytes]]:
    """Split concatenated TLVs into ``(tag, content)`` pairs."""
    elements = []
    offset = 0
    try:
        while offset < len(data):
            tag = data[offset]
            length, start = _read_length(data, offset + 1)
            end = start + length
            if end > len(data):
                raise DerError("truncated element")
            elements.append((tag, data[start:end]))
            offset = end
    except IndexError as exc:
        raise DerError("truncated element") from exc
    return elements


def read_single(data: bytes, tag: int) -> bytes:
    """Content of ``data`` when it is exactly one element with ``tag``."""
    elements = read_elements(data)
    if len(elements) != 1 or elements[0][0] != tag:
        raise DerError(f"expected a single element with tag 0x{tag:02x}")
    return elements[0][1]


def read_small_int(content: bytes) -> int:
    if (
        not content
        or len(content) > 8
        or (len(content) > 1 and content[0] == 0 and content[1] < 0x80)
    ):
        raise DerError("bad INTEGER")
    return int.from_bytes(content, "big", signed=True)


def encode(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        header = bytes([tag, length])
    else:
        raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
        header = bytes([tag, 0x80 | len(raw)]) + raw
    return header + content
