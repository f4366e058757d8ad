"""The HR / social-insurance adapter for systems that speak coded field names (AAC002, …).

    FORMAT = "hr_coded"                    the format name partners register
    validate_settings(settings) -> dict    app_id, service_code (see .settings)
    install(kit)                           registers, under FORMAT, a CodedHrFacts source
                                           (kit.hr_facts), a CodedFacts source (kit.facts), and
                                           the counter's coded benefit claims (86号-11…15,
                                           POST /v1/benefit-claims/coded) as the inbound idiom
                                           ``hr_coded`` with its error replies

Two queries are translated outbound: the loan-qualification person-facts query (86号-16:
``mapping``, ``channel``) and the people measures' facts (86号-11…15: social insurance
``unemployment_insurance``, HR ``unemployment_registration``: ``facts_mapping``, ``facts``);
the insurance agency's counter system sends benefit claims in the same coded fields
(``claims``). HR partners *send* deferral conclusions and receive no deliveries, so this package
registers no delivery channel. ``codes`` holds every code table; ``settings`` the partner's
settings.
"""

from __future__ import annotations

from gateway.adapters_kit import AdapterKit

from .channel import FORMAT, CodedHrFacts
from .claims import IDIOM, CodedClaimsInbound
from .facts import CodedFacts
from .settings import SAMPLE_SETTINGS, validate_settings

__all__ = ["FORMAT", "IDIOM", "SAMPLE_SETTINGS", "CodedFacts", "CodedHrFacts", "install", "validate_settings"]


def install(kit: AdapterKit) -> None:
    timeout = (3.05, float(getattr(kit.settings, "hr_query_timeout_seconds", 10)))
    kit.hr_facts.register(FORMAT, CodedHrFacts(timeout=timeout,
                                               session_factory=kit.session_factory))
    if kit.facts is not None:
        kit.facts.register(FORMAT, CodedFacts(timeout=timeout, session_factory=kit.session_factory))
    claims = CodedClaimsInbound()
    kit.error_idioms[IDIOM] = claims.error
    kit.inbound_idioms[IDIOM] = claims
