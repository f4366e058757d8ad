"""A tax partner's ``format_settings`` for ``tax_cfx``, checked at the edge by marshmallow.

    src_node            our 12-digit CFX node code (HEAD/SRC), as the tax system knows us
    des_node            the tax system's 12-digit node code (HEAD/DES)
    app                 HEAD/APP application id; default ``GOVGATE``
    sm2_user_id         SM2 user ID for both directions; default ``1234567812345678``
    signature_encoding  ``der`` (TIPS, default) or ``raw`` (64-byte r ‖ s)
    sm2_keyid           the keyid of the tax partner's registered SM2 key (algorithm
                        ``sm2-sm3``) that must have signed its answers; registered separately
                        with ``govgate keys add … --algorithm sm2-sm3 --keyid <this>``
"""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema, ValidationError, fields, validate

from gateway.adapters_kit import settings_refused
from gateway.gmcrypto import SignatureEncoding as Sm2SignatureEncoding
from gateway.gmcrypto import Sm2Settings, Sm2SettingsInvalid

DEFAULT_APP = "GOVGATE"
DEFAULT_USER_ID = "1234567812345678"

_node = validate.Regexp(r"^[0-9]{12}$", error="must be a 12-digit node code")


class _TaxSettingsSchema(Schema):
    src_node = fields.String(required=True, validate=_node)
    des_node = fields.String(required=True, validate=_node)
    app = fields.String(load_default=DEFAULT_APP, validate=validate.Regexp(
        r"^[0-9A-Za-z_]{1,20}$", error="must be 1 to 20 of A-Z a-z 0-9 _"))
    sm2_user_id = fields.String(load_default=DEFAULT_USER_ID, validate=validate.Regexp(
        r"^[\x21-\x7e]{1,64}$", error="must be 1 to 64 printable ASCII characters"))
    signature_encoding = fields.String(load_default="der", validate=validate.OneOf(["der", "raw"]))
    sm2_keyid = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9._:\-]{1,200}$", error="must be a keyid (1 to 200 of A-Z a-z 0-9 . _ : -)"))


_SCHEMA = _TaxSettingsSchema()


def validate_settings(settings: dict) -> dict:
    """The settings with defaults filled in; ``InvalidInput`` with pointers such as
    ``/src_node`` otherwise."""
    try:
        loaded = _SCHEMA.load(settings)
    except ValidationError as exc:
        raise settings_refused(exc.messages, "the tax_cfx settings are not valid") from None
    if loaded["src_node"] == loaded["des_node"]:
        raise settings_refused({"des_node": ["must differ from src_node"]},
                               "the tax_cfx settings are not valid")
    try:
        _ = TaxSettings.from_dict(loaded).sm2  # builds Sm2Settings, which checks the ID
    except Sm2SettingsInvalid as exc:
        raise settings_refused({"sm2_user_id": [exc.detail]},
                               "the tax_cfx settings are not valid") from None
    return loaded


@dataclass(frozen=True)
class TaxSettings:
    src_node: str
    des_node: str
    sm2_keyid: str
    app: str = DEFAULT_APP
    sm2_user_id: str = DEFAULT_USER_ID
    signature_encoding: Sm2SignatureEncoding = "der"

    @classmethod
    def from_dict(cls, settings: dict) -> TaxSettings:
        return cls(**settings)

    @property
    def sm2(self) -> Sm2Settings:
        return Sm2Settings(user_id=self.sm2_user_id.encode("ascii"),
                           signature_encoding=self.signature_encoding)


SAMPLE_SETTINGS = {"src_node": "100000000000", "des_node": "615050000001",
                   "sm2_keyid": "tax-150500-sm2"}
