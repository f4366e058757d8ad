"""Repositories of the partner registry: partners, their keys, their access rights.

They translate between table rows and domain dataclasses; no business rules here. Every write
bumps the registry generation in its transaction; in a read-only unit of work the reads every
signed request makes (key with partner status, partner, grants, recipients by division) are
served from the process's cache of the current generation (``registry_cache``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update

from ..domain.partners import Grant, KeyStatus, Partner, PartnerStatus, Role, SigningKey
from . import tables as t
from .registry_cache import CachedReads, bump


def _partner(row: Any) -> Partner:
    return Partner(
        id=row.id,
        name=row.name,
        roles=frozenset(Role(r) for r in row.roles),
        division_code=row.division_code,
        endpoint_url=row.endpoint_url,
        format=row.format,
        format_settings=row.format_settings or {},
        status=PartnerStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _partner_values(p: Partner) -> dict:
    return {
        "id": p.id,
        "name": p.name,
        "roles": sorted(r.value for r in p.roles),
        "division_code": p.division_code,
        "endpoint_url": p.endpoint_url,
        "format": p.format,
        "format_settings": p.format_settings,
        "status": p.status.value,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


# Built once: every signed request runs these (see exchange_repositories).
_PARTNER = select(t.partners).where(t.partners.c.id == bindparam("partner_id"))
_ACTIVE_IN = select(t.partners).where(
    t.partners.c.status == PartnerStatus.ACTIVE.value,
    t.partners.c.division_code.in_(bindparam("codes", expanding=True)),
).order_by(t.partners.c.id)
_KEY_WITH_PARTNER_STATUS = (
    select(t.partner_keys, t.partners.c.status.label("partner_status"))
    .join(t.partners, t.partners.c.id == t.partner_keys.c.partner_id, isouter=True)
    .where(t.partner_keys.c.keyid == bindparam("keyid"))
)
_GRANTS_OF = select(t.grants).where(t.grants.c.partner_id == bindparam("partner_id")).order_by(t.grants.c.id)


def _read(cached: CachedReads | None, key, load):
    return load() if cached is None else cached.get(key, load)


class PartnerRepository:
    def __init__(self, conn: Connection, cached: CachedReads | None = None) -> None:
        self._conn, self._cached = conn, cached

    def get(self, partner_id: str) -> Partner | None:
        return _read(self._cached, ("partner", partner_id), lambda: self._get(partner_id))

    def _get(self, partner_id: str) -> Partner | None:
        row = self._conn.execute(_PARTNER, {"partner_id": partner_id}).first()
        return _partner(row) if row else None

    def add(self, partner: Partner) -> None:
        bump(self._conn)
        self._conn.execute(insert(t.partners).values(**_partner_values(partner)))

    def save(self, partner: Partner) -> None:
        bump(self._conn)
        values = _partner_values(partner)
        del values["id"], values["created_at"]
        self._conn.execute(update(t.partners).where(t.partners.c.id == partner.id).values(**values))

    def list(
        self,
        *,
        role: str | None = None,
        status: str | None = None,
        division_code: str | None = None,
        after: str | None = None,
        limit: int = 50,
        text: str | None = None,
    ) -> list[Partner]:
        """``text``: a part of the partner's id (credit code) or name."""
        query = select(t.partners).order_by(t.partners.c.id)
        if text:
            query = query.where(or_(t.partners.c.id.contains(text.upper(), autoescape=True),
                                    t.partners.c.name.contains(text, autoescape=True)))
        if status:
            query = query.where(t.partners.c.status == status)
        if division_code:
            query = query.where(t.partners.c.division_code == division_code)
        if after:
            query = query.where(t.partners.c.id > after)
        # Roles are a small JSON list; filter in Python so SQLite and PostgreSQL agree.
        found: list[Partner] = []
        for row in self._conn.execute(query):
            partner = _partner(row)
            if role and Role(role) not in partner.roles:
                continue
            found.append(partner)
            if len(found) >= limit:
                break
        return found

    def active_in(self, role: str, division_codes: list[str]) -> list[Partner]:
        """Active partners with ``role`` registered for any of ``division_codes``."""
        def load():
            rows = self._conn.execute(_ACTIVE_IN, {"codes": division_codes})
            return [p for p in map(_partner, rows) if Role(role) in p.roles]
        return _read(self._cached, ("active_in", role, tuple(division_codes)), load)


def _key(row: Any) -> SigningKey:
    return SigningKey(
        keyid=row.keyid,
        partner_id=row.partner_id,
        algorithm=row.algorithm,
        public_key_pem=row.public_key_pem,
        jwk=row.jwk,
        fingerprint=row.fingerprint,
        thumbprint=row.thumbprint,
        not_before=row.not_before,
        not_after=row.not_after,
        status=KeyStatus(row.status),
        revoked_at=row.revoked_at,
        revoked_reason=row.revoked_reason,
        created_at=row.created_at,
    )


