"""Admin bearer tokens: 256 random bits behind a recognisable prefix, stored only as a hash.

The prefix (``ggat_``) lets secret scanners and operators recognise a leaked token. A SHA-256
hash is enough for storage: the secret has 256 bits of entropy, so no slow hash is needed, and
lookups stay one indexed query - which is what makes revocation immediate in every process.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from ..domain.admin import Actor, AdminRole, AdminToken
from ..errors import FieldError, InvalidInput, NotFound, Unauthenticated

PREFIX = "ggat_"


@dataclass(frozen=True)
class IssuedToken:
    token: AdminToken
    secret: str  # shown once


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _snapshot(t: AdminToken) -> dict:
    return {
        "id": t.id,
        "name": t.name,
        "role": t.role.value,
        "expires_at": t.expires_at.isoformat() if t.expires_at else None,
        "revoked": t.revoked_at is not None,
    }


def issue(uow, name: str, role: str, expires_at: datetime | None, now: datetime, created_by: str):
    errors = []
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors.append(FieldError("/name", "must be 1 to 200 characters"))
    try:
        admin_role = AdminRole(role)
    except ValueError:
        errors.append(FieldError("/role", f"unknown role {role!r}; use admin, operator or auditor"))
    if expires_at is not None and expires_at <= now:
        errors.append(FieldError("/expires_at", "must be in the future"))
    if errors:
        raise InvalidInput("the token request is not valid", reason="validation_failed", errors=errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AdminToken(
        id="tok_" + secrets.token_hex(8),
        name=name,
        role=admin_role,
        token_hash=hash_secret(secret),
        created_at=now,
        expires_at=expires_at,
        created_by=created_by,
    )
    uow.tokens.add(token)
    return IssuedToken(token, secret), None, _snapshot(token)


def revoke(uow, token_id: str, now: datetime):
    token = uow.tokens.get(token_id)
    if token is None:
        raise NotFound(f"no admin token {token_id}", reason="token_not_found")
    before = _snapshot(token)
    if token.revoked_at is None:
        uow.tokens.revoke(token_id, now)
        token.revoked_at = now
    return token, before, _snapshot(token)


def authenticate(uow, secret: str, now: datetime) -> Actor:
    """The actor behind a bearer secret; raises Unauthenticated with a reason otherwise."""
    if not secret.startswith(PREFIX):
        raise Unauthenticated("the bearer token is not a govgate admin token", reason="token_malformed")
    token = uow.tokens.by_hash(hash_secret(secret))
    if token is None:
        raise Unauthenticated("the admin token is not known", reason="token_unknown")
    if token.revoked_at is not None or not token.usable_at(now):
        revoked = token.revoked_at is not None
        error = Unauthenticated(f"the admin token has {'been revoked' if revoked else 'expired'}",
                                reason="token_revoked" if revoked else "token_expired")
        error.token_id = token.id  # for the audit record of the failure (never to the caller)
        raise error
    uow.tokens.touch(token.id, now)
    return Actor(id=token.id, role=token.role)
