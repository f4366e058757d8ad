"""The bank front-end adapter (银企直联 idiom): GBK XML packages in and out.

    FORMAT = "bank_frontend"         what a bank partner registers as its ``format``
    validate_settings(settings)      {"lgnnam": the login name the bank's front-end expects}
    install(kit)                     registers the delivery channel (guarantee and subsidy
                                     decisions) with its text rule (GBK: xml.unwritable),
                                     the inbound idiom (loan qualification,
                                     guarantee review, subsidy claim at POST /v1/bank-frontend)
                                     and its error renderer (RETCOD/ERRMSG replies)

    codes.py    FUNNAM and RETCOD tables        mapping.py  packages ↔ canonical messages
    blocks.py   the tables' machinery           xml.py      GBK XML, hardened parsing
    inbound.py  requests in, replies out        channel.py  deliveries (the only I/O)

Outbound packages are not SM2-signed: the front-end idiom is unsigned XML over HTTP, so the
HTTP request carries the gateway's RFC 9421 signature (``govgate-delivery``) instead, which
needs no per-bank SM2 user id or signature encoding.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from gateway.errors import FieldError, InvalidInput

from . import xml
from .channel import BankFrontendChannel
from .inbound import BankFrontendInbound

FORMAT = "bank_frontend"
IDIOM = FORMAT  # the x-govgate-idiom of the inbound endpoint


def _gbk(value: str) -> None:
    try:
        value.encode("gbk")
    except UnicodeEncodeError:
        raise ValidationError("must be representable in GBK") from None
    if not value.isprintable() or value != value.strip():
        raise ValidationError("must be printable, without surrounding blanks")


class SettingsSchema(Schema):
    lgnnam = fields.String(required=True, validate=[validate.Length(1, 60), _gbk])


def validate_settings(settings: dict) -> dict:
    try:
        return SettingsSchema().load(settings)
    except ValidationError as exc:
        errors = [FieldError(f"/{name}", "; ".join(map(str, problems if isinstance(problems, list) else [problems])))
                  for name, problems in sorted(exc.normalized_messages().items())]
        raise InvalidInput("the bank front-end settings are not valid", reason="validation_failed",
                           errors=errors) from None


def install(kit) -> None:
    from gateway.delivery.assembly import DeliverySettings

    timeout = DeliverySettings.from_settings(kit.settings).timeout
    kit.adapters.register(FORMAT, BankFrontendChannel(kit.keystore.current, timeout=timeout, clock=kit.clock,
                                                      session_factory=kit.session_factory),
                          text_rule=xml.unwritable)
    inbound = BankFrontendInbound(getattr(kit.settings, "max_body_bytes", None) or 1_048_576)
    kit.error_idioms[IDIOM] = inbound.error
    kit.inbound_idioms[IDIOM] = inbound
