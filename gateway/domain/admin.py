"""Administrators: bearer tokens with a role, and the audit trail of what they did."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class AdminRole(str, enum.Enum):
    ADMIN = "admin"  # everything
    OPERATOR = "operator"  # read, and re-drive deliveries
    AUDITOR = "auditor"  # read-only: audit trail and evidence


class Permission(str, enum.Enum):
    READ = "read"
    WRITE = "write"
    REDRIVE = "redrive"
    AUDIT = "audit"


ROLE_PERMISSIONS: dict[AdminRole, frozenset[Permission]] = {
    AdminRole.ADMIN: frozenset(Permission),
    AdminRole.OPERATOR: frozenset({Permission.READ, Permission.REDRIVE}),
    AdminRole.AUDITOR: frozenset({Permission.READ, Permission.AUDIT}),
}


@dataclass
class AdminToken:
    id: str  # public identifier, safe to log: "tok_…"
    name: str
    role: AdminRole
    token_hash: str  # SHA-256 of the secret; the secret itself is shown once and never stored
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    created_by: str | None = None

    def usable_at(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or now < self.expires_at

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


@dataclass(frozen=True)
class Actor:
    """Who did something: an admin token, or a named operator at the command line."""

    id: str
    role: AdminRole
    kind: str = "token"  # "token" | "cli"

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


class Outcome(str, enum.Enum):
    ALLOWED = "allowed"
    DENIED = "denied"
    FAILED = "failed"


@dataclass
class AuditEvent:
    actor: str
    actor_role: str
    action: str  # e.g. "partner.create"
    target_type: str
    target_id: str | None
    outcome: Outcome
    before: dict | None = None
    after: dict | None = None
    detail: str | None = None
    request_id: str | None = None
    at: datetime | None = None
    seq: int | None = field(default=None)
