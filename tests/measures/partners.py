"""What the measure worlds share: partners registered through the real admin API, each with its
key, its grant groups and a real loopback simulator for the calls the gateway makes to it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from gateway.signatures import SigningKey
from gateway.simulators import CanonicalPartnerSimulator
from tests.support.ids import credit_code
from tests.support.signing import SignedPartner


@dataclass
class MeasureWorld:
    client: object
    partners: dict[str, SignedPartner] = field(default_factory=dict)
    simulators: dict[str, CanonicalPartnerSimulator] = field(default_factory=dict)

    def apply(self, partner: str, measure: str, body: dict):
        return self.partners[partner].post(f"/v1/measures/{measure}/applications", json=body)


def populated(world: MeasureWorld, partners: list[tuple], first: int, *, admin_headers, clock,
              container) -> Iterator[MeasureWorld]:
    """Register ``partners`` — (name, role, division, simulator kind, grant groups) — with credit
    codes numbered from ``first``; yield the world, then stop its simulators."""
    client = world.client
    container.keystore.ensure_current()
    for n, (name, role, division, kind, groups) in enumerate(partners, start=first):
        key = SigningKey.generate("ed25519", f"{name}-key")
        simulator = kind(credit_code(n), key, container.keystore.jwks, clock=clock).start()
        world.simulators[name] = simulator
        body = {"id": credit_code(n), "name": f"{name} partner", "roles": [role],
                "division_code": division, "endpoint_url": simulator.endpoint_url}
        created = client.post("/v1/admin/partners", headers=admin_headers, json=body)
        assert created.status_code == 201, created.text
        registered = client.post(f"/v1/admin/partners/{body['id']}/keys", headers=admin_headers,
                                 json={"public_key": key.public_info().pem, "keyid": key.keyid})
        assert registered.status_code == 201, registered.text
        for group in groups:
            granted = client.post("/v1/admin/grants", headers=admin_headers,
                                  json={"partner_id": body["id"], "operation": group})
            assert granted.status_code == 201, granted.text
        world.partners[name] = SignedPartner(client, created.json(), key, clock)
    try:
        yield world
    finally:
        for simulator in world.simulators.values():
            simulator.stop()
