"""``govgate demo``: the gateway and five partner systems on loopback, and the whole story.

Nothing here reads ``GOVGATE_*`` settings except ``--data-dir``: the demo always runs on the
embedded default (SQLite) in a fresh directory, so it behaves the same on every machine.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
import threading
import warnings
from pathlib import Path

import click

from .session import CliSession


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # so the cleanup in ``finally`` runs, as after Ctrl-C


def wait_for_interrupt() -> None:
    """Block until Ctrl-C or SIGTERM."""
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_: stop.set())
                for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.wait(0.5):  # short waits, so the main thread still handles signals
            pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@click.command()
@click.option("--keep", is_flag=True,
              help="Leave the gateway, worker and partner systems running until Ctrl-C, and "
                   "print how to call them.")
@click.option("--data-dir", "demo_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None,
              help="A fresh directory for the demo's database and keys, kept afterwards (default: "
                   "a new temporary directory, removed when the demo ends; also taken from "
                   "govgate's global --data-dir).")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Loopback port for the gateway (default: any free port).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the summary (and, with --keep, where everything runs) as one JSON "
                   "document instead of progress and text.")
@click.pass_obj
def demo(session: CliSession, keep: bool, demo_dir: Path | None, port: int,
         as_json: bool) -> None:
    """Run the gateway with simulated HR, tax, finance, bank and guarantee-fund systems on
    127.0.0.1 and play every exchange: a deferral conclusion, a loan qualification, a
    guarantee review and decision, a subsidy claim and decision, a forged signature, a replay
    and a retried delivery; then list every message, its receipts, and verify the log.

    Exit status 0 when every step went as the story expects, 1 otherwise.
    """
    # connexion imports starlette's test client, which warns about httpx on every start;
    # the README's first command should not open with a library's deprecation notice.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from ..demo import Demo, display_for  # imported late: the demo package is large

    given = demo_dir or session.overrides.get("data_dir")
    # A directory we made holds the partners' private keys: it goes when the demo does.
    scratch = None if given else Path(tempfile.mkdtemp(prefix="govgate-demo-"))
    directory = Path(given) if given else scratch
    display = display_for(as_json)
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        run = Demo(directory, display, port=port)
        try:
            summary = run.play()
            if keep:
                display.keep(run.running())
                wait_for_interrupt()
                if not as_json:
                    click.echo("stopping the demo")
        finally:
            display.finish()
            run.stop()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    if not summary["ok"]:
        raise click.exceptions.Exit(1)
