"""The SQL unit of work: one transaction, with every repository bound to it.

The database's own failures — a full disk, SQLite's page limit, a lost or terminated
connection, a pool that gives none — are translated here, where they enter, into
``StorageUnavailable`` (503 with Retry-After): the transaction was rolled back, so nothing of
it was kept and the caller may retry. Constraint violations stay ``IntegrityError`` (the
callers turn races into their own answers); anything else is a bug and stays itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from functools import cached_property

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from ..errors import StorageUnavailable
from . import admin_repositories as a
from . import allowance_schedules as las
from . import batch_repositories as b
from . import console_repositories as cs
from . import delivery_repositories as d
from . import exchange_repositories as x
from . import measure_repositories as m
from . import partner_repositories as r
from . import policy_repositories as p
from .database import WriterQueue, writer_queue
from .registry_cache import BUMPED, RegistryCache

log = logging.getLogger("govgate.storage")


def is_storage_failure(error: BaseException) -> bool:
    """The database could not do its part (as opposed to refusing the data, or a bug)."""
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError))


def storage_unavailable(error: BaseException) -> StorageUnavailable:
    orig = getattr(error, "orig", None) or error
    first_line = (str(orig).strip().splitlines() or [""])[0][:200]
    log.warning("storage failure: %s: %s", type(orig).__name__, first_line)
    return StorageUnavailable()


class _OnFirstUse:
    """A read-only unit's connection, opened when a repository first sends a statement."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def __getattr__(self, name: str):
        return getattr(self._uow._connect(), name)


def _repository(factory) -> cached_property:
    return cached_property(lambda uow: factory(uow._bound))


def _registry_repository(factory) -> cached_property:
    """A registry repository: read-only units serve it from the process's registry cache."""
    return cached_property(lambda uow: factory(uow._bound, uow._cached))


class SqlUnitOfWork:
    """``with uow:`` opens a transaction; it commits on a clean exit and rolls back on error."""

    def __init__(self, engine: Engine, readonly: bool = False, writers: WriterQueue | None = None,
                 claim_keys: Callable[[str], str] | None = None, registry: RegistryCache | None = None) -> None:
        self._engine = engine
        self._claim_keys = claim_keys
        self._registry = registry
        self._readonly = readonly
        self._conn: Connection | None = None
        self._entered = False
        self._writers = None if readonly else writers  # readers never wait (WAL)
        self._release = ExitStack()

    def __enter__(self) -> SqlUnitOfWork:
        with ExitStack() as stack:  # the writer's turn is given back if opening fails
            if self._writers is not None:
                stack.enter_context(self._writers.turn())
            try:
                self._open()
            except Exception as error:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None
                self._entered = False
                if is_storage_failure(error):
                    raise storage_unavailable(error) from error
                raise
            self._release = stack.pop_all()
        return self

    def _open(self) -> None:
        for name in _REPOSITORIES:  # a unit entered again binds its repositories afresh
            self.__dict__.pop(name, None)
        self._conn, self._entered, self._cached = None, True, None
        if self._readonly:  # connected at the first statement: cached registry reads need none
            self._bound = _OnFirstUse(self)
            if self._registry is not None:  # (a writer reads through: it may see its own changes)
                self._cached = self._registry.reads(self._bound)
        else:
            self._bound = self._connect()

    def _connect(self) -> Connection:
        if self._conn is not None:
            return self._conn
        assert self._entered, "unit of work used outside 'with'"
        conn = self._engine.connect()
        try:
            if self._readonly:
                options = {"govgate_readonly": True}
                if self._engine.dialect.name == "postgresql":
                    # Under READ COMMITTED each statement reads its own snapshot inside a transaction
                    # too, so a reader's BEGIN and COMMIT would buy two round trips and nothing else.
                    options["isolation_level"] = "AUTOCOMMIT"
                conn = conn.execution_options(**options)
            self._transaction = conn.begin()
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    @property
    def connection(self) -> Connection:
        return self._connect()

    # Each repository is bound to this unit's connection when first used: a unit of work uses a
    # few of them, and is opened several times per request.
    partners = _registry_repository(r.PartnerRepository)
    keys = _registry_repository(r.KeyRepository)
    grants = _registry_repository(r.GrantRepository)
    tokens = _repository(a.AdminTokenRepository)
    audit = _repository(a.AuditRepository)
    rate_windows = _repository(a.RateWindowRepository)
    nonces = _repository(x.NonceRepository)
    idempotency = _repository(x.IdempotencyRepository)
    message_log = _repository(x.MessageLogRepository)
    messages = _repository(p.MessageRepository)
    qualifications = _repository(p.QualificationRepository)
    subsidy_claim_lines = _repository(p.SubsidyClaimLineRepository)
    deliveries = _repository(d.DeliveryRepository)
    measure_decisions = _repository(m.MeasureDecisionRepository)
    measure_claims = cached_property(lambda self: m.ClaimRegister(
        self._bound, *([self._claim_keys] if self._claim_keys else [])))
    risk_areas = _repository(m.RiskAreaRepository)
    living_allowance_schedules = _repository(las.LivingAllowanceScheduleRepository)
    batches = _repository(b.BatchRepository)
    payout_lines = _repository(m.PayoutLineRepository)
    console_sessions = _repository(cs.ConsoleSessionRepository)

    def __exit__(self, exc_type, exc, tb) -> None:
        failure = exc
        try:
            if self._conn is None:
                pass  # a read-only unit that never sent a statement
            elif exc_type is None:
                self._transaction.commit()
                # Revocation is immediate in the process that made it. (A flag left by a rolled
                # back unit only makes a later commit forget once more: one generation read.)
                if self._conn.info.pop(BUMPED, False) and self._registry is not None:
                    self._registry.forget()
            else:
                self._transaction.rollback()
        except Exception as error:
            # A commit that fails is the failure; a rollback that fails (the connection is
            # gone) leaves the error that caused it as the one to report.
            failure = failure or error
        finally:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            self._entered = False
            self._release.close()
        if failure is not None and is_storage_failure(failure):
            raise storage_unavailable(failure) from failure
        if failure is not None and failure is not exc:
            raise failure


_REPOSITORIES = tuple(name for name, value in vars(SqlUnitOfWork).items()
                      if isinstance(value, cached_property))


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine, claim_keys: Callable[[str], str] | None = None, *,
                 registry_trust_seconds: float = 0.0) -> None:
        self.engine = engine
        self._writers = writer_queue(engine)
        self._claim_keys = claim_keys  # what the claim register stores for a key (pseudonyms)
        # this process's, for read-only units (registry_cache)
        self.registry = RegistryCache(trust_seconds=registry_trust_seconds)

    def __call__(self, readonly: bool = False) -> SqlUnitOfWork:
        """``readonly=True`` for units of work that only read (see storage.database)."""
        return SqlUnitOfWork(self.engine, readonly, self._writers, self._claim_keys, self.registry)
