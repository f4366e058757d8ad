"""Schema migrations (Alembic), driven from code so the CLI and tests share one path.

Alembic imports Mako and Pygments with it, about 12 MiB in every process that loads it, so it is
imported only to migrate or to read the revision graph. A serving process checks that its
database is current (``/v1/readyz``) against ``HEAD``, the newest revision, read from the
``alembic_version`` table with one query; ``tests/unit/test_migrations_head.py`` checks ``HEAD``
against Alembic's own answer, so a new migration that forgets it fails there.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD = "0006_registry_generation"  # the newest revision in migrations/versions


def _config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def head_revision() -> str | None:
    """The newest revision, as Alembic reads the scripts (``HEAD`` is the serving processes' copy)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The database's revision; None for a database never migrated."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == HEAD


def autogenerate(engine: Engine, message: str) -> None:
    """Developer aid: write a new revision from the difference between tables.py and the DB."""
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
