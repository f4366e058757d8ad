"""One writer process of the concurrency test: its own container, appending to the shared log.

Module-level so that multiprocessing's 'spawn' start method can import it in the child.
"""

from __future__ import annotations

from pathlib import Path

from gateway.bootstrap import build_container
from gateway.settings import Settings
from tests.unit.evidence_factory import Parties, inbound_record


def append_records(database_url: str, data_dir: str, interval: int, writer: int, count: int,
                   barrier) -> None:
    """Append ``count`` signed exchanges, one transaction each, once every writer is ready."""
    settings = Settings(data_dir=Path(data_dir), database_url=database_url,
                        checkpoint_interval=interval)
    container = build_container(settings)
    parties = Parties.fresh()
    # Message n of writer w is numbered w*1000+n, so the test can check each writer's order.
    records = [inbound_record(parties, writer * 1000 + n) for n in range(count)]
    barrier.wait(timeout=120)
    try:
        for record in records:
            with container.uow() as uow:
                container.message_log.append(uow, record)
    finally:
        container.close()
