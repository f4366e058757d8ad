"""Shared fixtures: the real app, built through the factory, on SQLite and (when
GOVGATE_TEST_DATABASE_URL is set) on a throwaway PostgreSQL database."""

from __future__ import annotations

import atexit
import functools
import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from gateway.bootstrap import build_container, create_app
from gateway.services import tokens
from gateway.settings import Settings
from gateway.storage import migrate
from gateway.storage.database import make_engine

PG_URL = os.environ.get("GOVGATE_TEST_DATABASE_URL", "")

# Properties are checked for truth, not speed (speed lives in bench/): on a loaded CI machine a
# single example can take longer than hypothesis's default 200 ms deadline.
hypothesis_settings.register_profile("govgate", deadline=None)
hypothesis_settings.load_profile("govgate")


class Clock:
    """A settable clock, so tests move time instead of sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def _postgres_database(base_url: str, *, template: str | None = None):
    """Create a throwaway database next to ``base_url`` (a copy of ``template`` when given);
    return its URL and a dropper."""
    name = "govgate_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    url = base_url.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@functools.cache
def _migrated_template(base_url: str) -> str:
    """A PostgreSQL database migrated once per test process (through the real migrations), copied
    for each test that builds a container: CREATE DATABASE … TEMPLATE takes a tenth of the time."""
    url, drop = _postgres_database(base_url)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()  # a template must have no connections
    atexit.register(drop)
    return url.rsplit("/", 1)[1]


BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_collection_modifyitems(config, items):
    """Tests marked ``rules`` decide policy, not storage: their PostgreSQL copies are deselected
    (the storage they touch is covered by the tests of the claim register, payouts and flows)."""
    def postgres_copy(item) -> bool:
        callspec = getattr(item, "callspec", None)
        return (item.get_closest_marker("rules") is not None and callspec is not None
                and callspec.params.get("database_url") == "postgresql")
    dropped = [item for item in items if postgres_copy(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not postgres_copy(item)]


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'govgate.db'}"
        return
    # A test that builds the container gets its database migrated already (the container fixture
    # would migrate it); any other (the CLI's, the migrations' own) gets an empty one.
    template = _migrated_template(PG_URL) if "container" in request.fixturenames else None
    url, drop = _postgres_database(PG_URL, template=template)
    yield url
    drop()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def settings(database_url, tmp_path):
    return Settings(
        data_dir=tmp_path, database_url=database_url, validate_responses=True,
        allow_loopback_http=True, admin_rate_limit=1000,
    )


@pytest.fixture
def container(settings, clock):
    c = build_container(settings, clock=clock)
    migrate.upgrade(c.engine)
    yield c
    c.close()


@pytest.fixture
def app(settings, container):
    return create_app(settings, container)


@pytest.fixture
def client(app):
    return app.test_client()


def issue_token(container, role: str, name: str | None = None, expires_at=None) -> str:
    with container.uow() as uow:
        issued, _, _ = tokens.issue(uow, name or f"{role} token", role, expires_at,
                                    container.clock(), "test")
    return issued.secret


@pytest.fixture
def admin_headers(container):
    return {"Authorization": "Bearer " + issue_token(container, "admin")}


@pytest.fixture
def operator_headers(container):
    return {"Authorization": "Bearer " + issue_token(container, "operator")}


@pytest.fixture
def auditor_headers(container):
    return {"Authorization": "Bearer " + issue_token(container, "auditor")}
