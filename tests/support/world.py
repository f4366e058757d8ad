"""A small world of partners for the policy exchanges, all in Tongliao (150500).

Each partner is registered through the admin API with its own signing key and the grants
its role needs; ``hr_answers`` simulates the HR system's signed answers to the gateway's
person-facts queries (a partner system we do not own, so it may be simulated with ``responses``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import responses

from gateway.domain.identifiers import citizen_id_check_char
from gateway.signatures import Headers, HttpRequest, HttpResponse, ResponseSigner
from gateway.signatures.profile import RECEIPT_TAG

from .signing import SignedPartner, register_signed_partner

GRANTS = {
    "hr": ["deferral"],
    "bank": ["lending", "subsidy"],
    "guarantee_fund": ["guarantee"],
    "finance": ["subsidy_decision"],
    "tax": [],
}


def citizen_id(n: int, birth: str = "19900101") -> str:
    first17 = f"150502{birth}{n:03d}"
    return first17 + citizen_id_check_char(first17)


@dataclass
class World:
    client: object
    admin_headers: dict
    partners: dict[str, SignedPartner] = field(default_factory=dict)
    hr_facts: dict[str, list[str]] = field(default_factory=dict)  # citizen id → groups HR reports
    hr_queries: list[dict] = field(default_factory=list)

    def __getattr__(self, role: str) -> SignedPartner:
        try:
            return self.__dict__["partners"][role]
        except KeyError:
            raise AttributeError(role) from None


def build_world(client, admin_headers, clock, roles=("hr", "tax", "finance", "bank", "guarantee_fund"),
                division: str = "150500") -> World:
    world = World(client, admin_headers)
    for n, role in enumerate(roles, start=1):
        partner = register_signed_partner(client, admin_headers, n, clock=clock, roles=[role],
                                          division_code=division,
                                          endpoint_url=f"https://{role.replace('_', '-')}.example.cn/govgate")
        for group in GRANTS[role]:
            response = client.post("/v1/admin/grants", headers=admin_headers,
                                   json={"partner_id": partner.id, "operation": group})
            assert response.status_code == 201, response.text
        world.partners[role] = partner
    return world


def hr_answers(world: World, clock, *, status: int = 200, exception: Exception | None = None):
    """A ``responses`` mock of the HR system answering person-facts queries, signed by its key."""
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    url = world.hr.partner["endpoint_url"] + "/queries/person-facts"

    def answer(request):
        query = json.loads(request.body)
        world.hr_queries.append(query)
        body = json.dumps({
            "persons": [{"citizen_id": pid, "known": pid in world.hr_facts, "groups": world.hr_facts.get(pid, [])}
                        for pid in query["citizen_ids"]],
            "enterprise": None,
        }).encode()
        headers = Headers([("Content-Type", "application/json")])
        signed_request = HttpRequest("POST", request.url, Headers(list(request.headers.items())), request.body)
        fields = ResponseSigner(world.hr.key, tag=RECEIPT_TAG, clock=clock).sign(
            HttpResponse(status, headers, body), signed_request, "govgate")
        return status, dict(headers.items()) | dict(fields.headers()), body

    if exception is not None:
        mock.add(responses.POST, url, body=exception)
    else:
        mock.add_callback(responses.POST, url, callback=answer)
    return mock
