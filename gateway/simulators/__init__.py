"""Real HTTP partner simulators on loopback, for tests and demonstrations (see README.md).

    CanonicalPartnerSimulator(partner_id, signing_key, gateway_jwks, behaviour=Behaviour())
        .start() / .stop() / with …:     a threaded HTTP server on 127.0.0.1
        .endpoint_url                    what to register as the partner's endpoint
        .received, .duplicates           messages seen once, and repeats per message id
"""

from gateway.simulators.canonical_partner import Behaviour, CanonicalPartnerSimulator

__all__ = ["Behaviour", "CanonicalPartnerSimulator"]
