"""``govgate log``: check the evidence log's Merkle tree, integrate it, prove consistency.

``verify`` recomputes every leaf from its entry, the tree from the leaves, the stored subtrees
proofs are served from, and every signed checkpoint (``gateway.evidence.tree_verify``), against
the gateway's JWKS or one the auditor kept (``--jwks``); a migrated database's frozen v1 chain is
verified too, and must be the tree's first leaves. ``integrate`` runs the integrator (once, or
until interrupted) for deployments that do not integrate inside ``govgate serve``.
``consistency OLD NEW`` prints (and checks) the RFC 9162 proof that size NEW extends size OLD.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from ..domain.admin import Permission
from ..errors import GovgateError
from ..evidence import merkle
from ..evidence.canonical import b64
from ..evidence.verify import verify_log
from .evidence import gateway_keys, load_json
from .output import emit_json, record
from .params import json_option
from .session import CliSession

JWKS_HELP = "Verify checkpoints against this saved JWKS instead of the key directory's."


def present_report(report, pending: int, v1) -> dict:
    failure = report.failure
    if failure is None and v1 is not None and v1.failure is not None:
        failure = v1.failure
        failure_json = {"code": "v1_" + failure.code, "index": failure.seq, "detail": failure.detail}
    else:
        failure_json = None if failure is None else {"code": failure.code, "index": failure.index,
                                                     "detail": failure.detail}
    return {
        "intact": failure_json is None,
        "entries_checked": report.entries_checked,
        "checkpoints_checked": report.checkpoints_checked,
        "nodes_checked": report.nodes_checked,
        "tree": {"size": report.size, "root": b64(report.root)},
        "last_checkpoint_size": report.last_checkpoint_size,
        "pending_entries": pending,
        "v1_chain": None if v1 is None else {"entries_checked": v1.entries_checked,
                                              "checkpoints_checked": v1.checkpoints_checked},
        "failure": failure_json,
    }


@click.group()
def log() -> None:
    """The evidence log: a Merkle tree of signed exchanges with signed checkpoints."""


@log.command()
@click.option("--jwks", "jwks_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help=JWKS_HELP)
@json_option
@click.pass_obj
def verify(session: CliSession, jwks_path: Path | None, as_json: bool) -> None:
    """Recompute the tree and check every checkpoint; exit 1 unless the log is intact.

    The check is an auditor's read and is recorded in the audit trail (log.verify).
    """
    saved = None if jwks_path is None else load_json(jwks_path, "the JWKS")
    c = session.container()
    keys = (gateway_keys(c.keystore.jwks(), f"of {c.keystore.directory}") if saved is None
            else gateway_keys(saved, str(jwks_path)))

    def counts(uow, now):
        return uow.message_log.pending_count(), uow.message_log.v1_head()

    pending, v1_size = session.read("log.verify", "log", None, counts, permission=Permission.AUDIT, audited=True)
    report = c.message_log.verify(keys)
    v1 = None
    if v1_size:
        with c.uow(readonly=True) as uow:
            v1 = verify_log(uow.message_log.v1_entries(), uow.message_log.v1_checkpoints(), keys)
    data = present_report(report, pending, v1)
    if as_json:
        emit_json(data)
    else:
        _show(data)
    if not data["intact"]:
        failure = data["failure"]
        click.echo(f"error: the evidence log is not intact at leaf {failure['index']} ({failure['code']})",
                   err=True)
        raise click.exceptions.Exit(1)


def _show(data: dict) -> None:
    fields = [
        ("entries checked", "entries_checked"),
        ("checkpoints checked", "checkpoints_checked"),
        ("nodes checked", "nodes_checked"),
        ("tree size", lambda d: d["tree"]["size"]),
        ("tree root", lambda d: d["tree"]["root"]),
        ("last checkpoint", "last_checkpoint_size"),
        ("pending entries", "pending_entries"),
    ]
    if data["v1_chain"]:
        fields.append(("v1 chain entries", lambda d: d["v1_chain"]["entries_checked"]))
    failure = data["failure"]
    if failure:
        fields += [("first bad leaf", lambda d: failure["index"]), ("finding", lambda d: failure["code"]),
                   ("detail", lambda d: failure["detail"])]
    record(data, fields)
    if failure is None:
        click.echo("the log is intact")


@log.command()
@click.option("--once", is_flag=True, help="Integrate what is pending now, then exit.")
@json_option
@click.pass_obj
def integrate(session: CliSession, once: bool, as_json: bool) -> None:
    """Place pending entries in the tree and sign checkpoints (one integrator at a time).

    Without --once it runs until interrupted, like the integrator inside `govgate serve`;
    several may run: the integrator lock lets one work at a time.
    """
    c = session.container()
    if not once:
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        click.echo(f"integrating every {c.settings.log_batch_ms} ms; interrupt to stop")
        c.message_log.run(stop, c.settings.log_batch_ms / 1000)
        return
    batches, last, failure = 0, None, None
    try:  # integrate first (its own transactions), then record what happened (log.integrate)
        while (done := c.message_log.integrate_once()) is not None:
            batches, last = batches + 1, done
            if done.placed < c.message_log.batch_max:
                break
    except GovgateError as error:
        failure = error

    def work(uow, now):
        if failure is not None:
            raise failure  # recorded as a failed log.integrate, then reported
        return None, None, None if last is None else {"batches": batches, "tree_size": last.size}

    session.run("log.integrate", "log", None if last is None else str(last.size), work)
    data = {"batches": batches, "tree_size": None if last is None else last.size,
            "checkpoint": None if last is None else last.note}
    if as_json:
        emit_json(data)
    elif last is None:
        click.echo("nothing pending (or another integrator is at work)")
    else:
        click.echo(f"integrated {batches} batch(es); signed checkpoint of size {last.size}:")
        click.echo(last.note, nl=False)


@log.command()
@json_option
@click.pass_obj
def checkpoint(session: CliSession, as_json: bool) -> None:
    """Print the latest signed checkpoint (with the witnesses' cosignatures)."""
    from ..exchange.message_log import with_cosignatures

    c = session.container()
    with c.uow(readonly=True) as uow:
        latest = c.message_log.latest(uow)
    if latest is None:
        if as_json:
            emit_json({"checkpoint": None})
        else:
            click.echo("no checkpoint yet (the log is empty or not yet integrated)")
        return
    stored, cosignatures = latest
    note = with_cosignatures(stored.note, cosignatures.values())
    if as_json:
        emit_json({"size": stored.size, "root": b64(stored.root), "checkpoint": note,
                   "cosigned_by": sorted(cosignatures)})
    else:
        click.echo(note, nl=False)


@log.command()
@click.argument("old", type=click.IntRange(0))
@click.argument("new", type=click.IntRange(0))
@json_option
@click.pass_obj
def consistency(session: CliSession, old: int, new: int, as_json: bool) -> None:
    """The RFC 9162 consistency proof from tree size OLD to NEW, checked against the signed
    checkpoints of both sizes; exit 1 if they are not consistent."""
    if old > new:
        raise click.BadParameter("OLD must not be larger than NEW", param_hint="OLD")
    c = session.container()
    with c.uow(readonly=True) as uow:
        first, second = uow.message_log.checkpoint(old), uow.message_log.checkpoint(new)
        missing = [str(s) for s, cp in ((old, first), (new, second)) if cp is None and s != 0]
        if missing:
            raise click.BadParameter(f"no signed checkpoint of size {', '.join(missing)}")
        proof = c.message_log.consistency_proof(uow, old, new)
    old_root = first.root if first else merkle.EMPTY_ROOT
    holds = merkle.verify_consistency(old, new, old_root, second.root, proof)
    data = {"old": old, "new": new, "old_root": b64(old_root), "new_root": b64(second.root),
            "proof": [b64(h) for h in proof], "consistent": holds}
    if as_json:
        emit_json(data)
    else:
        for h in data["proof"]:
            click.echo(h)
        click.echo(f"size {new} {'extends' if holds else 'does NOT extend'} size {old}")
    if not holds:
        raise click.exceptions.Exit(1)
