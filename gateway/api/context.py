"""What a handler needs from the request: the container, the actor, the request id."""

from __future__ import annotations

from connexion import request
from connexion.context import context

from ..domain.admin import Actor, AdminRole


def container():
    return request.scope["govgate.container"]


def actor() -> Actor:
    info = context["token_info"]
    return Actor(id=info["sub"], role=AdminRole(info["role"]))


def request_id() -> str | None:
    return request.scope.get("govgate.request_id")


def exchange():
    """The signed exchange of the current partner request (set by SignatureMiddleware)."""
    return request.scope["govgate.state"]["exchange"]


def caller_is_partner() -> bool:
    return context.get("token_info", {}).get("kind") == "partner"
