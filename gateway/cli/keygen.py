"""``govgate keys generate``: a new key pair for a partner, written to files.

The private half goes to a file created with mode 0600 in the same ``open`` call that creates
it, so it is never readable by others, not even for an instant; it is handed to the partner and
never stored by the gateway. Existing files are never overwritten.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..api.admin import present
from ..errors import Conflict, FieldError, InvalidInput
from ..services import keys as key_service
from ..signatures.signing_key import SigningKey
from .output import emit_json, warn
from .params import TIME, TIME_HELP, json_option
from .session import CliSession

ALGORITHMS = ["ed25519", "ecdsa-p256-sha256", "rsa-pss-sha512"]
PRIVATE_MODE = 0o600
PUBLIC_MODE = 0o644


def write_new_file(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` with exactly ``mode``; fail if it exists (or is a symlink)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        raise Conflict(f"{path} already exists; not overwriting it", reason="file_exists") from None
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), mode)  # the umask may have narrowed the public file's mode
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def key_files(out: Path, keyid: str) -> tuple[Path, Path]:
    return out / f"{keyid}.private.pem", out / f"{keyid}.public.pem"


@click.command("generate")
@click.argument("partner_id")
@click.option(
    "--algorithm",
    type=click.Choice(ALGORITHMS),
    required=True,
    help="Signature algorithm (RSA keys have 3072 bits).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory for KEYID.private.pem (0600) and KEYID.public.pem (0644).",
)
@click.option("--keyid", default=None, help="Key identifier (default: the RFC 7638 thumbprint).")
@click.option(
    "--register/--no-register",
    default=True,
    show_default=True,
    help="Register the public half for the partner.",
)
@click.option(
    "--not-before", type=TIME, default=None, help=f"Valid from, when registering. {TIME_HELP}."
)
@click.option(
    "--not-after", type=TIME, default=None, help=f"Valid until, when registering. {TIME_HELP}."
)
@json_option
@click.pass_obj
def generate(
    session: CliSession, partner_id, algorithm, out, keyid, register, not_before, not_after, as_json
):
    """Generate a key pair for a partner and (by default) register its public half.

    The private key is written once, to a 0600 file, for you to hand to the partner over a
    secure channel; the gateway never keeps it.
    """
    if register:
        session.container()  # refuse an unmigrated database before any file is written
    pair = SigningKey.generate(algorithm, keyid or "pending")
    info = pair.public_info()
    keyid = keyid or info.thumbprint
    if not key_service.KEYID.match(keyid):
        raise InvalidInput(
            "the keyid is not valid",
            reason="validation_failed",
            errors=[FieldError("/keyid", "use 1 to 200 of A-Z a-z 0-9 . _ : -")],
        )
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    private_file, public_file = key_files(out, keyid)
    for path in (private_file, public_file):
        if path.exists() or path.is_symlink():
            raise Conflict(f"{path} already exists; not overwriting it", reason="file_exists")
    write_new_file(private_file, pair.private_pem().encode("ascii"), PRIVATE_MODE)
    written = [private_file]
    try:
        write_new_file(public_file, info.pem.encode("ascii"), PUBLIC_MODE)
        written.append(public_file)
        key = None
        if register:
            key = session.run(
                "key.register",
                "partner",
                partner_id,
                lambda uow, now: key_service.register(
                    uow,
                    partner_id,
                    info.pem,
                    keyid=keyid,
                    algorithm=algorithm,
                    not_before=not_before,
                    not_after=not_after,
                    now=now,
                ),
            )
    except BaseException:
        # A pair the gateway does not know (or half a pair) is worse than none: clean up.
        for path in written:
            path.unlink(missing_ok=True)
        raise
    result = {
        "keyid": keyid,
        "partner_id": partner_id,
        "algorithm": algorithm,
        "private_key_file": str(private_file),
        "public_key_file": str(public_file),
        "registered": key is not None,
        "key": present.key(key) if key is not None else None,
    }
    if as_json:
        emit_json(result)
        return
    click.echo(f"private key: {private_file} (mode 0600)")
    click.echo(f"public key:  {public_file}")
    if key is not None:
        click.echo(f"registered key {keyid} ({algorithm}) for partner {partner_id}")
    else:
        click.echo(
            f"not registered; later: govgate keys add {partner_id} --public-key {public_file}"
            f" --keyid {keyid}"
        )
    warn(
        "hand the private key to the partner over a secure channel, then delete this copy; "
        "the gateway does not keep it"
    )
