"""The national social insurance public service platform (si.12333.gov.cn): head/body JSON claims.

    FORMAT = "national_platform"     what the platform's partner registers as its ``format``
    validate_settings(settings)      {"send_org": the organisation code its head.sendOrg carries}
    install(kit)                     registers the inbound idiom (benefit claims of 86号-12…15 at
                                     POST /v1/benefit-claims/national-platform) and its error
                                     replies (head.retCode/retMsg)

    codes.py    busiCode, benefitType, result and retCode tables
    mapping.py  head/body ⇄ canonical claim and decision
    inbound.py  requests in, replies out

The platform is answered synchronously and receives no deliveries, so no delivery channel is
registered (a message addressed to it would be dead-lettered ``no_adapter``).
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from gateway.adapters_kit import settings_refused

from .inbound import NationalPlatformInbound

FORMAT = "national_platform"
IDIOM = FORMAT  # the x-govgate-idiom of the inbound endpoint


class _SettingsSchema(Schema):
    send_org = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9A-Za-z]{1,32}$", error="must be 1 to 32 of A-Z a-z 0-9"))


def validate_settings(settings: dict) -> dict:
    try:
        return _SettingsSchema().load(settings)
    except ValidationError as exc:
        raise settings_refused(exc.messages, "the national platform settings are not valid") from None


def install(kit) -> None:
    inbound = NationalPlatformInbound()
    kit.error_idioms[IDIOM] = inbound.error
    kit.inbound_idioms[IDIOM] = inbound
