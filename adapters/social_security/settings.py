"""An HR partner's ``format_settings`` for ``hr_coded``, checked at the edge by marshmallow.

    app_id         the application id HR issued to the gateway, sent as ``appId``
    service_code   the HR service that answers person-facts queries; default
                   ``QRY_PERSON_FACTS``
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from gateway.adapters_kit import settings_refused

DEFAULT_SERVICE = "QRY_PERSON_FACTS"


class _HrCodedSettingsSchema(Schema):
    app_id = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9_\-]{1,32}$", error="must be 1 to 32 of A-Z a-z 0-9 _ -"))
    service_code = fields.String(load_default=DEFAULT_SERVICE, validate=validate.Regexp(
        r"^[A-Za-z0-9_]{1,32}$", error="must be 1 to 32 of A-Z a-z 0-9 _"))


_SCHEMA = _HrCodedSettingsSchema()

SAMPLE_SETTINGS = {"app_id": "govgate-150500"}


def validate_settings(settings: dict) -> dict:
    try:
        return _SCHEMA.load(settings)
    except ValidationError as exc:
        raise settings_refused(exc.messages, "the hr_coded settings are not valid") from None
