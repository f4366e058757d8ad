"""``govgate worker``: the delivery worker process (the outbox's consumer).

Run as many as you like, on as many machines as share the database: on PostgreSQL each claim
skips rows other workers hold (``FOR UPDATE SKIP LOCKED``). SIGTERM or Ctrl-C stops taking new
deliveries; attempts in flight finish first. A worker that is killed outright loses nothing:
its leased deliveries are retried once their lease expires.
"""

from __future__ import annotations

import signal
import threading

import click

from ..delivery.assembly import DeliverySettings, delivery_worker
from ..errors import GovgateError
from ..observability import metrics
from ..observability.logging import configure_logging
from .session import CliSession


@click.command()
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--concurrency", type=click.IntRange(1, 32), default=1, show_default=True,
              help="Deliveries attempted at the same time (threads) in this process.")
@click.option("--poll-interval", type=click.FloatRange(min=0.01), default=None,
              help="Seconds to wait when nothing is due (GOVGATE_WORKER_POLL_SECONDS; default 1).")
@click.pass_obj
def worker(session: CliSession, once: bool, concurrency: int, poll_interval: float | None) -> None:
    """Deliver accepted messages to their recipients, with retries and dead letters."""
    configure_logging(session.settings)
    metrics.share_directory(metrics.metrics_directory(session.settings))  # read by govgate serve
    container = session.container()
    container.keystore.ensure_current()  # deliveries are signed with the gateway's key
    poll = poll_interval or DeliverySettings.from_settings(session.settings).poll_seconds
    workers = [delivery_worker(container) for _ in range(concurrency)]
    stop = threading.Event()
    attempts = [0] * concurrency

    def stop_on_signal(signum, _frame) -> None:
        stop.set()

    previous = {signum: signal.signal(signum, stop_on_signal)
                for signum in (signal.SIGTERM, signal.SIGINT)}

    failures: list[GovgateError] = []

    def run(index: int) -> None:
        if once:
            try:
                attempts[index] = workers[index].run_once()
            except GovgateError as error:  # e.g. storage_unavailable: said once, exit 1
                failures.append(error)
        else:
            workers[index].run(stop, poll)

    threads = [threading.Thread(target=run, args=(i,), name=f"delivery-{i}", daemon=True)
               for i in range(concurrency)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():  # short joins, so the main thread still handles signals
                thread.join(0.2)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if once:
        click.echo(f"{sum(attempts)} delivery attempt(s) made")
        if failures:
            raise failures[0]  # the CLI's error line and exit code (cli/__init__.py)
