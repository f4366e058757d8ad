"""The CLI's frame: migrations, refusing an unmigrated database, settings, errors, times."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
import pytest

from gateway.cli import main
from gateway.cli.params import TIME
from gateway.cli.session import cli_actor
from gateway.storage import migrate

HEAD = migrate.head_revision()


def test_upgrade_is_idempotent_and_reports_from_and_to(bare_cli):
    assert bare_cli.json("db", "current") == {"current": None, "head": HEAD, "up_to_date": False}
    assert bare_cli.ok("db", "upgrade").stdout == f"upgraded empty -> {HEAD}\n"
    assert bare_cli.ok("db", "upgrade").stdout == f"already at {HEAD}; nothing to do\n"
    assert bare_cli.json("db", "upgrade") == {"from": HEAD, "to": HEAD, "changed": False}
    assert bare_cli.ok("db", "current").stdout.splitlines()[:2] == [
        f"current:    {HEAD}", f"head:       {HEAD}"]


def test_commands_refuse_an_unmigrated_database(bare_cli):
    error = bare_cli.refused("partners", "list")
    assert error.endswith("run 'govgate db upgrade' first (schema_not_current)\n")
    assert error.count("\n") == 1
    bare_cli.ok("db", "current")  # opens (and so creates) the database, still empty
    assert bare_cli.refused("admin-token", "create", "--name", "n", "--role", "admin") == (
        f"error: the database schema is at empty, the code needs {HEAD}; "
        "run 'govgate db upgrade' first (schema_not_current)\n")


def test_a_missing_sqlite_file_is_not_created_by_a_refused_command(bare_cli, tmp_path):
    data = tmp_path / "typo"
    result = bare_cli("--data-dir", str(data), "partners", "list", db=False)
    assert result.exit_code == 1
    assert result.stderr == (f"error: there is no database at {(data / 'govgate.db').resolve()}; "
                             "run 'govgate db upgrade' first (schema_not_current)\n")
    assert not data.exists()


def test_data_dir_option_overrides_the_environment(bare_cli, tmp_path):
    data = tmp_path / "elsewhere"
    assert bare_cli("--data-dir", str(data), "db", "upgrade", db=False).exit_code == 0
    assert (data / "govgate.db").exists()


def test_bad_settings_are_one_line_and_exit_2(bare_cli):
    bare_cli.env["GOVGATE_MAX_BODY_BYTES"] = "12"
    assert bare_cli.refused("partners", "list", code=2) == (
        "error: GOVGATE_MAX_BODY_BYTES must be at least 1024\n")
    assert bare_cli("partners", "list", "--help").exit_code == 0  # help needs no settings


def test_an_unreachable_database_is_one_line(bare_cli):
    result = bare_cli("--database-url", "postgresql://govgate@127.0.0.1:1/none", "db", "upgrade",
                      db=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: the database cannot be used: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_every_command_has_help(bare_cli):
    commands = [
        ["serve"], ["db", "upgrade"], ["db", "current"], ["partners", "add"], ["partners", "list"],
        ["partners", "show"], ["partners", "update"], ["partners", "suspend"],
        ["partners", "activate"], ["keys", "add"], ["keys", "list"], ["keys", "show"],
        ["keys", "revoke"], ["keys", "expire"], ["keys", "generate"], ["grants", "add"],
        ["grants", "list"], ["grants", "remove"], ["grants", "operations"],
        ["admin-token", "create"], ["admin-token", "list"], ["admin-token", "revoke"],
        ["audit", "list"],
    ]
    for command in commands:
        result = bare_cli(*command, "--help")
        assert result.exit_code == 0, command
        assert result.stdout.startswith(f"Usage: govgate {' '.join(command)} "), command
        if command not in (["serve"], ["db", "upgrade"], ["db", "current"]):
            assert "--json" in result.stdout, command
    help_text = " ".join(bare_cli("keys", "expire", "--help").stdout.split())
    assert "a date (2026-12-31 = 00:00 China Standard Time, UTC+8)" in help_text


# What the README says: every command but these takes --json.
WITHOUT_JSON = {("serve",), ("worker",), ("gateway-key", "jwks"), ("witness", "serve")}


def _leaf_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _leaf_commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def test_the_readme_says_which_commands_take_json():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for path in WITHOUT_JSON:
        assert f"`{' '.join(path)}`" in readme.split("## Command-line reference")[1].split("| command")[0]
    for path, command in _leaf_commands(main):
        takes_json = any("--json" in option.opts for option in command.params)
        assert takes_json == (path not in WITHOUT_JSON), " ".join(path)


@pytest.mark.parametrize("text, expected", [
    ("2026-12-31", datetime(2026, 12, 30, 16, 0, tzinfo=UTC)),
    ("2026-12-31T16:00:00Z", datetime(2026, 12, 31, 16, 0, tzinfo=UTC)),
    ("2027-01-01T08:30:00+08:00", datetime(2027, 1, 1, 0, 30, tzinfo=UTC)),
])
def test_times_are_rfc3339_with_a_zone_or_a_china_date(text, expected):
    parsed = TIME.convert(text, None, None)
    assert parsed == expected and parsed.tzinfo is UTC


@pytest.mark.parametrize("text", ["2026-12-31T16:00:00", "31/12/2026", "2026-02-30", "tomorrow"])
def test_times_without_a_zone_or_malformed_are_refused(text):
    with pytest.raises(click.BadParameter):
        TIME.convert(text, None, None)


def test_the_cli_actor_is_the_os_user(monkeypatch):
    monkeypatch.setenv("LOGNAME", "zhang.wei")
    actor = cli_actor()
    assert (actor.id, actor.role.value, actor.kind) == ("cli:zhang.wei", "admin", "cli")
