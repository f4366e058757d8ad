"""govgate keys …: registering public keys from files, rotation, revocation, key generation."""

from __future__ import annotations

import json
import os
import stat

import pytest
from conftest import BANK, OS_USER
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from gateway.signatures.jwk import public_key_to_jwk
from gateway.signatures.signing_key import SigningKey


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def private_key():
    return ed25519.Ed25519PrivateKey.generate()


@pytest.fixture
def public_pem_file(private_key, tmp_path):
    path = tmp_path / "bank.pub.pem"
    public_key = private_key.public_key()
    path.write_bytes(public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return path


def test_add_a_pem_file_and_json_equals_the_api(cli, bank, public_pem_file, client, admin_headers):
    key = cli.json("keys", "add", bank, "--public-key", str(public_pem_file), "--keyid", "bank-1",
                   "--not-after", "2099-12-31")
    assert key["keyid"] == "bank-1" and key["algorithm"] == "ed25519"
    assert key["not_after"] == "2099-12-30T16:00:00Z"  # midnight China Standard Time
    api = client.get(f"/v1/admin/partners/{bank}/keys/bank-1", headers=admin_headers)
    assert api.status_code == 200
    assert api.json() == key == cli.json("keys", "show", bank, "bank-1")
    assert cli.json("keys", "list", bank) == {"items": [key]}
    assert cli.ok("keys", "show", bank, "bank-1", "--pem").stdout == public_pem_file.read_text()


def test_add_a_jwk_from_stdin_defaults_the_keyid_to_its_thumbprint(cli, bank):
    jwk = public_key_to_jwk(ec.generate_private_key(ec.SECP256R1()).public_key())
    key = cli.json("keys", "add", bank, "--public-key", "-", input=json.dumps(jwk))
    assert key["algorithm"] == "ecdsa-p256-sha256"
    assert key["keyid"] == key["thumbprint"]


def test_a_private_key_file_is_refused_and_the_refusal_audited(cli, bank, private_key, tmp_path):
    path = tmp_path / "oops.pem"
    path.write_bytes(private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    error = cli.refused("keys", "add", bank, "--public-key", str(path))
    assert error == (
        "error: This is a private key; submit the public key only. (private_key_refused)\n")
    assert cli.json("keys", "list", bank) == {"items": []}
    [event] = cli.json("audit", "list", "--action", "key.register")["items"]
    assert (event["outcome"], event["detail"]) == ("failed", "private_key_refused")


def test_a_binary_der_file_is_a_usage_error(cli, bank, private_key, tmp_path):
    path = tmp_path / "bank.der"
    path.write_bytes(b"\x30\x82" + bytes(range(128, 256)))
    result = cli("keys", "add", bank, "--public-key", str(path))
    assert result.exit_code == 2
    assert "not a text file" in result.stderr and "Traceback" not in result.output


def test_the_same_key_twice_and_an_algorithm_mismatch(cli, bank, public_pem_file):
    cli.ok("keys", "add", bank, "--public-key", str(public_pem_file))
    again = cli.refused("keys", "add", bank, "--public-key", str(public_pem_file), "--keyid", "k2")
    assert again == "error: this public key is already registered (key_exists)\n"
    error = cli.refused("keys", "add", bank, "--public-key", str(public_pem_file), "--algorithm",
                        "rsa-pss-sha512")
    assert error.endswith("(algorithm_mismatch)\n")


def test_a_key_for_an_unknown_partner(cli, public_pem_file):
    assert cli.refused("keys", "add", BANK, "--public-key", str(public_pem_file)) == (
        f"error: no partner {BANK} (partner_not_found)\n")


def test_expire_and_revoke(cli, bank, public_pem_file):
    cli.ok("keys", "add", bank, "--public-key", str(public_pem_file), "--keyid", "bank-1")
    out = cli.ok("keys", "expire", bank, "bank-1",
                 "--not-after", "2099-01-01T08:00:00+08:00").stdout
    assert out == "key bank-1 is valid until 2099-01-01T00:00:00Z\n"
    error = cli.refused("keys", "expire", bank, "bank-1", "--not-after", "2000-01-01")
    assert error.splitlines()[1] == "  --not-after: must be later than not_before"
    revoked = cli.json("keys", "revoke", bank, "bank-1", "--reason", "rotated to bank-2")
    assert (revoked["status"], revoked["revoked_reason"]) == ("revoked", "rotated to bank-2")
    assert cli.refused("keys", "revoke", bank, "bank-1", "--reason", "again") == (
        "error: key bank-1 is already revoked (key_already_revoked)\n")
    assert cli.refused("keys", "show", "91512081MA62K0260E", "bank-1") == (
        "error: no key bank-1 (key_not_found)\n")


def test_a_time_without_a_zone_is_a_usage_error(cli, bank):
    result = cli("keys", "expire", bank, "bank-1", "--not-after", "2099-01-01T00:00:00")
    assert result.exit_code == 2
    assert "not an RFC 3339 time with a zone" in result.stderr


def test_generate_writes_a_0600_private_and_0644_public_file_and_registers(cli, bank, tmp_path):
    out = tmp_path / "kit"
    result = cli.json("keys", "generate", bank, "--algorithm", "ed25519", "--out", str(out),
                      "--keyid", "bank-2026")
    private_file, public_file = out / "bank-2026.private.pem", out / "bank-2026.public.pem"
    assert result["private_key_file"] == str(private_file) and result["registered"]
    assert mode(private_file) == 0o600
    assert mode(public_file) == 0o644
    # The registered key is the public half of the private file, and nothing private was stored.
    pair = SigningKey.from_pem(private_file.read_bytes(), "bank-2026")
    registered = cli.json("keys", "show", bank, "bank-2026")
    assert registered["fingerprint"] == pair.public_info().fingerprint
    assert registered["public_key_pem"] == public_file.read_text()
    assert "PRIVATE" not in json.dumps(cli.json("audit", "list"))


def test_generate_sets_exact_modes_whatever_the_umask(cli, bank, tmp_path):
    old = os.umask(0o077)
    try:
        cli.ok("keys", "generate", bank, "--algorithm", "ecdsa-p256-sha256", "--out",
               str(tmp_path), "--keyid", "k", "--no-register")
    finally:
        os.umask(old)
    assert mode(tmp_path / "k.private.pem") == 0o600
    assert mode(tmp_path / "k.public.pem") == 0o644
    assert cli.json("keys", "list", bank) == {"items": []}


def test_generate_never_overwrites(cli, bank, tmp_path):
    (tmp_path / "bank-1.public.pem").write_text("someone else's file")
    error = cli.refused("keys", "generate", bank, "--algorithm", "ed25519", "--out", str(tmp_path),
                        "--keyid", "bank-1")
    existing = tmp_path / "bank-1.public.pem"
    assert error == f"error: {existing} already exists; not overwriting it (file_exists)\n"
    assert not (tmp_path / "bank-1.private.pem").exists()
    assert (tmp_path / "bank-1.public.pem").read_text() == "someone else's file"


def test_generate_removes_its_files_when_registration_fails(cli, tmp_path):
    error = cli.refused("keys", "generate", BANK, "--algorithm", "ed25519", "--out", str(tmp_path),
                        "--keyid", "k1")
    assert error == f"error: no partner {BANK} (partner_not_found)\n"
    assert list(tmp_path.glob("k1.*")) == []


def test_generate_rsa_uses_3072_bits_and_the_thumbprint_as_default_keyid(cli, bank, tmp_path):
    result = cli.json("keys", "generate", bank, "--algorithm", "rsa-pss-sha512",
                      "--out", str(tmp_path))
    pair = SigningKey.from_pem((tmp_path / f"{result['keyid']}.private.pem").read_bytes(), "x")
    assert pair.private_key.key_size == 3072
    assert result["keyid"] == result["key"]["thumbprint"]
    [event] = cli.json("audit", "list", "--action", "key.register")["items"]
    assert event["actor"] == f"cli:{OS_USER}"
