"""Fixtures of the evidence-log integration tests: a log filled through the real app, and the
CLI pointed at the same database and key directory."""

from __future__ import annotations

import functools
import os

import pytest

from gateway import contract
from gateway.settings import Settings
from tests.integration.signed_log import CHECKPOINT_INTERVAL, LogCli
from tests.support.signing import register_signed_partner

_spec_once = functools.cache(contract.load_spec)


@pytest.fixture(autouse=True)
def _read_the_contract_once(monkeypatch):
    monkeypatch.setattr(contract, "load_spec", _spec_once)


@pytest.fixture
def settings(database_url, tmp_path):
    return Settings(data_dir=tmp_path, database_url=database_url, validate_responses=True,
                    admin_rate_limit=1000, checkpoint_interval=CHECKPOINT_INTERVAL)


@pytest.fixture
def partner(client, admin_headers, clock):
    return register_signed_partner(client, admin_headers, 1, clock=clock)


@pytest.fixture
def log_cli(settings, monkeypatch) -> LogCli:
    for name in [n for n in os.environ if n.startswith("GOVGATE_")]:
        monkeypatch.delenv(name)
    return LogCli(settings)
