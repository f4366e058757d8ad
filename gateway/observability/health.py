"""/healthz, /readyz and /metrics: thin handlers for probes and scrapers (no authentication).

    /healthz   the process answers; touches nothing else (a liveness probe must not fail
               because the database did, or every replica would be restarted at once)
    /readyz    database answers SELECT 1, schema at the newest migration, signing key loads,
               the database takes a write (rolled back: storage/probe.py), the data disk has
               more free space than ``min_free_disk_mb``; 503 problem+json naming each
               failing check otherwise
    /metrics   Prometheus text format of every process sharing the metrics directory
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from connexion.lifecycle import ConnexionResponse
from sqlalchemy import text

from .. import errors
from ..api import context
from ..api.admin.present import ok
from ..keystore import GatewayKeyStore
from ..storage import migrate
from ..storage.delivery_repositories import STATES
from ..storage.probe import probe_write
from . import metrics

log = logging.getLogger("govgate.health")

OK, FAILED = "ok", "failed"


def healthz():
    return ok({"status": "alive"})


def readyz():
    c = context.container()
    checks = readiness_checks(c)
    failing = [name for name, outcome in checks.items() if outcome != OK]
    if failing:
        problem = errors.Unavailable(f"not ready: {', '.join(failing)} failed", reason="not_ready",
                                     retry_after=5)
        problem.extra = {"checks": checks}
        raise problem
    return ok({"status": "ready", "checks": checks})


def metrics_text():
    body = metrics.exposition(queue_depth(context.container()))
    # A response object: connexion would insist on the contract's bare "text/plain". The type
    # goes in as a header: given as content_type, werkzeug appends a second "; charset=utf-8".
    return ConnexionResponse(status_code=200, body=body,
                             headers={"Content-Type": metrics.CONTENT_TYPE})


def _database(c) -> None:
    with c.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _migrations(c) -> None:
    if not migrate.is_current(c.engine):
        raise errors.Unavailable("the schema is not at the newest migration",
                                 reason="schema_not_current")


def _keys(c) -> None:
    c.keystore.current()  # this process can sign
    # ... and the directory still loads: the held key would hide a directory that is gone or
    # refused, which a restart (or the next worker process) could not survive.
    settings = c.settings
    passphrase = settings.key_passphrase or None
    GatewayKeyStore(settings.effective_key_dir, passphrase=passphrase).current()


def _database_writable(c) -> None:
    probe_write(c.uow)


def _disk_space(c) -> None:
    floor = c.settings.min_free_disk_mb * 1024 * 1024
    for path in _data_filesystems(c):
        if shutil.disk_usage(path).free < floor:
            raise errors.Unavailable(f"less than {c.settings.min_free_disk_mb} MB free",
                                     reason="disk_space_low")


def _data_filesystems(c) -> list[Path]:
    """The data directory, and the SQLite file's directory when it lies elsewhere: one path
    per filesystem."""
    paths = [c.settings.data_dir]
    if c.engine.dialect.name == "sqlite" and c.engine.url.database not in (None, "", ":memory:"):
        paths.append(Path(c.engine.url.database).parent)
    seen, found = set(), []
    for path in paths:
        device = os.stat(path).st_dev
        if device not in seen:
            seen.add(device)
            found.append(path)
    return found


CHECKS = {"database": _database, "migrations": _migrations, "keys": _keys,
          "database_writable": _database_writable, "disk_space": _disk_space}


def readiness_checks(c) -> dict[str, str]:
    """Each check's outcome, "ok" or "failed" (the operator console shows them too)."""
    return {name: _outcome(name, check, c) for name, check in CHECKS.items()}


def _outcome(name: str, check, c) -> str:
    try:
        check(c)
    except Exception as error:
        log.warning("readiness check %s failed: %s", name,
                    getattr(error, "reason", type(error).__name__))
        return FAILED
    return OK


def queue_depth(c) -> dict[str, int] | None:
    """Outbox rows by state; None if the database cannot be asked."""
    try:
        with c.uow(readonly=True) as uow:
            counts = uow.deliveries.count_by_state()
    except Exception as error:
        log.warning("queue depth not counted: %s", type(error).__name__)
        return None
    return {state: counts.get(state, 0) for state in STATES}
