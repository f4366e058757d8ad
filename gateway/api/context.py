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
