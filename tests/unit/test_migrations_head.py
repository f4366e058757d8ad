"""``migrate.HEAD`` is Alembic's head, and a serving process checks its schema without Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gateway.storage import migrate
from gateway.storage.database import make_engine

ROOT = Path(__file__).resolve().parents[2]


def test_head_is_the_newest_revision_of_the_scripts():
    assert migrate.head_revision() == migrate.HEAD, (
        "a migration was added: set gateway/storage/migrate.py HEAD to its revision")


def test_a_serving_process_checks_the_schema_without_importing_alembic(tmp_path):
    url = f"sqlite:///{tmp_path}/govgate.db"
    engine = make_engine(url)
    assert migrate.current_revision(engine) is None and not migrate.is_current(engine)
    migrate.upgrade(engine)
    engine.dispose()
    # What a `govgate serve` worker imports (the CLI, then the app factory), then readyz's check.
    check = ("import sys; import gateway.cli, gateway.bootstrap; "
             "from gateway.storage import migrate; from gateway.storage.database import make_engine; "
             f"print(migrate.is_current(make_engine({url!r})), 'alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]
