"""Registering and changing partners (agencies and institutions)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from ..domain.identifiers import InvalidIdentifier, validate_credit_code, validate_division_code
from ..domain.partners import CANONICAL_FORMAT, Partner, PartnerStatus, Role
from ..errors import Conflict, FieldError, InvalidInput, NotFound


@dataclass(frozen=True)
class EndpointPolicy:
    """Where the gateway may deliver: https anywhere, plain http only to loopback if allowed."""

    allow_loopback_http: bool = False

    def check(self, url: str) -> str | None:
        """None if the URL is acceptable, else why not."""
        try:
            parts = urlsplit(url)
            host = parts.hostname
            parts.port  # noqa: B018 - raises on a malformed port
        except ValueError:
            return "is not a valid URL"
        if not host or parts.scheme not in {"https", "http"}:
            return "must be an absolute https URL"
        if parts.username or parts.password:
            return "must not carry credentials"
        if parts.fragment:
            return "must not have a fragment"
        if parts.scheme == "http":
            if not self.allow_loopback_http:
                return "must use https (plain http is allowed only to loopback, when enabled)"
            if not _is_loopback(host):
                return "may use plain http only for a loopback host"
        return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# format name → a validator of that format's partner settings: returns them normalised, or
# raises InvalidInput with pointers relative to the settings object. Adapters provide theirs.
SettingsValidator = Callable[[dict], dict]


def no_settings(settings: dict) -> dict:
    if settings:
        raise InvalidInput("the canonical format takes no settings", reason="validation_failed",
                           errors=[FieldError("", "must be empty for the canonical format")])
    return {}


def _snapshot(p: Partner) -> dict:
    return {
        "name": p.name,
        "roles": sorted(r.value for r in p.roles),
        "division_code": p.division_code,
        "endpoint_url": p.endpoint_url,
        "format": p.format,
        "format_settings": p.format_settings,
        "status": p.status.value,
    }


class PartnerRegistry:
    """Validation and changes of partners, shared by the admin API and the CLI."""

    def __init__(self, endpoint_policy: EndpointPolicy,
                 formats: Mapping[str, SettingsValidator] | None = None) -> None:
        self._endpoints = endpoint_policy
        self._formats = {CANONICAL_FORMAT: no_settings, **(formats or {})}

    def register(self, uow, fields: dict, now: datetime) -> tuple[Partner, None, dict]:
        errors: list[FieldError] = []
        partner_id = _identifier(validate_credit_code, fields.get("id", ""), "/id", errors)
        partner = Partner(
            id=partner_id or "",
            name=self._name(fields.get("name", ""), errors),
            roles=self._roles(fields.get("roles", []), errors),
            division_code=_identifier(
                validate_division_code, fields.get("division_code", ""), "/division_code", errors
            )
            or "",
            endpoint_url=self._endpoint(fields.get("endpoint_url", ""), errors),
            format=self._format(fields.get("format", CANONICAL_FORMAT), errors),
            status=PartnerStatus.ACTIVE,
            created_at=now,
            updated_at=now,
        )
        partner.format_settings = self._settings(partner.format, fields.get("format_settings", {}), errors)
        _raise_if(errors, "the partner is not valid")
        if uow.partners.get(partner.id) is not None:
            raise Conflict(f"partner {partner.id} is already registered", reason="partner_exists")
        uow.partners.add(partner)
        return partner, None, _snapshot(partner)

    def update(self, uow, partner_id: str, changes: dict, now: datetime):
        partner = self.get(uow, partner_id)
        before = _snapshot(partner)
        errors: list[FieldError] = []
        if "name" in changes:
            partner.name = self._name(changes["name"], errors)
        if "roles" in changes:
            partner.roles = self._roles(changes["roles"], errors)
        if "division_code" in changes:
            partner.division_code = (
                _identifier(validate_division_code, changes["division_code"], "/division_code", errors)
                or partner.division_code
            )
        if "endpoint_url" in changes:
            partner.endpoint_url = self._endpoint(changes["endpoint_url"], errors)
        if "format" in changes:
            partner.format = self._format(changes["format"], errors)
        if "format" in changes or "format_settings" in changes:
            settings = changes.get("format_settings", partner.format_settings if "format" not in changes else {})
            partner.format_settings = self._settings(partner.format, settings, errors)
        if "status" in changes:
            partner.status = PartnerStatus(changes["status"])
        _raise_if(errors, "the change is not valid")
        partner.updated_at = now
        uow.partners.save(partner)
        return partner, before, _snapshot(partner)

    def set_status(self, uow, partner_id: str, status: PartnerStatus, now: datetime):
        return self.update(uow, partner_id, {"status": status.value}, now)

    @staticmethod
    def get(uow, partner_id: str) -> Partner:
        partner = uow.partners.get(partner_id)
        if partner is None:
            raise NotFound(f"no partner {partner_id}", reason="partner_not_found")
        return partner

    @staticmethod
    def _name(value: str, errors: list[FieldError]) -> str:
        name = (value or "").strip()
        if not name or len(name) > 200:
            errors.append(FieldError("/name", "must be 1 to 200 characters"))
        return name

    @staticmethod
    def _roles(values: list[str], errors: list[FieldError]) -> frozenset[Role]:
        roles: set[Role] = set()
        for i, value in enumerate(values or []):
            try:
                roles.add(Role(value))
            except ValueError:
                errors.append(FieldError(f"/roles/{i}", f"unknown role {value!r}"))
        if not values:
            errors.append(FieldError("/roles", "at least one role is required"))
        return frozenset(roles)

    def _endpoint(self, url: str, errors: list[FieldError]) -> str:
        problem = self._endpoints.check(url or "")
        if problem:
            errors.append(FieldError("/endpoint_url", problem))
        return url

    def _settings(self, format_name: str, settings: dict, errors: list[FieldError]) -> dict:
        validate = self._formats.get(format_name)
        if validate is None:
            return {}  # the unknown format is reported already
        try:
            return validate(dict(settings or {}))
        except InvalidInput as error:
            errors.extend(FieldError("/format_settings" + e.pointer, e.detail) for e in error.errors)
            return {}

    @property
    def formats(self) -> frozenset[str]:
        return frozenset(self._formats)

    def _format(self, name: str, errors: list[FieldError]) -> str:
        if name not in self._formats:
            known = ", ".join(sorted(self._formats))
            errors.append(FieldError("/format", f"unknown format {name!r}; known: {known}"))
        return name


def _identifier(validate, value: str, pointer: str, errors: list[FieldError]) -> str | None:
    try:
        return validate(value)
    except InvalidIdentifier as error:
        errors.append(FieldError(pointer, error.detail))
        return None


def _raise_if(errors: list[FieldError], detail: str) -> None:
    if errors:
        raise InvalidInput(detail, reason="validation_failed", errors=errors)
