"""Registering partners and keys through the admin API, as a test would by hand."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from .ids import credit_code


def partner_body(n: int = 1, **overrides) -> dict:
    body = {
        "id": credit_code(n),
        "name": f"通辽市测试机构{n}",
        "roles": ["tax"],
        "division_code": "150500",
        "endpoint_url": f"https://partner{n}.example.cn/govgate",
    }
    body.update(overrides)
    return body


def create_partner(client, headers, n: int = 1, **overrides) -> dict:
    response = client.post("/v1/admin/partners", headers=headers, json=partner_body(n, **overrides))
    assert response.status_code == 201, response.text
    return response.json()


def private_key(algorithm: str = "ed25519"):
    if algorithm == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm == "ecdsa-p256-sha256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "rsa-pss-sha512":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError(algorithm)


def public_pem(key) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def private_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
