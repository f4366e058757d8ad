"""Access rights: deny by default; a grant names a partner and an operation or group."""

from __future__ import annotations

from datetime import datetime

from ..domain.partners import Grant, OperationCatalogue
from ..errors import Conflict, FieldError, InvalidInput, NotFound
from .partners import PartnerRegistry


def _snapshot(g: Grant) -> dict:
    return {
        "partner_id": g.partner_id,
        "operation": g.operation,
        "expires_at": g.expires_at.isoformat() if g.expires_at else None,
    }


class AccessRights:
    def __init__(self, catalogue: OperationCatalogue) -> None:
        self.catalogue = catalogue

    def grant(self, uow, partner_id, operation, expires_at, now: datetime, actor_id: str):
        PartnerRegistry.get(uow, partner_id)
        if not self.catalogue.knows(operation):
            raise InvalidInput(
                f"{operation!r} is neither a grantable operation nor a group in the contract",
                reason="unknown_operation",
                errors=[FieldError("/operation", "unknown operation or group")],
            )
        if expires_at is not None and expires_at <= now:
            raise InvalidInput(
                "a grant must expire in the future",
                reason="validation_failed",
                errors=[FieldError("/expires_at", "must be in the future")],
            )
        if uow.grants.find(partner_id, operation) is not None:
            raise Conflict(
                f"{partner_id} already holds a grant for {operation}", reason="grant_exists"
            )
        grant = uow.grants.add(
            Grant(None, partner_id, operation, expires_at, created_at=now, created_by=actor_id)
        )
        return grant, None, _snapshot(grant)

    @staticmethod
    def revoke(uow, grant_id: int):
        grant = uow.grants.get(grant_id)
        if grant is None:
            raise NotFound(f"no grant {grant_id}", reason="grant_not_found")
        uow.grants.remove(grant_id)
        return None, _snapshot(grant), None

    def granted_operations(self, uow, partner_id: str, now: datetime) -> frozenset[str]:
        return self.catalogue.granted_operations(uow.grants.for_partner(partner_id), now)

    def may_call(self, uow, partner_id: str, operation: str, now: datetime) -> bool:
        return operation in self.granted_operations(uow, partner_id, now)
