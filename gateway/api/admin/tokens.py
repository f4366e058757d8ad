"""/admin/tokens"""

from __future__ import annotations

from ...domain.admin import Permission
from ...errors import NotFound
from ...services import tokens
from .. import context
from . import present
from ._common import read, run, timestamp


def list_tokens(after=None, limit=50):
    items = read("token.list", "token", None, lambda uow, now: uow.tokens.list(after=after, limit=limit))
    cursor = items[-1].id if items else None
    return present.ok(present.page([present.token(t) for t in items], limit, cursor))


def create_token(body):
    expires_at = timestamp(body.get("expires_at"), "/body/expires_at")
    creator = context.actor().id
    issued = run("token.create", "token", None, Permission.WRITE, lambda uow, now: tokens.issue(
        uow, body["name"], body["role"], expires_at, now, created_by=creator))
    return present.ok({"token": present.token(issued.token), "secret": issued.secret}, 201)


def get_token(token_id):
    def work(uow, now):
        token = uow.tokens.get(token_id)
        if token is None:
            raise NotFound(f"no admin token {token_id}", reason="token_not_found")
        return token

    return present.ok(present.token(read("token.get", "token", token_id, work)))


def revoke_token(token_id):
    token = run("token.revoke", "token", token_id, Permission.WRITE,
                lambda uow, now: tokens.revoke(uow, token_id, now))
    return present.ok(present.token(token))
