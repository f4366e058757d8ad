"""Running ``govgate`` in-process with click's CliRunner against a real database.

``database_url`` (SQLite, and PostgreSQL when GOVGATE_TEST_DATABASE_URL is set) comes from
tests/conftest.py, so the API fixtures there (``client``, ``admin_headers``) see the same
database and the CLI's JSON can be compared with the API's answer.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass

import pytest
from click.testing import CliRunner, Result

from gateway import contract
from gateway.bootstrap import build_container
from gateway.cli import CliSession, main
from gateway.domain.partners import OperationCatalogue
from gateway.services.grants import AccessRights

# The contract declares its partner operations as they land; the CLI tests bring their own.
CATALOGUE = OperationCatalogue(
    grantable=frozenset({"submit_deferral", "query_tax_status", "query_loan"}),
    groups={"deferral": frozenset({"submit_deferral"}),
            "lending": frozenset({"query_tax_status", "query_loan"})},
)

BANK = "91110000600037341L"
TAX_BUREAU = "91512081MA62K0260E"
OS_USER = "ops-alice"


_spec_once = functools.cache(contract.load_spec)


@pytest.fixture(autouse=True)
def _read_the_contract_once(monkeypatch):
    # Each command builds a container, which parses the OpenAPI document; once is enough here.
    monkeypatch.setattr(contract, "load_spec", _spec_once)


def build_with_catalogue(settings):
    container = build_container(settings)
    container.access = AccessRights(CATALOGUE)
    return container


@dataclass
class Cli:
    runner: CliRunner
    database_url: str
    env: dict

    def __call__(self, *args: str, input: str | None = None, db: bool = True) -> Result:
        prefix = ["--database-url", self.database_url] if db else []
        return self.runner.invoke(
            main, [*prefix, *args], input=input, env=self.env,
            obj=CliSession(build=build_with_catalogue), catch_exceptions=False,
        )

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, result.output
        return result

    def json(self, *args: str, input: str | None = None):
        return json.loads(self.ok(*args, "--json", input=input).stdout)

    def refused(self, *args: str, input: str | None = None, code: int = 1) -> str:
        """Run a command that must fail; return its one-line (or field-listing) error."""
        result = self(*args, input=input)
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        return result.stderr


@pytest.fixture
def bare_cli(database_url, tmp_path, monkeypatch) -> Cli:
    """The CLI on a database that has not been migrated."""
    for name in [n for n in os.environ if n.startswith("GOVGATE_")]:
        monkeypatch.delenv(name)
    env = {"GOVGATE_DATA_DIR": str(tmp_path / "data"), "GOVGATE_ALLOW_LOOPBACK_HTTP": "true",
           "LOGNAME": OS_USER, "USER": OS_USER}
    return Cli(CliRunner(), database_url, env)


@pytest.fixture
def cli(bare_cli) -> Cli:
    bare_cli.ok("db", "upgrade")
    return bare_cli


@pytest.fixture
def bank(cli) -> str:
    cli.ok("partners", "add", "--id", BANK, "--name", "北京银行", "--role", "bank",
           "--division", "110000", "--endpoint", "https://bank.example.cn/gateway")
    return BANK
