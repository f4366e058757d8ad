"""The console's blueprint and what runs around every page.

Before a page: the origin check on every POST (``guard``), the session (``sessions``; no
session sends the browser to sign-in), the CSRF token on every POST, and the admin rate limit
of the signed-in token (the API's budget, shared). After: the security headers, including a
Content-Security-Policy that allows no script at all. A ``GovgateError`` from a use case
becomes a page with the same status the API would answer.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from ..domain.admin import ROLE_PERMISSIONS, Permission
from ..errors import FieldError, GovgateError, InvalidInput, RateLimited
from ..evidence.canonical import b64
from . import guard, labels
from .sessions import COOKIE, ConsoleSessions, csrf_token, csrf_valid

log = logging.getLogger("govgate.console")

blueprint = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
                      static_folder="static")

# Pages reachable without a session.
PUBLIC = frozenset({"console.static", "console.sign_in_form", "console.sign_in",
                    "console.set_language"})


@dataclass
class Console:
    container: object
    sessions: ConsoleSessions
    history: object  # history.MetricHistory


def page(template: str, status: int = 200, **context):
    return render_template(f"console/{template}", **context), status


def done(endpoint: str, notice: str, **values):
    """Post/redirect/get: back to a page, with a notice key from the label catalogue."""
    return redirect(url_for(endpoint, notice=notice, **values), code=303)


def t(key: str) -> str:
    return labels.label(key, g.lang)


def query_time(name: str):
    """A time filter from the query string, typed in CST; 422 if it is not a date and time."""
    try:
        return labels.parse_cst(request.args.get(name))
    except ValueError:
        raise InvalidInput("times are dates and times in China Standard Time",
                           reason="validation_failed",
                           errors=[FieldError(f"/query/{name}", "not a date and time")]) from None


@blueprint.before_request
def admit():
    g.console = current_app.extensions["govgate.console"]
    g.c = g.console.container
    g.scope = request.environ.get("asgi.scope", {})
    g.request_id = g.scope.get("govgate.request_id")
    g.lang = labels.language(request.cookies.get(labels.LANG_COOKIE))
    g.signed = None
    if request.endpoint == "console.static":
        return None
    if request.method == "POST":
        refused = guard.cross_origin_reason(request.headers, g.scope, g.c.settings)
        if refused:
            log.warning("console request refused: %s", refused)
            return page("refused.html", 403, why="origin")
    signed, why = g.console.sessions.resolve(request.cookies.get(COOKIE))
    g.signed = signed
    if signed is None:
        if request.endpoint in PUBLIC:
            return None
        response = redirect(url_for("console.sign_in_form", why=why if why != "missing" else None),
                            code=303)
        if why != "missing":
            response.delete_cookie(COOKIE, path="/console/")
        return response
    # Signing in again replaces the session (its own POST is covered by the origin check).
    if (request.method == "POST" and request.endpoint != "console.sign_in"
            and not csrf_valid(signed.session, request.form.get("csrf_token"))):
        log.warning("console request refused: CSRF token missing or wrong")
        return page("refused.html", 403, why="token")
    try:
        g.c.admin_rate_limiter.hit(f"admin:{signed.actor.id}")
    except RateLimited as error:
        body, status = page("error.html", 429, error=error)
        return body, status, {"Retry-After": str(error.retry_after)}
    return None


@blueprint.after_request
def secure_headers(response):
    for name, value in guard.HEADERS.items():
        response.headers.setdefault(name, value)
    response.vary.add("Cookie")
    return response


@blueprint.errorhandler(GovgateError)
def use_case_error(error: GovgateError):
    return page("error.html", error.status, error=error)


@blueprint.app_template_global()
def may(permission: str) -> bool:
    signed = g.get("signed")
    return bool(signed) and Permission(permission) in ROLE_PERMISSIONS[signed.actor.role]


@blueprint.app_template_global()
def here(**changes) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    args = {k: v for k, v in request.args.items() if k not in changes and k != "notice"}
    args.update({k: v for k, v in changes.items() if v is not None})
    return request.path + ("?" + urlencode(args) if args else "")


@blueprint.app_template_global()
def has_label(key: str) -> bool:
    return key in labels.catalogue()


@blueprint.app_template_global()
def pretty(value) -> str:
    """JSON for people: indented, Chinese as Chinese (Jinja escapes it for HTML)."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


@blueprint.context_processor
def page_context() -> dict:
    signed = g.get("signed")
    return {
        "_": t,
        "lang": g.get("lang", labels.DEFAULT_LANGUAGE),
        "cst": labels.cst,
        "cst_text": labels.cst_text,
        "b64": b64,
        "zone": labels.ZONE_NOTE,
        "signed": signed,
        "csrf": csrf_token(signed.session) if signed else "",
        "notice": request.args.get("notice") if request.args.get("notice") in labels.catalogue() else None,
    }
