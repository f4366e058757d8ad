"""``govgate witness``: the C2SP tlog-witness a partner agency runs to cosign the gateway's log.

Needs no gateway database or settings: its own Ed25519 key file, its own SQLite state file and
the verifier keys of the logs it witnesses (``GET /v1/log`` lists the gateway's).

    govgate witness init --key witness.pem --name witness.tax.example/w1   prints the vkey
    govgate witness serve --key witness.pem --name … --state witness.db --log VKEY [--log VKEY]
    govgate witness status --state witness.db                              cosigned sizes, refusals
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..evidence.canonical import MalformedEvidence
from ..evidence.note import ALG_COSIGNATURE_V1, ALG_ED25519, Verifier
from .output import emit_json
from .params import json_option


def _load_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise click.BadParameter(f"{path} is not a readable PEM private key: {exc}", param_hint="--key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise click.BadParameter(f"{path} is not an Ed25519 key", param_hint="--key")
    return key


def _vkey(name: str, key: Ed25519PrivateKey) -> str:
    return Verifier(name, key.public_key(), ALG_COSIGNATURE_V1).vkey


@click.group()
def witness() -> None:
    """A transparency-log witness (C2SP tlog-witness) for the gateway's evidence log."""


NAME = click.option("--name", required=True, help="The witness's key name, a schema-less URL.")


@witness.command()
@click.option("--key", "key_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Write the new Ed25519 private key here (never overwritten; mode 0600).")
@NAME
def init(key_path: Path, name: str) -> None:
    """Make the witness's key; print its cosignature verifier key for the gateway's settings."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise click.BadParameter(f"{key_path} exists; choose a new file", param_hint="--key") from None
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    click.echo(_vkey(name, key))


@witness.command()
@click.option("--key", "key_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@NAME
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The witness's own SQLite file (created if missing).")
@click.option("--log", "log_keys", multiple=True, required=True, metavar="VKEY",
              help="A verifier key of a log to witness (name = the log's origin); repeat for each.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8090, show_default=True)
@click.option("--prefix", default="", help="URL prefix of add-checkpoint (the submission prefix).")
def serve(key_path: Path, name: str, state_path: Path, log_keys: tuple[str, ...], host: str, port: int,
          prefix: str) -> None:
    """Serve POST <prefix>/add-checkpoint until interrupted."""
    from ..witness.server import make_server
    from ..witness.service import Witness
    from ..witness.state import WitnessState

    logs: dict[str, list[Verifier]] = {}
    for vkey in log_keys:
        try:
            verifier = Verifier.from_vkey(vkey)
        except MalformedEvidence as exc:
            raise click.BadParameter(f"{vkey!r}: {exc.detail}", param_hint="--log") from None
        if verifier.alg != ALG_ED25519:
            raise click.BadParameter(f"{vkey!r} is not a log's Ed25519 (0x01) key", param_hint="--log")
        logs.setdefault(verifier.name, []).append(verifier)
    key = _load_key(key_path)
    server = make_server(Witness(name, key, logs, WitnessState(state_path)), host, port, prefix)
    click.echo(f"witness {name} ({_vkey(name, key)}) listening on http://{host}:{server.server_port}"
               f"{prefix.rstrip('/')}/add-checkpoint for {', '.join(sorted(logs))}", err=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@witness.command()
@click.option("--state", "state_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@json_option
def status(state_path: Path, as_json: bool) -> None:
    """What the witness has cosigned, and the checkpoints it refused (split views)."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(state_path)) as conn:
        cosigned = [{"origin": o, "size": s} for o, s in conn.execute("SELECT origin, size FROM cosigned")]
        refused = [{"origin": o, "status": st, "reason": r}
                   for o, st, r in conn.execute("SELECT origin, status, reason FROM refused ORDER BY id")]
    if as_json:
        emit_json({"cosigned": cosigned, "refused": refused})
        return
    for row in cosigned:
        click.echo(f"{row['origin']}: cosigned size {row['size']}")
    for row in refused:
        click.echo(f"refused ({row['status']}) {row['origin']}: {row['reason']}")
