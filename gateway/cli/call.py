"""``govgate call``: one signed request to the gateway, as a partner's system sends it.

It signs with ``gateway.client.PartnerClient`` (RFC 9421 + Content-Digest, a fresh nonce, an
Idempotency-Key on POST), fetches the gateway's published JWKS from ``/v1/gateway-keys``, and
verifies the signed receipt of the answer against it. An answer without a valid receipt is
not shown as if it could be trusted: that is an error.

Exit status: 0 for a 2xx answer with a verified receipt; 1 for any other answer, an
unverifiable receipt or an unreachable gateway; 2 for wrong usage (a bad key file, bad JSON).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
import requests

from ..client import JWKS_PATH, PartnerClient
from ..errors import Unavailable
from ..signatures import SignatureRejected, SigningKey
from .output import emit_json

HEADERS_OF_INTEREST = ("X-Request-Id", "Idempotency-Replayed", "Location", "Retry-After",
                       "Content-Digest")


def load_key(path: Path, keyid: str) -> SigningKey:
    try:
        return SigningKey.from_pem(path.read_bytes(), keyid)
    except (ValueError, TypeError) as error:  # not PEM, encrypted, or an unsupported key type
        raise click.BadParameter(f"{path} is not a usable private key ({error})",
                                 param_hint="--key") from None


def load_body(stream) -> bytes | None:
    if stream is None:
        return None
    content = stream.read()
    try:
        json.loads(content)
    except ValueError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="--json-body") from None
    return content


def answer_document(result) -> dict:
    response = result.response
    try:
        body = response.json()
    except ValueError:
        body = response.text
    headers = {name: response.headers[name] for name in HEADERS_OF_INTEREST
               if name in response.headers}
    sent_key = response.request.headers.get("Idempotency-Key")
    if sent_key:
        headers["Idempotency-Key (sent)"] = sent_key
    receipt = result.receipt
    return {
        "status": response.status_code,
        "reason_phrase": response.reason,
        "headers": headers,
        "body": body,
        "receipt": {"verified": True, "keyid": receipt.keyid,
                    "created": datetime.fromtimestamp(receipt.created, UTC)
                    .isoformat().replace("+00:00", "Z"),
                    "covers": [name for name, _ in receipt.components]},
    }


def show(document: dict) -> None:
    click.echo(f"HTTP {document['status']} {document['reason_phrase']}")
    for name, value in document["headers"].items():
        click.echo(f"{name}: {value}")
    receipt = document["receipt"]
    click.echo(f"receipt: verified (gateway key {receipt['keyid']}, created "
               f"{receipt['created']}, covers {' '.join(receipt['covers'])})")
    click.echo("")
    body = document["body"]
    click.echo(body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, indent=2))


@click.command()
@click.argument("method", type=click.Choice(["GET", "POST"], case_sensitive=False))
@click.argument("path")
@click.option("--base-url", default="http://127.0.0.1:8080", show_default=True,
              help="The gateway's scheme://host[:port], as partners reach it.")
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="The partner's private key (PEM, PKCS#8, unencrypted).")
@click.option("--keyid", required=True, help="The keyid the key is registered under.")
@click.option("--json-body", "body", type=click.File("rb"), default=None,
              help="The JSON request body: a FILE, or - for standard input.")
@click.option("--idempotency-key", default=None,
              help="Send this Idempotency-Key (POST; default: a new UUID).")
@click.option("--json", "as_json", is_flag=True,
              help="Print status, headers, body and receipt as one JSON document.")
def call(method: str, path: str, base_url: str, key_file: Path, keyid: str, body,
         idempotency_key: str | None, as_json: bool) -> None:
    """Send one signed METHOD PATH request (e.g. GET /v1/whoami) and check the receipt."""
    key = load_key(key_file, keyid)
    content = load_body(body)
    try:
        client = PartnerClient.from_published_keys(base_url, key)
        result = client.request(method.upper(), "/" + path.lstrip("/"), content=content,
                                content_type="application/json" if content is not None else None,
                                idempotency_key=idempotency_key)
    except (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
            requests.exceptions.InvalidURL) as error:
        raise click.BadParameter(str(error), param_hint="--base-url") from None
    except (requests.RequestException, ValueError) as error:  # no JWKS where it should be
        raise Unavailable(f"no usable JWKS at {base_url.rstrip('/')}{JWKS_PATH}: {error}",
                          reason="gateway_keys_unavailable") from None
    except SignatureRejected as error:
        click.echo(f"error: the gateway's answer carries no valid receipt: {error.detail} "
                   f"({error.reason})", err=True)
        raise click.exceptions.Exit(1) from None
    document = answer_document(result)
    if as_json:
        emit_json(document)
    else:
        show(document)
    if not 200 <= result.status < 300:
        raise click.exceptions.Exit(1)
