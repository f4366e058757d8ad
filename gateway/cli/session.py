"""What every command shares: settings, the container, the CLI actor, and running audited actions.

Settings are read lazily, so ``--help`` works even when the environment is broken, and a
command that never touches the database never opens it. Every action goes through
``AdminActions`` as the actor ``cli:<os user>`` so the audit trail records CLI changes exactly
as it records API changes.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine import make_url

from ..bootstrap import Container, build_container
from ..domain.admin import Actor, AdminRole, Permission
from ..errors import Unavailable
from ..services.admin import Action
from ..settings import Settings
from ..storage import migrate

T = TypeVar("T")

UPGRADE_HINT = "run 'govgate db upgrade' first"


class SchemaNotCurrent(Unavailable):
    """The database is missing or behind the code's migrations."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, reason="schema_not_current", retry_after=0)


def cli_actor() -> Actor:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        user = f"uid{os.getuid()}"
    return Actor(id=f"cli:{user}", role=AdminRole.ADMIN, kind="cli")


@dataclass
class CliSession:
    """Per-invocation state, kept in click's ``ctx.obj``; tests may inject ``build``."""

    build: Callable[[Settings], Container] = build_container
    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: Settings | None = None
    _container: Container | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            settings = Settings.from_env().with_overrides(**self.overrides)
            settings.check()
            self._settings = settings
        return self._settings

    def container(self, *, require_current: bool = True) -> Container:
        if self._container is None:
            if require_current:
                self._refuse_missing_sqlite_file()
            self._container = self.build(self.settings)
        if require_current and not migrate.is_current(self._container.engine):
            current = migrate.current_revision(self._container.engine) or "empty"
            raise SchemaNotCurrent(
                f"the database schema is at {current}, the code needs {migrate.head_revision()}; "
                + UPGRADE_HINT
            )
        return self._container

    def _refuse_missing_sqlite_file(self) -> None:
        # Opening a SQLite URL creates the file; a typo in --data-dir should not leave one behind.
        url = make_url(self.settings.effective_database_url)
        on_disk = url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:"
        if on_disk and not Path(url.database).exists():
            raise SchemaNotCurrent(f"there is no database at {url.database}; {UPGRADE_HINT}")

    def run(
        self,
        name: str,
        target_type: str,
        target_id: str | None,
        work: Callable[[Any, Any], tuple[T, dict | None, dict | None]],
        *,
        permission: Permission = Permission.WRITE,
        audited: bool = True,
    ) -> T:
        """Run ``work(uow, now) -> (result, before, after)`` as the CLI actor, audited."""
        c = self.container()
        now = c.clock()
        action = Action(name, target_type, target_id, permission, audited_when_allowed=audited)
        return c.admin.run(cli_actor(), action, lambda uow: work(uow, now))

    def read(
        self,
        name: str,
        target_type: str,
        target_id: str | None,
        work: Callable[[Any, Any], T],
        *,
        permission: Permission = Permission.READ,
        audited: bool = False,
    ) -> T:
        """A read, with the same audit rules as the API's reads (recorded only when asked)."""
        return self.run(
            name,
            target_type,
            target_id,
            lambda uow, now: (work(uow, now), None, None),
            permission=permission,
            audited=audited,
        )

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None
