"""``govgate evidence``: hand one message's evidence bundle to an auditor, and check one offline.

``verify`` needs nothing but the two files (the bundle and the gateway's JWKS): no settings, no
database, no key directory, so an auditor can run it on their own machine. ``export`` reads the
database and is recorded in the audit trail as ``evidence.read``, like the API's evidence read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..errors import InvalidInput
from ..evidence import GatewayKeys, MalformedEvidence, verify_bundle
from ..evidence.note import Verifier
from ..exchange.evidence_reads import logged
from .output import emit_json, table
from .params import json_option
from .session import CliSession

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def load_json(path: Path, what: str) -> Any:
    """The parsed file; one-line error (exit 1) if it is not JSON."""
    try:
        return json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise InvalidInput(f"{what} {path} is not JSON: {exc}", reason="malformed_file") from None
    except OSError as exc:
        raise InvalidInput(
            f"{what} {path} cannot be read: {exc.strerror}", reason="unreadable_file"
        ) from None


def gateway_keys(jwks: Any, source: str) -> GatewayKeys:
    try:
        return GatewayKeys.from_jwks(jwks)
    except MalformedEvidence as exc:
        raise InvalidInput(
            f"the JWKS {source} is not usable: {exc.detail}", reason="malformed_jwks"
        ) from None


def _sender_jwk(uow, fingerprint: str) -> dict:
    key = uow.keys.with_fingerprint(fingerprint)
    return dict(key.jwk) if key else {}


@click.group()
def evidence() -> None:
    """Evidence bundles: one message's log entry, its proof and the signed checkpoint."""


@evidence.command()
@click.argument("bundle_path", metavar="BUNDLE", type=EXISTING_FILE)
@click.option(
    "--jwks",
    "jwks_path",
    type=EXISTING_FILE,
    required=True,
    help="The gateway's JWKS (govgate gateway-key jwks, or GET /v1/gateway-keys).",
)
@click.option("--witness", "witness_keys", multiple=True, metavar="VKEY",
              help="A witness's cosignature/v1 verifier key (name+id+key); repeat for each.")
@click.option("--quorum", type=click.IntRange(0), default=None,
              help="How many of the --witness keys must have cosigned (default: all of them).")
@json_option
def verify(bundle_path: Path, jwks_path: Path, witness_keys: tuple[str, ...], quorum: int | None,
           as_json: bool) -> None:
    """Check BUNDLE offline against the gateway's JWKS; exit 0 only if it is verified.

    Needs no database or settings. Each check holds, fails, is not applicable to this kind of
    entry, or is not checked because a check it depends on failed. With --witness keys, the
    bundle's checkpoint must carry valid cosignatures of --quorum of them (split-view defence).
    """
    bundle = load_json(bundle_path, "the bundle")
    jwks = load_json(jwks_path, "the JWKS")
    gateway_keys(jwks, str(jwks_path))  # a bad JWKS is the caller's mistake, not a finding
    witnesses = []
    for vkey in witness_keys:
        try:
            witnesses.append(Verifier.from_vkey(vkey))
        except MalformedEvidence as exc:
            raise click.BadParameter(f"{vkey!r}: {exc.detail}", param_hint="--witness") from None
    needed = len(witnesses) if quorum is None else quorum
    if needed > len(witnesses):
        raise click.BadParameter("more than the witnesses given", param_hint="--quorum")
    report = verify_bundle(bundle, jwks, witnesses=witnesses, quorum=needed)
    if as_json:
        emit_json(report.to_json())
    else:
        table(
            [
                {"status": f.status.replace("_", " "), "check": f.name, "detail": f.detail}
                for f in report.findings
            ],
            [("status", "status"), ("check", "check"), ("detail", "detail")],
            empty="no findings",
        )
    if report.verified:
        if not as_json:
            click.echo("verified")
        return
    failed = [
        f"{f.name} {f.status.replace('_', ' ')}"
        for f in report.findings
        if f.status not in ("holds", "not_applicable")
    ]
    click.echo(f"error: the bundle is not verified: {'; '.join(failed)}", err=True)
    raise click.exceptions.Exit(1)


@evidence.command()
@click.argument("message_id")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Write the bundle to this new file (an existing file is never overwritten).",
)
@json_option
@click.pass_obj
def export(session: CliSession, message_id: str, out: Path, as_json: bool) -> None:
    """Write MESSAGE_ID's evidence bundle to a file for an auditor (recorded as evidence.read)."""
    if out.exists():
        raise click.BadParameter(f"{out} exists; choose a new file name", param_hint="--out")
    c = session.container()
    # Record the read first; the bundle is built (and the head sealed if need be) afterwards,
    # in transactions of its own, as the API does.
    session.read("evidence.read", "message", message_id, logged(message_id), audited=True)
    answer = c.message_log.evidence(message_id, _sender_jwk)
    if answer["status"] != "integrated":
        click.echo(f"error: {message_id} is not in the Merkle tree yet (another integrator is at "
                   "work); try again in a moment", err=True)
        raise click.exceptions.Exit(1)
    bundle = answer["bundle"]
    text = json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
    try:
        with open(out, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise click.BadParameter(
            f"{out} exists; choose a new file name", param_hint="--out"
        ) from None
    summary = {
        "message_id": message_id,
        "file": str(out),
        "leaf_index": bundle["entry"]["leaf_index"],
        "tree_size": bundle["proof"]["tree_size"],
    }
    if as_json:
        emit_json(summary)
        return
    click.echo(
        f"wrote the evidence bundle of {message_id} (leaf {summary['leaf_index']}, "
        f"checkpoint of size {summary['tree_size']}) to {out}"
    )
    click.echo(
        f"an auditor checks it with: govgate evidence verify {out} --jwks JWKS "
        "(JWKS from: govgate gateway-key jwks)"
    )
