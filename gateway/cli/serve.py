"""``govgate serve``: run the gateway under uvicorn, as in production.

Worker processes build their own app from the environment (``bootstrap.asgi_app`` reads
``Settings.from_env``), so the options given here reach them as ``GOVGATE_*`` variables.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from ..observability import metrics
from ..observability.logging import configure_logging
from ..settings import PREFIX, Settings
from .db import upgrade_schema
from .session import CliSession


def child_environment(settings: Settings) -> dict[str, str]:
    """The variables that make a worker's ``Settings.from_env()`` equal ``settings``."""
    env = {
        "HOST": settings.host,
        "PORT": str(settings.port),
        "WORKERS": str(settings.workers),
        "DATA_DIR": str(settings.data_dir.resolve()),
    }
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    return {PREFIX + name: value for name, value in env.items()}


def govgate_command() -> list[str]:
    """How to run this same govgate from any directory: the script next to this interpreter
    (a venv's ``bin/``, often not on PATH), else ``python -m gateway.cli`` with this interpreter."""
    beside = Path(sys.executable).parent / "govgate"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "gateway.cli"]


def first_token_command(settings: Settings) -> str:
    """The full ``admin-token create`` line for this server's database, pasteable anywhere.
    A database URL's password is masked: it belongs in GOVGATE_DATABASE_URL, not in a log."""
    words = govgate_command() + ["--data-dir", str(settings.data_dir.resolve())]
    if settings.database_url:
        words += ["--database-url", make_url(settings.database_url).render_as_string(hide_password=True)]
    return shlex.join(words) + " admin-token create --name <who> --role admin"


def listen_url(settings: Settings) -> str:
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"http://{host}:{settings.port}/v1"


@click.command()
@click.option(
    "--host", default=None, help="Address to listen on (GOVGATE_HOST; default 127.0.0.1)."
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port to listen on (GOVGATE_PORT; default 8080).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes (GOVGATE_WORKERS; default 1).",
)
@click.option(
    "--migrate/--no-migrate",
    "run_migrations",
    default=True,
    show_default=True,
    help="Upgrade the database schema before starting.",
)
@click.pass_obj
def serve(session: CliSession, host, port, workers, run_migrations) -> None:
    """Run the gateway's HTTP server (uvicorn) until interrupted.

    With --no-migrate the server refuses to start unless the schema is current.
    Put TLS in front of it (a reverse proxy); forwarded headers are not trusted.
    """
    import uvicorn

    changes = {"host": host, "port": port, "workers": workers}
    session.overrides.update({k: v for k, v in changes.items() if v is not None})
    settings = session.settings
    configure_logging(settings)
    if run_migrations:
        before, after = upgrade_schema(session)
        if before != after:
            click.echo(f"database upgraded {before or 'empty'} -> {after}")
    container = session.container()  # refuses a schema that is not current
    with container.uow() as uow:
        has_tokens = uow.tokens.count() > 0
    session.close()  # the workers open their own connections

    os.environ.update(child_environment(settings))
    # Every worker writes its metrics there; any of them answers /metrics with the sum.
    metrics.share_directory(metrics.metrics_directory(settings), remove_stale=True)
    click.echo(
        f"govgate listening on {listen_url(settings)} "
        f"(OpenAPI document at {listen_url(settings)}/openapi.json; operator console at "
        f"{listen_url(settings).removesuffix('/v1')}/console/)"
    )
    if not has_tokens:
        click.echo(
            "no admin token exists yet; create the first one with:\n"
            f"  {first_token_command(settings)}"
        )
    uvicorn.run(
        "gateway.bootstrap:asgi_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        proxy_headers=False,
        # httptools with the edge's limits: head size and count, head deadline, connection cap
        http="gateway.api.http_server:HttpProtocolFromEnvironment",
        log_level=settings.log_level.lower(),
        access_log=False,  # the gateway logs each request itself, as JSON with its ids
        # A worker still importing the app cannot answer the supervisor's ping; on a loaded host
        # (load 20-30 on 2 cores) that took over uvicorn's 5 s, and every worker was killed and
        # restarted in a loop without ever serving.
        timeout_worker_healthcheck=30,
    )
