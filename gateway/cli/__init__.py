"""The ``govgate`` command line: run the server, migrate the database, administer partners.

    govgate [--data-dir DIR] [--database-url URL]
    ├── serve                     run the gateway (uvicorn)
    ├── db upgrade | current      schema migrations
    ├── partners add | list | show | update | suspend | activate
    ├── keys add | list | show | revoke | expire | generate
    ├── grants add | list | remove | operations
    ├── admin-token create | list | revoke
    ├── audit list
    ├── gateway-key init | rotate | list | jwks
    ├── log verify | integrate | checkpoint | consistency OLD NEW
    ├── witness init | serve | status   a C2SP tlog-witness (no gateway database)
    ├── evidence verify | export
    ├── worker [--once] [--concurrency N] [--poll-interval S]
    ├── deliveries list | redrive
    ├── messages show
    ├── demo [--keep] [--data-dir DIR] [--port P]   the whole story on loopback
    └── call METHOD PATH --key PEM --keyid K      one signed request, receipt checked

Every change runs through ``AdminActions`` as ``cli:<os user>`` and is audited like an API call.
Expected errors are mapped here, in one place, to one ``error: …`` line on stderr: exit 1 when
the gateway refused or failed, exit 2 for usage and configuration errors.
"""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.exc import DBAPIError, OperationalError

from ..errors import GovgateError, InvalidInput
from ..settings import SettingsError
from .session import CliSession

# Error pointers name API fields; say which option the user should fix instead.
OPTION_FOR_FIELD = {
    "/id": "--id",
    "/name": "--name",
    "/roles": "--role",
    "/role": "--role",
    "/division_code": "--division",
    "/endpoint_url": "--endpoint",
    "/format": "--format",
    "/format_settings": "--format-settings",
    "/keyid": "--keyid",
    "/not_before": "--not-before",
    "/not_after": "--not-after",
    "/expires_at": "--expires",
    "/reason": "--reason",
    "/operation": "OPERATION",
}


def _field_label(pointer: str) -> str:
    for prefix in (pointer, pointer.rsplit("/", 1)[0]):  # "/roles/1" → "--role"
        if prefix in OPTION_FOR_FIELD:
            return OPTION_FOR_FIELD[prefix]
    return pointer.lstrip("/") or "input"


def _fail(lines: list[str], code: int) -> None:
    for line in lines:
        click.echo(line, err=True)
    raise click.exceptions.Exit(code)


class GovgateGroup(click.Group):
    """The root group: turns the gateway's expected errors into one line and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InvalidInput as error:
            lines = [f"error: {error.detail} ({error.reason})"]
            lines += [f"  {_field_label(f.pointer)}: {f.detail}" for f in error.errors]
            _fail(lines, 1)
        except GovgateError as error:
            _fail([f"error: {error.detail} ({error.reason})"], 1)
        except SettingsError as error:
            _fail([f"error: {error}"], 2)
        except OperationalError as error:
            _fail([f"error: the database cannot be used: {_first_line(error)}"], 1)
        except DBAPIError as error:
            _fail([f"error: the database refused the change: {_first_line(error)}"], 1)


def _first_line(error: DBAPIError) -> str:
    text = str(error.orig or "").strip()
    return text.splitlines()[0] if text else type(error).__name__


@click.group("govgate", cls=GovgateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory (overrides GOVGATE_DATA_DIR; holds the default SQLite database).",
)
@click.option(
    "--database-url",
    default=None,
    metavar="URL",
    help="Database URL (overrides GOVGATE_DATABASE_URL), e.g. postgresql://user@host/govgate.",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, database_url: str | None) -> None:
    """govgate: the data-exchange gateway's server and administration tool.

    Settings come from GOVGATE_* environment variables; the options above override them.
    """
    session = ctx.ensure_object(CliSession)
    if data_dir is not None:
        session.overrides["data_dir"] = data_dir
    if database_url is not None:
        session.overrides["database_url"] = database_url
    ctx.call_on_close(session.close)


def _register() -> None:
    from . import audit, db, evidence, gateway_keys, grants, keys, log, partners, serve, tokens

    main.add_command(serve.serve)
    main.add_command(db.db)
    main.add_command(partners.partners)
    main.add_command(keys.keys)
    main.add_command(grants.grants)
    main.add_command(tokens.admin_token)
    main.add_command(audit.audit)
    main.add_command(gateway_keys.gateway_key)
    main.add_command(log.log)
    main.add_command(evidence.evidence)
    from . import deliveries, worker

    main.add_command(worker.worker)
    main.add_command(deliveries.deliveries)
    main.add_command(deliveries.messages)
    from . import call, demo

    main.add_command(demo.demo)
    main.add_command(call.call)
    from . import allowance_schedules, batches, progress, risk_areas

    main.add_command(risk_areas.risk_area)
    main.add_command(allowance_schedules.allowance_schedule)
    main.add_command(batches.batches)
    main.add_command(progress.progress)
    from . import witness

    main.add_command(witness.witness)


_register()

__all__ = ["CliSession", "GovgateGroup", "main"]
