"""Interop with the OpenSSL 3 command line, both ways: keys, default and custom user IDs, raw r‖s.

Runs the local ``openssl`` binary only (no network). Skipped, with the reason, when the binary
is missing or lacks SM2 (OpenSSL < 3, or a build without SM2).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from gateway.gmcrypto import (
    DEFAULT_USER_ID,
    Sm2PrivateKey,
    Sm2PublicKey,
    Sm2Settings,
    Sm2SignatureInvalid,
    der_to_raw,
    raw_to_der,
    verify,
)

OPENSSL = shutil.which("openssl")
# A bank's client id right-padded to 16 bytes, and one that needs hexdistid (not text).
BANK_USER_ID = b"CLIENT0042".ljust(16, b"0")
BINARY_USER_ID = b"\x00\xffid\x80"
USER_IDS = [DEFAULT_USER_ID, BANK_USER_ID, BINARY_USER_ID]


def _openssl(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *map(str, args)], capture_output=True, check=check, timeout=30)


def _sm2_unavailable_reason() -> str | None:
    if OPENSSL is None:
        return "no openssl binary on PATH"
    probe = subprocess.run(
        [OPENSSL, "genpkey", "-algorithm", "SM2"], check=False, capture_output=True, timeout=30
    )
    if probe.returncode != 0:
        version = subprocess.run(
            [OPENSSL, "version"], check=False, capture_output=True, text=True
        ).stdout
        return f"{version.strip()} cannot generate SM2 keys (OpenSSL 3 with SM2 needed)"
    return None


_reason = _sm2_unavailable_reason()
pytestmark = pytest.mark.skipif(_reason is not None, reason=_reason or "")


def _distid(user_id: bytes) -> str:
    return (
        f"hexdistid:{user_id.hex()}"
        if not user_id.isascii() or b"\x00" in user_id
        else (f"distid:{user_id.decode()}")
    )


@pytest.fixture
def openssl_key(tmp_path: Path) -> tuple[Path, Path]:
    private, public = tmp_path / "key.pem", tmp_path / "pub.pem"
    _openssl("genpkey", "-algorithm", "SM2", "-out", private)
    _openssl("pkey", "-in", private, "-pubout", "-out", public)
    return private, public


@pytest.fixture
def message(tmp_path: Path) -> Path:
    path = tmp_path / "msg"
    path.write_bytes(
        '<?xml version="1.0" encoding="GBK"?><CFX><HEAD/>纳税人</CFX>'.encode("gbk") * 20
    )
    return path


def _openssl_sign(key: Path, message: Path, user_id: bytes, out: Path) -> bytes:
    _openssl("dgst", "-sm3", "-sign", key, "-sigopt", _distid(user_id), "-out", out, message)
    return out.read_bytes()


def _openssl_verifies(public: Path, message: Path, user_id: bytes, signature: Path) -> bool:
    result = _openssl(
        "dgst",
        "-sm3",
        "-verify",
        public,
        "-sigopt",
        _distid(user_id),
        "-signature",
        signature,
        message,
        check=False,
    )
    assert result.returncode == 0 or b"Verification failure" in result.stdout, result.stderr
    return result.returncode == 0


def test_openssl_keys_load_and_match(openssl_key):
    private, public = openssl_key
    key = Sm2PrivateKey.from_pem(private.read_text())
    assert key.public_key() == Sm2PublicKey.from_pem(public.read_text())
    assert key.to_pem() == private.read_text()
    assert key.public_key().to_pem() == public.read_text()
    der = _openssl("pkey", "-pubin", "-in", public, "-outform", "DER").stdout
    assert key.public_key().fingerprint() == hashlib.sha256(der).hexdigest()


def test_openssl_sec1_and_compressed_forms_load(openssl_key, tmp_path):
    private, public = openssl_key
    key = Sm2PrivateKey.from_pem(private.read_text())
    sec1 = _openssl("ec", "-in", private).stdout.decode()
    assert Sm2PrivateKey.from_pem(sec1).to_pem() == key.to_pem()
    compressed = _openssl("ec", "-pubin", "-in", public, "-conv_form", "compressed", "-pubout")
    assert Sm2PublicKey.from_pem(compressed.stdout) == key.public_key()


def test_our_keys_load_in_openssl(tmp_path):
    key = Sm2PrivateKey.generate()
    path = tmp_path / "ours.pem"
    path.write_text(key.to_pem())
    assert _openssl("pkey", "-in", path, "-pubout").stdout.decode() == key.public_key().to_pem()
    text = _openssl("pkey", "-in", path, "-noout", "-text").stdout.decode()
    assert "ASN1 OID: SM2" in text


@pytest.mark.parametrize("user_id", USER_IDS, ids=["default", "bank", "binary"])
def test_openssl_signs_we_verify_and_a_wrong_user_id_fails(openssl_key, message, tmp_path, user_id):
    private, public = openssl_key
    signature = _openssl_sign(private, message, user_id, tmp_path / "sig.bin")
    partner = Sm2PublicKey.from_pem(public.read_text())
    verify(partner, message.read_bytes(), signature, Sm2Settings(user_id=user_id))
    with pytest.raises(Sm2SignatureInvalid):
        verify(partner, message.read_bytes(), signature, Sm2Settings(user_id=user_id + b"X"))
    raw = Sm2Settings(user_id=user_id, signature_encoding="raw")
    verify(partner, message.read_bytes(), der_to_raw(signature), raw)


@pytest.mark.parametrize("user_id", USER_IDS, ids=["default", "bank", "binary"])
def test_we_sign_openssl_verifies_and_a_wrong_user_id_fails(
    openssl_key, message, tmp_path, user_id
):
    private, public = openssl_key
    key = Sm2PrivateKey.from_pem(private.read_text())
    signature = tmp_path / "sig.bin"
    signature.write_bytes(key.sign(message.read_bytes(), Sm2Settings(user_id=user_id)))
    assert _openssl_verifies(public, message, user_id, signature)
    assert not _openssl_verifies(public, message, DEFAULT_USER_ID + b"9", signature)


def test_raw_signature_converted_to_der_verifies_in_openssl(message, tmp_path):
    key = Sm2PrivateKey.generate()
    public = tmp_path / "pub.pem"
    public.write_text(key.public_key().to_pem())
    settings = Sm2Settings(user_id=BANK_USER_ID, signature_encoding="raw")
    raw = key.sign(message.read_bytes(), settings)
    assert len(raw) == 64
    signature = tmp_path / "sig.bin"
    signature.write_bytes(raw_to_der(raw))
    assert _openssl_verifies(public, message, BANK_USER_ID, signature)
    assert not _openssl_verifies(public, message, DEFAULT_USER_ID, signature)


def test_openssl_rejects_our_signature_of_another_message(message, tmp_path):
    key = Sm2PrivateKey.generate()
    public = tmp_path / "pub.pem"
    public.write_text(key.public_key().to_pem())
    signature = tmp_path / "sig.bin"
    signature.write_bytes(key.sign(message.read_bytes() + b" "))
    assert not _openssl_verifies(public, message, DEFAULT_USER_ID, signature)
