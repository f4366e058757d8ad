"""The tax adapter: deferral conclusions to tax systems that speak the TIPS "CFX" idiom.

    FORMAT = "tax_cfx"                     the format name partners register
    validate_settings(settings) -> dict    src_node, des_node, app, sm2_user_id,
                                           signature_encoding, sm2_keyid (see .settings)
    install(kit)                           registers a TaxChannel under FORMAT, with its
                                           text rule (GBK, XML 1.0 characters: xml.unwritable)

Modules: ``codes`` (message numbers, result codes, business code lists), ``fields`` and
``mapping`` (pure translation), ``header`` (HEAD, WorkDate, MsgID, the 9120 answer), ``xml``
(GBK in and out through defusedxml), ``signature`` (the detached SM2 comment), ``messages``
(whole signed messages), ``channel`` (the HTTP exchange), ``gateway_key`` (the gateway's own
SM2 key in ``<key_dir>/sm2``). The loopback simulator of a tax system is
``gateway.simulators.tax``.
"""

from __future__ import annotations

from gateway.adapters_kit import AdapterKit
from gateway.delivery.assembly import DeliverySettings
from gateway.services.sm2_keys import sm2_key_for

from .channel import FORMAT, TaxChannel
from .facts import CfxFacts
from .gateway_key import GatewaySm2Key
from .settings import SAMPLE_SETTINGS, TaxSettings, validate_settings
from .xml import unwritable

__all__ = ["FORMAT", "SAMPLE_SETTINGS", "TaxChannel", "TaxSettings", "install",
           "validate_settings"]


def install(kit: AdapterKit) -> None:
    kit.adapters.register(FORMAT, build_channel(kit), text_rule=unwritable)
    if kit.facts is not None:  # 86号-6 比对: premiums asked in bulk (.facts)
        kit.facts.register(FORMAT, build_facts(kit))


def build_facts(kit: AdapterKit) -> CfxFacts:
    gateway_key = GatewaySm2Key(kit.settings.effective_key_dir)

    def partner_key(partner_id: str, keyid: str):
        with kit.uow() as uow:
            return sm2_key_for(uow, partner_id, keyid, kit.clock())

    return CfxFacts(gateway_key.private_key, partner_key, kit.clock,
                    timeout=DeliverySettings.from_settings(kit.settings).timeout,
                    session_factory=kit.session_factory)


def build_channel(kit: AdapterKit) -> TaxChannel:
    gateway_key = GatewaySm2Key(kit.settings.effective_key_dir)

    def partner_key(partner_id: str, keyid: str):
        with kit.uow() as uow:
            return sm2_key_for(uow, partner_id, keyid, kit.clock())

    return TaxChannel(gateway_key.private_key, partner_key, kit.calendar,
                      timeout=DeliverySettings.from_settings(kit.settings).timeout,
                      clock=kit.clock, session_factory=kit.session_factory)
