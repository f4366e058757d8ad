"""Partners (agencies and institutions), their signing keys and their access rights.

Plain dataclasses: no framework, no database. Identifier checks live in ``identifiers``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Role(str, enum.Enum):
    HR = "hr"
    SOCIAL_INSURANCE = "social_insurance"
    TAX = "tax"
    FINANCE = "finance"
    BANK = "bank"
    GUARANTEE_FUND = "guarantee_fund"
    WEB_HALL = "web_hall"  # the provincial online service hall (网上办事大厅), 86号-6/7, 11…15
    # The channels people claim 86号-11…15 through, besides the web hall:
    INSURANCE_COUNTER = "insurance_counter"  # the insurance agency's counter system (经办柜面)
    MOBILE_APP = "mobile_app"  # the provincial HR mobile app (内蒙古人社 APP)
    NATIONAL_PLATFORM = "national_platform"  # 国家社会保险公共服务平台 (si.12333.gov.cn)
    ECARD = "ecard"  # the Alipay / WeChat electronic social security card services (电子社保卡)
    # Confirms vocational qualification and skill-level certificates (86号-11).
    CERTIFICATE_REGISTRY = "certificate_registry"


class PartnerStatus(str, enum.Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class KeyStatus(str, enum.Enum):
    ACTIVE = "active"
    REVOKED = "revoked"


CANONICAL_FORMAT = "canonical"


@dataclass
class Partner:
    id: str  # unified social credit code (GB 32100)
    name: str
    roles: frozenset[Role]
    division_code: str  # GB/T 2260
    endpoint_url: str
    format: str = CANONICAL_FORMAT
    # What the format's adapter needs to reach this partner (node codes, SM2 user id, ...).
    format_settings: dict = field(default_factory=dict)
    status: PartnerStatus = PartnerStatus.ACTIVE
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status is PartnerStatus.ACTIVE


@dataclass
class SigningKey:
    """A partner's public key. Private keys never enter the gateway."""

    keyid: str
    partner_id: str
    algorithm: str
    public_key_pem: str
    jwk: dict
    fingerprint: str  # SHA-256 of the DER SubjectPublicKeyInfo, hex
    thumbprint: str  # RFC 7638, base64url
    not_before: datetime
    not_after: datetime | None
    status: KeyStatus = KeyStatus.ACTIVE
    revoked_at: datetime | None = None
    revoked_reason: str | None = None
    created_at: datetime | None = None

    def validity_at(self, now: datetime) -> str:
        """'valid', or why not: 'revoked', 'not_yet_valid', 'expired'."""
        if self.status is KeyStatus.REVOKED:
            return "revoked"
        if now < self.not_before:
            return "not_yet_valid"
        if self.not_after is not None and now >= self.not_after:
            return "expired"
        return "valid"


@dataclass
class Grant:
    """An access right: a partner may call an operation (or every operation of a group)."""

    id: int | None
    partner_id: str
    operation: str  # an operationId, or a group name declared in the spec
    expires_at: datetime | None = None
    created_at: datetime | None = None
    created_by: str | None = None

    def is_current(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


@dataclass(frozen=True)
class OperationCatalogue:
    """The grantable operations and their groups, as declared in the OpenAPI document."""

    grantable: frozenset[str]
    groups: dict[str, frozenset[str]] = field(default_factory=dict)

    def knows(self, name: str) -> bool:
        return name in self.grantable or name in self.groups

    def expand(self, name: str) -> frozenset[str]:
        return self.groups.get(name, frozenset({name}) if name in self.grantable else frozenset())

    def granted_operations(self, grants: list[Grant], now: datetime) -> frozenset[str]:
        ops: set[str] = set()
        for grant in grants:
            if grant.is_current(now):
                ops |= self.expand(grant.operation)
        return frozenset(ops)
