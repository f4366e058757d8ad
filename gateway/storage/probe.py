"""A write the database must be able to take: what readiness asks of storage.

Selecting 1 shows the database answers, not that it can store anything: a full disk, SQLite's
page limit or a read-only replica all answer reads. So the probe commits a real write — it
replaces the previous probe's row with an incompressible one larger than a page — through the
writers' own unit of work (on SQLite it queues with them and takes the write lock). The new
row goes in before the old one goes, so it needs pages of its own (a limit is not dodged by
reusing the old row's). A rolled-back write would not do: it never reaches the disk (WAL
frames are written at commit), so a full disk would pass. The table keeps one row.
"""

from __future__ import annotations

import os

from sqlalchemy import delete, insert

from .tables import storage_probes

PROBE_BYTES = 16 * 1024


def probe_write(uow_factory) -> None:
    """Returns when the write committed; raises (``StorageUnavailable`` for a database that
    cannot take it) otherwise."""
    with uow_factory() as uow:
        added = uow.connection.execute(
            insert(storage_probes).values(filler=os.urandom(PROBE_BYTES))).inserted_primary_key[0]
        uow.connection.execute(delete(storage_probes).where(storage_probes.c.id < added))
