"""``govgate keys``: partners' public signing keys (registration, rotation, revocation)."""

from __future__ import annotations

import click

from ..api.admin import present
from ..services import keys as key_service
from ..services.partners import PartnerRegistry
from .keygen import generate
from .output import emit_json, record, table
from .params import TIME, TIME_HELP, json_option
from .session import CliSession

ALGORITHMS = ["ed25519", "ecdsa-p256-sha256", "rsa-pss-sha512", "sm2-sm3"]
MAX_KEY_FILE = 64 * 1024  # far above any public key; stops a wrong file being slurped

KEY_FIELDS = [
    ("keyid", "keyid"),
    ("partner", "partner_id"),
    ("algorithm", "algorithm"),
    ("status", "status"),
    ("not before", "not_before"),
    ("not after", "not_after"),
    ("fingerprint", "fingerprint"),
    ("thumbprint", "thumbprint"),
    ("revoked", "revoked_at"),
    ("revoked for", "revoked_reason"),
    ("created", "created_at"),
]


def read_key_text(key_file) -> str:
    """The text of a PEM or JWK file; binary (DER) and oversized files are usage errors."""
    data = key_file.read(MAX_KEY_FILE + 1)
    if len(data) > MAX_KEY_FILE:
        raise click.BadParameter(
            "larger than any public key; is this the right file?", param_hint="--public-key"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise click.BadParameter(
            "not a text file; give the key as PEM or JWK JSON "
            "(DER converts with: openssl pkey -pubin -inform DER -outform PEM)",
            param_hint="--public-key",
        ) from None


def show_key(data: dict, as_json: bool) -> None:
    if as_json:
        emit_json(data)
    else:
        record(data, KEY_FIELDS)


@click.group()
def keys() -> None:
    """Partners' public signing keys. The gateway never stores a private key."""


keys.add_command(generate)


@keys.command()
@click.argument("partner_id")
@click.option(
    "--public-key",
    "key_file",
    type=click.File("rb"),
    required=True,
    help="PEM or JWK JSON file with the PUBLIC key; '-' reads stdin. Private keys are refused.",
)
@click.option("--keyid", default=None, help="Key identifier (default: the RFC 7638 thumbprint).")
@click.option(
    "--algorithm",
    type=click.Choice(ALGORITHMS),
    default=None,
    help="Expected algorithm (default: follows from the key). sm2-sm3 keys (PEM or 04‖x‖y "
    "hex) verify partner formats such as tax CFX only, never RFC 9421 signatures.",
)
@click.option(
    "--not-before", type=TIME, default=None, help=f"Valid from (default now). {TIME_HELP}."
)
@click.option(
    "--not-after", type=TIME, default=None, help=f"Valid until (default open). {TIME_HELP}."
)
@json_option
@click.pass_obj
def add(
    session: CliSession, partner_id, key_file, keyid, algorithm, not_before, not_after, as_json
):
    """Register a partner's public key."""
    material = read_key_text(key_file)
    key = session.run(
        "key.register",
        "partner",
        partner_id,
        lambda uow, now: key_service.register(
            uow,
            partner_id,
            material,
            keyid=keyid,
            algorithm=algorithm,
            not_before=not_before,
            not_after=not_after,
            now=now,
        ),
    )
    show_key(present.key(key), as_json)


@keys.command("list")
@click.argument("partner_id")
@json_option
@click.pass_obj
def list_(session: CliSession, partner_id, as_json):
    """List a partner's keys, oldest first."""

    def work(uow, now):
        PartnerRegistry.get(uow, partner_id)
        return uow.keys.for_partner(partner_id)

    body = {
        "items": [present.key(k) for k in session.read("key.list", "partner", partner_id, work)]
    }
    if as_json:
        emit_json(body)
        return
    table(
        body["items"],
        [
            ("keyid", "keyid"),
            ("algorithm", "algorithm"),
            ("status", "status"),
            ("not before", "not_before"),
            ("not after", "not_after"),
        ],
        empty=f"partner {partner_id} has no keys",
    )


@keys.command()
@click.argument("partner_id")
@click.argument("keyid")
@click.option("--pem", is_flag=True, help="Print only the public key PEM.")
@json_option
@click.pass_obj
def show(session: CliSession, partner_id, keyid, pem, as_json):
    """Show one key."""
    key = session.read(
        "key.get", "key", keyid, lambda uow, now: key_service.get(uow, keyid, partner_id)
    )
    if pem:
        click.echo(key.public_key_pem, nl=False)
        return
    show_key(present.key(key), as_json)


@keys.command()
@click.argument("partner_id")
@click.argument("keyid")
@click.option("--reason", required=True, help="Why (kept in the key record and the audit trail).")
@json_option
@click.pass_obj
def revoke(session: CliSession, partner_id, keyid, reason, as_json):
    """Revoke a key at once: signatures made with it are refused from now on."""
    key = session.run(
        "key.revoke",
        "key",
        keyid,
        lambda uow, now: key_service.revoke(uow, keyid, reason, now, partner_id),
    )
    if as_json:
        emit_json(present.key(key))
    else:
        click.echo(f"key {key.keyid} of partner {key.partner_id} is revoked")


@keys.command()
@click.argument("partner_id")
@click.argument("keyid")
@click.option(
    "--not-after", type=TIME, required=True, help=f"Last moment of validity. {TIME_HELP}."
)
@json_option
@click.pass_obj
def expire(session: CliSession, partner_id, keyid, not_after, as_json):
    """Set when a key stops being valid - how an overlapping rotation is finished."""
    key = session.run(
        "key.update",
        "key",
        keyid,
        lambda uow, now: key_service.set_expiry(uow, keyid, not_after, partner_id),
    )
    if as_json:
        emit_json(present.key(key))
    else:
        click.echo(f"key {key.keyid} is valid until {present.when(key.not_after)}")
