"""``govgate batches``: the bulk exchange's worker and a look at batches."""

from __future__ import annotations

import signal
import threading
import time

import click

from ..bootstrap import batch_worker
from ..observability.logging import configure_logging
from .output import emit_json
from .params import json_option
from .session import CliSession


@click.group()
def batches() -> None:
    """Bulk batches (comparison runs, bank results): process them, see their progress."""


@batches.command()
@click.option("--once", is_flag=True, help="Process the batches waiting now, then exit.")
@click.option("--poll-interval", type=click.FloatRange(min=0.01), default=1.0, show_default=True,
              help="Seconds to wait when no batch is waiting.")
@json_option
@click.pass_obj
def work(session: CliSession, once: bool, poll_interval: float, as_json: bool) -> None:
    """Answer received batches line by line (any number of these may run; each leases a batch)."""
    configure_logging(session.settings)
    container = session.container()
    container.keystore.ensure_current()  # results are signed with the gateway's key
    worker = batch_worker(container)
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGTERM, signal.SIGINT)}
    processed = 0
    try:
        while not stop.is_set():
            if worker.run_once():
                processed += 1
            elif once:
                break
            else:
                time.sleep(poll_interval)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if as_json:
        emit_json({"processed": processed})
    elif once:
        click.echo(f"{processed} batch(es) processed")


@batches.command()
@click.argument("batch_id")
@json_option
@click.pass_obj
def show(session: CliSession, batch_id: str, as_json: bool) -> None:
    """A batch's state and progress (lines done / total)."""
    from ..api.partner.batches import batch_status
    from ..errors import NotFound
    batch = session.read("batch.get", "batch", batch_id, lambda uow, now: uow.batches.get(batch_id))
    if batch is None:
        raise NotFound(f"no batch {batch_id}", reason="batch_not_found")
    status = batch_status(batch)
    if as_json:
        emit_json(status)
    else:
        click.echo(f"{batch.id} {batch.kind} {batch.state}: {batch.lines_done}/{batch.lines_total} lines"
                   + (f" {batch.summary}" if batch.summary else ""))
