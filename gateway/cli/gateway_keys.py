"""``govgate gateway-key``: the gateway's own signing keys (receipts and log checkpoints).

``init``, ``list`` and ``jwks`` read or prepare the key directory only, so they work before the
database exists (``init`` is an installation step, like ``db upgrade``). ``rotate`` changes which
key signs from now on, and is audited like the admin API's rotation.
"""

from __future__ import annotations

import json

import click

from ..api.admin import present
from ..keystore import GatewayKeyInfo, GatewayKeyStore
from .output import emit_json, table
from .params import json_option
from .session import CliSession


def _keystore(session: CliSession) -> GatewayKeyStore:
    """The key directory alone: building the container would open (and create) a database."""
    settings = session.settings
    return GatewayKeyStore(settings.effective_key_dir, passphrase=settings.key_passphrase or None)


def present_key(info: GatewayKeyInfo) -> dict:
    """The admin API's shape (GET /v1/admin/gateway-keys), plus when the key retired."""
    return {
        "kid": info.kid,
        "algorithm": info.algorithm,
        "created_at": present.when(info.created_at),
        "current": info.current,
        "fingerprint": info.fingerprint,
        "thumbprint": info.thumbprint,
        "retired_at": present.when(info.retired_at),
    }


@click.group("gateway-key")
def gateway_key() -> None:
    """The gateway's own Ed25519 signing keys: receipts and evidence-log checkpoints."""


@gateway_key.command()
@json_option
@click.pass_obj
def init(session: CliSession, as_json: bool) -> None:
    """Create the first key unless there is a current one (safe to repeat)."""
    store = _keystore(session)
    existed = any(k.current for k in store.list())
    kid = store.ensure_current()
    if as_json:
        emit_json({"kid": kid, "created": not existed, "key_dir": str(store.directory)})
    elif existed:
        click.echo(f"current key {kid}; nothing to do")
    else:
        click.echo(f"created key {kid} in {store.directory}")


@gateway_key.command()
@json_option
@click.pass_obj
def rotate(session: CliSession, as_json: bool) -> None:
    """Sign with a new Ed25519 key from now on; old keys stay in the JWKS (audited)."""
    store = session.container().keystore

    def work(uow, now):
        kid = store.rotate()  # Ed25519 always: checkpoints are Ed25519 signatures by format
        return kid, None, {"kid": kid}

    kid = session.run("gateway_key.rotate", "gateway_key", None, work)
    if as_json:
        [info] = [k for k in store.list() if k.kid == kid]
        emit_json(present_key(info))
    else:
        click.echo(f"rotated: new key {kid}")
        click.echo("publish the new JWKS to partners and auditors: govgate gateway-key jwks")


@gateway_key.command("list")
@json_option
@click.pass_obj
def list_(session: CliSession, as_json: bool) -> None:
    """Every key the gateway ever signed with, newest first."""
    items = [present_key(k) for k in _keystore(session).list()]
    if as_json:
        emit_json({"items": items})
        return
    table(
        items,
        [
            ("kid", "kid"),
            ("algorithm", "algorithm"),
            ("current", "current"),
            ("created", "created_at"),
            ("retired", "retired_at"),
            ("fingerprint", "fingerprint"),
        ],
        empty="no gateway keys yet; run 'govgate gateway-key init'",
    )


@gateway_key.command()
@click.pass_obj
def jwks(session: CliSession) -> None:
    """Print the public JWKS (every key, retired ones too): keep it next to evidence bundles."""
    click.echo(json.dumps(_keystore(session).jwks(), indent=2))
