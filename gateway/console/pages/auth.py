"""Signing in with an admin token, signing out, and choosing the language."""

from __future__ import annotations

import re

from flask import g, redirect, request, url_for

from ...errors import NotFound, Unauthenticated
from .. import guard, labels
from ..sessions import COOKIE
from ..web import blueprint, page

COOKIE_PATH = "/console/"
SAFE_NEXT = re.compile(r"/console/[\x21-\x7e]*")
WHY = ("expired", "ended", "signed_out")


@blueprint.get("/")
def home():
    return redirect(url_for("console.partners" if g.signed else "console.sign_in_form"), code=303)


@blueprint.get("/sign-in")
def sign_in_form():
    if g.signed:
        return redirect(url_for("console.partners"), code=303)
    why = request.args.get("why")
    return page("sign_in.html", why=why if why in WHY else None)


@blueprint.post("/sign-in")
def sign_in():
    sessions = g.console.sessions
    if g.signed:  # a second sign-in in the same browser replaces the first session
        sessions.sign_out(g.signed, g.request_id)
    try:
        session_id, _session = sessions.sign_in(request.form.get("token", ""), g.request_id)
    except Unauthenticated:
        return page("sign_in.html", 401, why=None, refused=True)
    response = redirect(url_for("console.partners"), code=303)
    response.set_cookie(COOKIE, session_id, httponly=True, samesite="Strict", path=COOKIE_PATH,
                        secure=guard.over_tls(g.scope, g.c.settings))
    return response


@blueprint.post("/sign-out")
def sign_out():
    g.console.sessions.sign_out(g.signed, g.request_id)
    response = redirect(url_for("console.sign_in_form", why="signed_out"), code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="Strict",
                           secure=guard.over_tls(g.scope, g.c.settings))
    return response


@blueprint.get("/language/<lang>")
def set_language(lang: str):
    back = request.args.get("next", "")
    # Only back into the console (never an open redirect), and only printable ASCII (never a
    # header split by a line break).
    if not SAFE_NEXT.fullmatch(back) or "//" in back or "\\" in back:
        back = url_for("console.home")
    response = redirect(back, code=303)
    response.set_cookie(labels.LANG_COOKIE, labels.language(lang), max_age=365 * 86400,
                        httponly=True, samesite="Strict", path=COOKIE_PATH,
                        secure=guard.over_tls(g.scope, g.c.settings))
    return response


@blueprint.get("/<path:unknown>")
def not_found(unknown: str):
    """Any other console path: the console's own 404 page, not the API's problem+json."""
    raise NotFound(f"the console has no page /console/{unknown}", reason="page_not_found")
