"""Helpers of the evidence-log integration tests: filling the log through the app, and the CLI."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import text

from gateway.cli import main
from gateway.settings import Settings

CHECKPOINT_INTERVAL = 10
LOG_TABLES = ("message_log", "checkpoints", "log_entries", "log_nodes", "log_checkpoints",
              "log_cosignatures")


def send_messages(partner, count: int) -> list[str]:
    """``count`` accepted signed POSTs, each one entry of the evidence log; their message ids."""
    ids = []
    for n in range(count):
        response = partner.post("/v1/connectivity-tests", json={"n": n, "note": "连通性测试"})
        assert response.status_code == 200, response.text
        ids.append(response.json()["message_id"])
    return ids


def integrate_all(container) -> int:
    """Run the integrator until nothing is pending; the number of batches (= checkpoints)."""
    batches = 0
    while container.message_log.integrate_once() is not None:
        batches += 1
    return batches


def tamper(engine, *statements) -> None:
    """Run ``statements`` in one transaction, with PostgreSQL's append-only triggers off."""
    with engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        for table in LOG_TABLES if postgres else ():
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for statement in statements:
            conn.execute(statement)
        for table in LOG_TABLES if postgres else ():
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


class LogCli:
    """``govgate`` in-process on the test database, with the app's key directory."""

    def __init__(self, settings: Settings) -> None:
        self.env = {"GOVGATE_DATABASE_URL": settings.database_url,
                    "GOVGATE_DATA_DIR": str(settings.data_dir),
                    "GOVGATE_KEY_DIR": str(settings.effective_key_dir),
                    "LOGNAME": "ops-alice", "USER": "ops-alice"}

    def __call__(self, *args: str):
        return CliRunner().invoke(main, list(args), env=self.env, catch_exceptions=False)

    def verify(self) -> tuple[int, dict]:
        result = self("log", "verify", "--json")
        return result.exit_code, json.loads(result.stdout)
