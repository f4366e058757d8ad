"""What a gateway process remembers of the partner registry, and why it is never stale.

Every signed request reads its key (with the partner's status), the partner (roles, for the
access check), the partner's grants, and for most messages the nearest recipient of a role.
Those rows change only by an administrator's act, so each process keeps what it read, under
the **registry generation** it read it at:

    registry_generation (one row)   bumped by every write of partners, partner_keys, grants and
                                    admin_tokens, in the same transaction as the write (the
                                    repositories do it, so no caller can forget)
    a read-only unit of work        reads the generation once (one primary-key row), then serves
                                    the registry reads from the cache of that generation, or
                                    reads the rows and keeps them for it

**The revocation bound is 250 ms** by default (``GOVGATE_REGISTRY_GENERATION_TRUST_MS``, 0 to
5,000): a process trusts the generation it read for that long and skips the read meanwhile, so
a read-only unit of work whose registry reads are all cached needs no connection at all. A key
revocation, partner suspension, role or grant change is seen at once by the process that made it
(its unit of work forgets the trusted generation on commit) and within the bound by every other
process; with 0, every read-only unit reads the generation, and a change committed before it
begins decides it everywhere. tests/exchange/test_registry_cache.py checks both across two
processes. Validity in time (a key's ``not_after``, a grant's
``expires_at``) is still judged against the clock on every request: the cache holds rows, not
decisions.

Units of work that write never use the cache (they may read their own uncommitted changes,
which must not be remembered under any generation). Lookups that find nothing are not kept
(an unknown keyid must not grow the cache), and the cache holds at most ``MAX_ENTRIES`` rows.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, select, update

from . import tables as t

T = TypeVar("T")

_READ = select(t.registry_generation.c.generation).where(t.registry_generation.c.id == 1)
_BUMP = (update(t.registry_generation).where(t.registry_generation.c.id == 1)
         .values(generation=t.registry_generation.c.generation + 1))


BUMPED = "govgate.registry_bumped"  # in Connection.info: the unit of work tells its process


def bump(conn: Connection) -> None:
    """Make every process read the registry afresh once this transaction commits."""
    conn.execute(_BUMP)
    conn.info[BUMPED] = True


class RegistryCache:
    """Per process (one per engine): registry rows by generation. Thread-safe."""

    MAX_ENTRIES = 10_000

    def __init__(self, trust_seconds: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._generation = -1
        self._entries: dict[Any, Any] = {}
        self._trust = trust_seconds  # 0: read the generation in every unit of work
        self._read_at = float("-inf")

    def reads(self, conn: Connection) -> CachedReads:
        """The cached reads of one read-only unit of work on ``conn``."""
        return CachedReads(self, conn)

    def forget(self) -> None:
        """This process changed the registry: read the generation again before trusting it."""
        with self._lock:
            self._read_at = float("-inf")

    def _trusted(self) -> dict[Any, Any] | None:
        """The current entries if the generation was read less than ``trust_seconds`` ago."""
        if self._trust and time.monotonic() - self._read_at < self._trust:
            return self._entries
        return None

    def _entries_for(self, generation: int | None) -> dict[Any, Any]:
        with self._lock:
            if generation is None:  # no generation row: nothing can be trusted to stay current
                return {}
            if generation > self._generation or len(self._entries) >= self.MAX_ENTRIES:
                self._generation, self._entries = generation, {}
            if generation == self._generation:
                self._read_at = time.monotonic()
                return self._entries
            return {}  # this transaction reads an older generation than the cache holds


class CachedReads:
    """Reads of one unit of work: the generation is read at the first registry lookup."""

    def __init__(self, cache: RegistryCache, conn: Connection) -> None:
        self._cache, self._conn = cache, conn
        self._entries: dict[Any, Any] | None = None

    def get(self, key: Any, load: Callable[[], T]) -> T:
        """``load()``'s answer, from the cache of this transaction's generation when it has it.
        Callers get their own copy: a cached object is never handed out to be changed."""
        if self._entries is None:
            self._entries = self._cache._trusted()
        if self._entries is None:
            self._entries = self._cache._entries_for(self._conn.execute(_READ).scalar())
        try:
            found = self._entries[key]
        except KeyError:
            found = load()
            if found is None:
                return None
            self._entries[key] = found
        return _copy(found)


def _copy(value):
    if isinstance(value, list):
        return [copy.copy(item) for item in value]
    if isinstance(value, tuple):
        return tuple(copy.copy(item) for item in value)
    return copy.copy(value)
