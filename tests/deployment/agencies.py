"""The partners of the deployment test, registered with the command line as an operator would.

HR (the sender, granted ``deferral``) signs with its own key; tax and finance are canonical
recipients: real loopback simulators that verify the gateway's delivery signatures against the
shared key directory's JWKS, deduplicate by Idempotency-Key (the message id) and count repeats.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.keystore import GatewayKeyStore
from gateway.signatures import SigningKey
from gateway.simulators import Behaviour, CanonicalPartnerSimulator
from tests.support.ids import credit_code
from tests.support.samples import CONCLUSION, deferral_conclusion

from .cluster import Cluster

DIVISION = "150500"
HR, TAX, FINANCE = credit_code(1), credit_code(2), credit_code(3)


@dataclass
class Agencies:
    hr_key: SigningKey
    recipients: dict[str, CanonicalPartnerSimulator]  # partner id → simulator

    def hold(self, seconds: float) -> None:
        """Make every recipient hold each request it is sent this long before answering."""
        for simulator in self.recipients.values():
            simulator.behaviour.delay_seconds = seconds

    def stop(self) -> None:
        for simulator in self.recipients.values():
            simulator.stop()


def register(cluster: Cluster, partner_id: str, role: str, endpoint: str,
             key: SigningKey) -> None:
    cluster.govgate_json("partners", "add", "--id", partner_id, "--name", f"{role} of Tongliao",
                         "--role", role, "--division", DIVISION, "--endpoint", endpoint)
    cluster.govgate_json("keys", "add", partner_id, "--public-key", "-", "--keyid", key.keyid,
                         input=key.public_info().pem)


def register_agencies(cluster: Cluster, delay_seconds: float) -> Agencies:
    gateway_keys = GatewayKeyStore(cluster.key_dir)
    recipients = {}
    try:
        for partner_id, role in ((TAX, "tax"), (FINANCE, "finance")):
            key = SigningKey.generate("ed25519", f"{role}-2026")
            simulator = CanonicalPartnerSimulator(partner_id, key, gateway_keys.jwks,
                                                  behaviour=Behaviour(delay_seconds=delay_seconds))
            recipients[partner_id] = simulator.start()
            register(cluster, partner_id, role, simulator.endpoint_url, key)
        hr_key = SigningKey.generate("ed25519", "hr-2026")
        register(cluster, HR, "hr", "https://hr.tongliao.example.cn/govgate", hr_key)
        cluster.govgate_json("grants", "add", HR, "deferral")
    except BaseException:
        for simulator in recipients.values():
            simulator.stop()
        raise
    return Agencies(hr_key, recipients)


def conclusion(n: int) -> dict:
    """The n-th deferral conclusion: each for another enterprise, so no two bodies are equal."""
    enterprise = {**CONCLUSION["enterprise"], "credit_code": credit_code(1000 + n),
                  "headcount": 10 + n % 90}
    return deferral_conclusion(enterprise=enterprise)
