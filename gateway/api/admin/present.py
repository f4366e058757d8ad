"""Domain objects to the JSON shapes of the contract (openapi/components/admin.yaml)."""

from __future__ import annotations

from datetime import datetime

from ...domain.admin import AdminToken, AuditEvent
from ...domain.partners import Grant, Partner, SigningKey


def when(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def partner(p: Partner) -> dict:
    return {
        "id": p.id,
        "name": p.name,
        "roles": sorted(r.value for r in p.roles),
        "division_code": p.division_code,
        "endpoint_url": p.endpoint_url,
        "format": p.format,
        "format_settings": p.format_settings,
        "status": p.status.value,
        "created_at": when(p.created_at),
        "updated_at": when(p.updated_at),
    }


def key(k: SigningKey) -> dict:
    return {
        "keyid": k.keyid,
        "partner_id": k.partner_id,
        "algorithm": k.algorithm,
        "public_key_pem": k.public_key_pem,
        "jwk": k.jwk,
        "fingerprint": k.fingerprint,
        "thumbprint": k.thumbprint,
        "not_before": when(k.not_before),
        "not_after": when(k.not_after),
        "status": k.status.value,
        "revoked_at": when(k.revoked_at),
        "revoked_reason": k.revoked_reason,
        "created_at": when(k.created_at),
    }


def grant(g: Grant, now: datetime) -> dict:
    return {
        "id": g.id,
        "partner_id": g.partner_id,
        "operation": g.operation,
        "expires_at": when(g.expires_at),
        "created_at": when(g.created_at),
        "created_by": g.created_by,
        "current": g.is_current(now),
    }


def token(t: AdminToken) -> dict:
    return {
        "id": t.id,
        "name": t.name,
        "role": t.role.value,
        "created_at": when(t.created_at),
        "expires_at": when(t.expires_at),
        "revoked_at": when(t.revoked_at),
        "last_used_at": when(t.last_used_at),
        "created_by": t.created_by,
    }


def audit_event(e: AuditEvent) -> dict:
    return {
        "seq": e.seq,
        "at": when(e.at),
        "actor": e.actor,
        "actor_role": e.actor_role,
        "action": e.action,
        "target_type": e.target_type,
        "target_id": e.target_id,
        "outcome": e.outcome.value,
        "before": e.before,
        "after": e.after,
        "detail": e.detail,
        "request_id": e.request_id,
    }


def page(items: list, limit: int, cursor) -> dict:
    """A page and the cursor for the next one (None when this page is the last)."""
    return {"items": items, "next_after": cursor if len(items) == limit and items else None}


JSON = {"Content-Type": "application/json"}


def ok(body: dict, status: int = 200):
    """A JSON answer. The content type is explicit because every operation may also answer
    application/problem+json, and connexion will not guess between them."""
    return body, status, JSON
