"""The operator console: server-rendered pages under ``/console/`` over the admin services.

    web        the Flask blueprint: session, CSRF and origin checks around every page; install()
    sessions   sign-in with an admin token, the server-side session table, CSRF tokens
    guard      where a request came from (Origin, Sec-Fetch-Site), TLS behind proxies, headers
    labels     the zh/en label catalogue (labels.yaml) and dates in China Standard Time
    actions    a page's read or change, run through ``AdminActions`` as the signed-in token
    charts     small inline SVG charts (no script: the pages carry ``script-src 'none'``)
    history    the Health page's series, sampled from the gateway's own Prometheus metrics
    pages/     one module per page: partners, keys, messages, audit, evidence, health

The console adds no rules of its own: every change is a use case of ``gateway.services`` run
through ``AdminActions``, so it is permitted, refused and audited exactly as the admin API's.
"""

from __future__ import annotations


def install(flask_app, container) -> None:
    """Serve the console from ``flask_app`` (the connexion app's Flask app) over ``container``."""
    from . import pages  # noqa: F401 - registers the pages' routes on the blueprint
    from .history import MetricHistory
    from .pages.health import snapshot
    from .sessions import ConsoleSessions
    from .web import Console, blueprint

    settings = container.settings
    sessions = ConsoleSessions(container.uow, container.clock, container.admin,
                               idle_seconds=settings.console_idle_timeout_seconds,
                               max_seconds=settings.console_session_max_seconds)
    history = MetricHistory(lambda: snapshot(container), container.clock)
    history.sample()  # the baseline; the sampling thread starts when Health is first shown
    container.on_close.append(history.stop)
    flask_app.extensions["govgate.console"] = Console(container, sessions, history)
    flask_app.register_blueprint(blueprint)
