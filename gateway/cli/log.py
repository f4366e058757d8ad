"""``govgate log``: check the whole evidence log in the database, and seal its head on demand.

``verify`` recomputes every entry's hash and every checkpoint's signature (the streaming
verifier of ``gateway.evidence``) against the gateway's JWKS, or against a JWKS the auditor kept
(``--jwks``) so that a rewritten key directory cannot vouch for a rewritten log.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..domain.admin import Permission
from ..errors import GovgateError
from ..evidence import Finding, LogReport
from ..evidence.canonical import b64
from .evidence import gateway_keys, load_json
from .output import emit_json, record
from .params import json_option
from .session import CliSession

JWKS_HELP = "Verify checkpoints against this saved JWKS instead of the key directory's."


def truncation(report: LogReport, recorded_head: int) -> Finding | None:
    """Entries removed after the last checkpoint leave a valid but shorter chain; the head row,
    read before verifying (appends only lengthen the log), still counts them."""
    if report.ok and report.head.seq < recorded_head:
        return Finding(
            "log_head_mismatch",
            report.head.seq + 1,
            f"the log ends at seq {report.head.seq} but its head row records seq {recorded_head}: "
            "unsealed entries were removed",
        )
    return None


def present_report(report: LogReport, failure: Finding | None) -> dict:
    return {
        "intact": failure is None,
        "entries_checked": report.entries_checked,
        "checkpoints_checked": report.checkpoints_checked,
        "head": {"seq": report.head.seq, "hash": b64(report.head.hash)},
        "last_checkpoint_seq": report.last_checkpoint_seq,
        "unsealed_entries": report.unsealed_entries,
        "failure": None
        if failure is None
        else {"code": failure.code, "seq": failure.seq, "detail": failure.detail},
    }


@click.group()
def log() -> None:
    """The tamper-evident evidence log of signed exchanges."""


@log.command()
@click.option(
    "--jwks",
    "jwks_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=JWKS_HELP,
)
@json_option
@click.pass_obj
def verify(session: CliSession, jwks_path: Path | None, as_json: bool) -> None:
    """Recompute the hash chain and check every checkpoint; exit 1 unless the log is intact.

    The check is an auditor's read and is recorded in the audit trail (log.verify).
    """
    saved = None if jwks_path is None else load_json(jwks_path, "the JWKS")
    c = session.container()
    if saved is None:
        keys = gateway_keys(c.keystore.jwks(), f"of {c.keystore.directory}")
    else:
        keys = gateway_keys(saved, str(jwks_path))
    recorded_head = session.read(
        "log.verify",
        "log",
        None,
        lambda uow, now: uow.message_log.count(),
        permission=Permission.AUDIT,
        audited=True,
    )
    report = c.message_log.verify(keys)
    failure = report.failure or truncation(report, recorded_head)
    data = present_report(report, failure)
    if as_json:
        emit_json(data)
    else:
        _show(data)
    if failure is not None:
        click.echo(
            f"error: the evidence log is not intact at seq {failure.seq} ({failure.code})",
            err=True,
        )
        raise click.exceptions.Exit(1)


def _show(data: dict) -> None:
    fields = [
        ("entries checked", "entries_checked"),
        ("checkpoints checked", "checkpoints_checked"),
        ("head seq", lambda d: d["head"]["seq"]),
        ("head hash", lambda d: d["head"]["hash"]),
        ("last checkpoint", "last_checkpoint_seq"),
        ("unsealed entries", "unsealed_entries"),
    ]
    failure = data["failure"]
    if failure:
        fields = [
            *fields,
            ("first bad seq", lambda d: failure["seq"]),
            ("finding", lambda d: failure["code"]),
            ("detail", lambda d: failure["detail"]),
        ]
    record(data, fields)
    if failure is None:
        click.echo("the log is intact")


@log.command()
@json_option
@click.pass_obj
def checkpoint(session: CliSession, as_json: bool) -> None:
    """Sign the log's current head now (audited); nothing to do if it is already signed."""
    c = session.container()
    # MessageLog.checkpoint takes the head lock in its own transaction, which SQLite would not
    # grant while the audit transaction is open; so sign first, then record what happened.
    try:
        signed, failure = c.message_log.checkpoint(), None
    except GovgateError as error:
        signed, failure = None, error

    def work(uow, now):
        if failure is not None:
            raise failure  # recorded as a failed log.checkpoint, then reported
        return signed, None, None if signed is None else {"seq": signed.seq, "keyid": signed.keyid}

    session.run("log.checkpoint", "log", None if signed is None else str(signed.seq), work)
    data = None if signed is None else signed.to_json()
    if as_json:
        emit_json({"checkpoint": data})
    elif signed is None:
        click.echo("the head is already signed (or the log is empty); nothing to do")
    else:
        click.echo(f"signed checkpoint at seq {signed.seq} with key {signed.keyid}")
