"""The witness's state: one row per log origin, the last cosigned size and root; and every
checkpoint it refused (the evidence of a split view). One SQLite file, its own."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cosigned (origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL,
                                     note TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS refused (id INTEGER PRIMARY KEY, origin TEXT NOT NULL, status INTEGER NOT NULL,
                                    reason TEXT NOT NULL, request TEXT NOT NULL, at INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class Cosigned:
    size: int
    root: bytes


class WitnessState:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn:
            conn.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # a cosignature is never handed out for a lost state
        return conn

    def latest(self, origin: str) -> Cosigned:
        with closing(self._connect()) as conn:
            row = conn.execute("SELECT size, root FROM cosigned WHERE origin = ?", (origin,)).fetchone()
        return Cosigned(0, b"") if row is None else Cosigned(row[0], bytes(row[1]))

    def advance(self, origin: str, decide: Callable[[Cosigned], tuple[int, bytes, str] | None], now: int):
        """Atomically: read the origin's state, let ``decide(state)`` check the new checkpoint
        (raising to refuse), store what it returns. Check and update are one write transaction,
        so two requests can never roll the state back (tlog-witness, add-checkpoint)."""
        with closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute("SELECT size, root FROM cosigned WHERE origin = ?", (origin,)).fetchone()
                state = Cosigned(0, b"") if row is None else Cosigned(row[0], bytes(row[1]))
                size, root, note = decide(state)
                conn.execute("INSERT INTO cosigned (origin, size, root, note, updated_at) VALUES (?, ?, ?, ?, ?) "
                             "ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, "
                             "note = excluded.note, updated_at = excluded.updated_at",
                             (origin, size, root, note, now))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def refuse(self, origin: str, status: int, reason: str, request: str, now: int) -> None:
        with closing(self._connect()) as conn:
            conn.execute("INSERT INTO refused (origin, status, reason, request, at) VALUES (?, ?, ?, ?, ?)",
                         (origin, status, reason, request, now))

    def refusals(self) -> list[tuple[str, int, str]]:
        with closing(self._connect()) as conn:
            return [tuple(r) for r in conn.execute("SELECT origin, status, reason FROM refused ORDER BY id")]
