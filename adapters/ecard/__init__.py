"""The Alipay / WeChat electronic social security card services (电子社保卡): open-platform claims.

    FORMAT = "ecard"                 what a card service's partner registers as its ``format``
    validate_settings(settings)      {"channel_no": "ALIPAY" | "WECHAT"}: which card service the
                                     partner is; a request's channel_no must match (403)
    install(kit)                     registers the inbound idiom (benefit claims of 86号-12…15 at
                                     POST /v1/benefit-claims/ecard) and its error replies
                                     (code/msg/sub_code/sub_msg)

    codes.py    method, channel, benefit, result and reply-code tables
    mapping.py  envelope + biz_content ⇄ canonical claim and decision
    inbound.py  requests in, replies out

The card services are answered synchronously and receive no deliveries, so no delivery channel
is registered (a message addressed to one would be dead-lettered ``no_adapter``).
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from gateway.adapters_kit import settings_refused

from . import codes
from .inbound import EcardInbound

FORMAT = "ecard"
IDIOM = FORMAT  # the x-govgate-idiom of the inbound endpoint


class _SettingsSchema(Schema):
    channel_no = fields.String(required=True, validate=validate.OneOf(sorted(codes.CHANNELS)))


def validate_settings(settings: dict) -> dict:
    try:
        return _SettingsSchema().load(settings)
    except ValidationError as exc:
        raise settings_refused(exc.messages, "the e-card settings are not valid") from None


def install(kit) -> None:
    inbound = EcardInbound()
    kit.error_idioms[IDIOM] = inbound.error
    kit.inbound_idioms[IDIOM] = inbound