class KeyRepository:
    def __init__(self, conn: Connection, cached: CachedReads | None = None) -> None:
        self._conn, self._cached = conn, cached

    def get(self, keyid: str) -> SigningKey | None:
        row = self._conn.execute(select(t.partner_keys).where(t.partner_keys.c.keyid == keyid)).first()
        return _key(row) if row else None

    def get_with_partner_status(self, keyid: str) -> tuple[SigningKey, PartnerStatus | None] | None:
        """The key and its partner's current status in one statement: the signature verifier
        asks for both on every signed request."""
        def load():
            row = self._conn.execute(_KEY_WITH_PARTNER_STATUS, {"keyid": keyid}).first()
            if row is None:
                return None
            return _key(row), PartnerStatus(row.partner_status) if row.partner_status else None
        return _read(self._cached, ("key", keyid), load)

    def add(self, key: SigningKey) -> None:
        bump(self._conn)
        self._conn.execute(
            insert(t.partner_keys).values(
                keyid=key.keyid,
                partner_id=key.partner_id,
                algorithm=key.algorithm,
                public_key_pem=key.public_key_pem,
                jwk=key.jwk,
                fingerprint=key.fingerprint,
                thumbprint=key.thumbprint,
                not_before=key.not_before,
                not_after=key.not_after,
                status=key.status.value,
                revoked_at=key.revoked_at,
                revoked_reason=key.revoked_reason,
                created_at=key.created_at,
            )
        )

    def save(self, key: SigningKey) -> None:
        bump(self._conn)
        self._conn.execute(
            update(t.partner_keys)
            .where(t.partner_keys.c.keyid == key.keyid)
            .values(
                not_after=key.not_after,
                status=key.status.value,
                revoked_at=key.revoked_at,
                revoked_reason=key.revoked_reason,
            )
        )

    def for_partner(self, partner_id: str) -> list[SigningKey]:
        rows = self._conn.execute(
            select(t.partner_keys)
            .where(t.partner_keys.c.partner_id == partner_id)
            .order_by(t.partner_keys.c.created_at, t.partner_keys.c.keyid)
        )
        return [_key(r) for r in rows]

    def expiring(self, now, until, limit: int = 200) -> list[SigningKey]:
        """Active keys whose validity ends between ``now`` and ``until``, soonest first."""
        c = t.partner_keys.c
        rows = self._conn.execute(select(t.partner_keys).where(
            c.status == KeyStatus.ACTIVE.value, c.not_after > now, c.not_after <= until,
        ).order_by(c.not_after, c.keyid).limit(limit))
        return [_key(r) for r in rows]

    def revoked(self, limit: int = 200) -> list[SigningKey]:
        c = t.partner_keys.c
        rows = self._conn.execute(select(t.partner_keys).where(c.status == KeyStatus.REVOKED.value)
                                  .order_by(c.revoked_at.desc(), c.keyid).limit(limit))
        return [_key(r) for r in rows]

    def valid_in_pairs(self, now, limit: int = 200) -> list[SigningKey]:
        """The valid keys of partners that have more than one valid key now (a rotation)."""
        c = t.partner_keys.c
        valid = and_(c.status == KeyStatus.ACTIVE.value, c.not_before <= now,
                     or_(c.not_after.is_(None), c.not_after > now))
        rotating = (select(c.partner_id).where(valid).group_by(c.partner_id)
                    .having(func.count() > 1).limit(limit))
        rows = self._conn.execute(select(t.partner_keys).where(valid, c.partner_id.in_(rotating))
                                  .order_by(c.partner_id, c.not_before, c.keyid))
        return [_key(r) for r in rows]

    def with_fingerprint(self, fingerprint: str) -> SigningKey | None:
        row = self._conn.execute(
            select(t.partner_keys).where(t.partner_keys.c.fingerprint == fingerprint)
        ).first()
        return _key(row) if row else None


def _grant(row: Any) -> Grant:
    return Grant(
        id=row.id,
        partner_id=row.partner_id,
        operation=row.operation,
        expires_at=row.expires_at,
        created_at=row.created_at,
        created_by=row.created_by,
    )


class GrantRepository:
    def __init__(self, conn: Connection, cached: CachedReads | None = None) -> None:
        self._conn, self._cached = conn, cached

    def add(self, grant: Grant) -> Grant:
        bump(self._conn)
        result = self._conn.execute(
            insert(t.grants)
            .values(
                partner_id=grant.partner_id,
                operation=grant.operation,
                expires_at=grant.expires_at,
                created_at=grant.created_at,
                created_by=grant.created_by,
            )
            .returning(t.grants.c.id)
        )
        grant.id = result.scalar_one()
        return grant

    def get(self, grant_id: int) -> Grant | None:
        row = self._conn.execute(select(t.grants).where(t.grants.c.id == grant_id)).first()
        return _grant(row) if row else None

    def find(self, partner_id: str, operation: str) -> Grant | None:
        row = self._conn.execute(
            select(t.grants).where(
                and_(t.grants.c.partner_id == partner_id, t.grants.c.operation == operation)
            )
        ).first()
        return _grant(row) if row else None

    def remove(self, grant_id: int) -> None:
        bump(self._conn)
        self._conn.execute(delete(t.grants).where(t.grants.c.id == grant_id))

    def list(
        self,
        *,
        partner_id: str | None = None,
        operation: str | None = None,
        after: int | None = None,
        limit: int = 50,
    ) -> list[Grant]:
        query = select(t.grants).order_by(t.grants.c.id).limit(limit)
        if partner_id:
            query = query.where(t.grants.c.partner_id == partner_id)
        if operation:
            query = query.where(t.grants.c.operation == operation)
        if after is not None:
            query = query.where(t.grants.c.id > after)
        return [_grant(r) for r in self._conn.execute(query)]

    def for_partner(self, partner_id: str) -> list[Grant]:
        return _read(self._cached, ("grants", partner_id),
                     lambda: [_grant(r) for r in self._conn.execute(_GRANTS_OF, {"partner_id": partner_id})])
