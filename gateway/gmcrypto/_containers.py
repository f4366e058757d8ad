"""SM2 keys in their standard containers, as OpenSSL 3 reads and writes them.

Public: SubjectPublicKeyInfo (RFC 5480) with ``id-ecPublicKey`` and the SM2 curve OID
1.2.156.10197.1.301. Private: PKCS#8 wrapping a SEC1 ``ECPrivateKey`` (``openssl genpkey
-algorithm SM2``), or a bare SEC1 key (``openssl ec``). Functions here move bytes only; point
and scalar validity are checked by the caller.
"""

from __future__ import annotations

from gateway.gmcrypto import _der
from gateway.gmcrypto._der import (
    BIT_STRING,
    INTEGER,
    OBJECT_IDENTIFIER,
    OCTET_STRING,
    SEQUENCE,
    DerError,
)

EC_PUBLIC_KEY_OID = bytes.fromhex("2a8648ce3d0201")  # 1.2.840.10045.2.1
SM2_CURVE_OID = bytes.fromhex("2a811ccf5501822d")  # 1.2.156.10197.1.301
_ALGORITHM = _der.encode(
    SEQUENCE,
    _der.encode(OBJECT_IDENTIFIER, EC_PUBLIC_KEY_OID)
    + _der.encode(OBJECT_IDENTIFIER, SM2_CURVE_OID),
)
_PRIVATE_SCALAR_SIZE = 32


def oid_text(content: bytes) -> str:
    """Dotted form of an OID's content bytes, for error messages."""
    if not content:
        return "(empty)"
    arcs = [content[0] // 40, content[0] % 40]
    value = 0
    for byte in content[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    return ".".join(map(str, arcs))


def _check_algorithm(content: bytes) -> None:
    elements = _der.read_elements(content)
    if not elements or elements[0][0] != OBJECT_IDENTIFIER:
        raise DerError("not an AlgorithmIdentifier")
    if elements[0][1] != EC_PUBLIC_KEY_OID:
        raise DerError(f"not an elliptic-curve key (algorithm {oid_text(elements[0][1])})")
    if len(elements) != 2 or elements[1][0] != OBJECT_IDENTIFIER:
        raise DerError("elliptic-curve key does not name its curve")
    curve = elements[1][1]
    if curve != SM2_CURVE_OID:
        raise DerError(f"not an SM2 key (curve {oid_text(curve)})")


def _bit_string_bytes(content: bytes) -> bytes:
    if not content or content[0] != 0:
        raise DerError("public key BIT STRING must have no unused bits")
    return content[1:]


def decode_spki(der: bytes) -> bytes:
    """The encoded point (``04 ‖ x ‖ y`` or compressed) inside a SubjectPublicKeyInfo."""
    elements = _der.read_elements(_der.read_single(der, SEQUENCE))
    if [tag for tag, _ in elements] != [SEQUENCE, BIT_STRING]:
        raise DerError("not a SubjectPublicKeyInfo")
    _check_algorithm(elements[0][1])
    return _bit_string_bytes(elements[1][1])


def encode_spki(public_xy: bytes) -> bytes:
    return _der.encode(SEQUENCE, _ALGORITHM + _der.encode(BIT_STRING, b"\x00\x04" + public_xy))


def decode_sec1(der: bytes, *, curve_known: bool) -> tuple[bytes, bytes | None]:
    """``(d, encoded point or None)`` from a SEC1 ECPrivateKey.

    A bare SEC1 key must name its curve; inside PKCS#8 the wrapper already has (``curve_known``).
    """
    elements = _der.read_elements(_der.read_single(der, SEQUENCE))
    if len(elements) < 2 or elements[0][0] != INTEGER or _der.read_small_int(elements[0][1]) != 1:
        raise DerError("not a version-1 ECPrivateKey")
    if elements[1][0] != OCTET_STRING or not 0 < len(elements[1][1]) <= _PRIVATE_SCALAR_SIZE:
        raise DerError("private scalar is not a 1–32 byte OCTET STRING")
    private_d = elements[1][1].rjust(_PRIVATE_SCALAR_SIZE, b"\x00")
    point = None
    for tag, content in elements[2:]:
        if tag == _der.context(0):
            curve = _der.read_single(content, OBJECT_IDENTIFIER)
            if curve != SM2_CURVE_OID:
                raise DerError(f"not an SM2 key (curve {oid_text(curve)})")
            curve_known = True
        elif tag == _der.context(1):
            point = _bit_string_bytes(_der.read_single(content, BIT_STRING))
        else:
            raise DerError("unexpected field in ECPrivateKey")
    if not curve_known:
        raise DerError("EC private key does not name its curve")
    return private_d, point


def decode_pkcs8(der: bytes) -> tuple[bytes, bytes | None]:
    """``(d, encoded point or None)`` from an unencrypted PKCS#8 PrivateKeyInfo."""
    elements = _der.read_elements(_der.read_single(der, SEQUENCE))
    if len(elements) < 3 or [tag for tag, _ in elements[:3]] != [INTEGER, SEQUENCE, OCTET_STRING]:
        raise DerError("not a PKCS#8 PrivateKeyInfo (is it encrypted?)")
    if _der.read_small_int(elements[0][1]) not in (0, 1):
        raise DerError("unknown PKCS#8 version")
    _check_algorithm(elements[1][1])
    return decode_sec1(elements[2][1], curve_known=True)


def encode_pkcs8(private_d: bytes, public_xy: bytes) -> bytes:
    """PKCS#8 laid out as ``openssl genpkey -algorithm SM2`` writes it (public key included)."""
    public = _der.encode(_der.context(1), _der.encode(BIT_STRING, b"\x00\x04" + public_xy))
    sec1 = _der.encode(
        SEQUENCE, _der.encode(INTEGER, b"\x01") + _der.encode(OCTET_STRING, private_d) + public
    )
    return _der.encode(
        SEQUENCE, _der.encode(INTEGER, b"\x00") + _ALGORITHM + _der.encode(OCTET_STRING, sec1)
    )
