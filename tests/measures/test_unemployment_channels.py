"""The channels of 86号-12, 14 and 15 through the HTTP API: all five of 政策经办 ①…⑤ take them
(not 86号-11's three: the national platform and the e-card services claim too, canonically), a
partner of another role is refused 403 and nothing is decided, and one person's claim from the
national platform after the web hall's is answered by the first decision."""

from __future__ import annotations

import pytest

from gateway.signatures import SigningKey
from tests.support.ids import credit_code
from tests.support.signing import SignedPartner

from .people_world import REGISTERED, claim

MEASURES = ["unemployment_benefit", "unemployment_subsidy", "temporary_living_allowance"]
FACTS = {  # person n → what makes them eligible for the measure
    "unemployment_benefit": {},
    "unemployment_subsidy": {"employer_paid_months": 8, "person_paid_months": 8},
    "temporary_living_allowance": {"employer_paid_months": 6, "person_paid_months": 6,
                                   "rural_migrant": True, "stopped_on": "2021-12-31"},
}


def _partner(client, admin_headers, clock, n: int, role: str, grant: bool = True) -> SignedPartner:
    key = SigningKey.generate("ed25519", f"{role}-{n}-key")
    body = {"id": credit_code(n), "name": f"{role} partner", "roles": [role], "division_code": "150000",
            "endpoint_url": f"https://{role.replace('_', '-')}.example.cn/govgate"}
    created = client.post("/v1/admin/partners", headers=admin_headers, json=body)
    assert created.status_code == 201, created.text
    registered = client.post(f"/v1/admin/partners/{body['id']}/keys", headers=admin_headers,
                             json={"public_key": key.public_info().pem, "keyid": key.keyid})
    assert registered.status_code == 201, registered.text
    if grant:
        granted = client.post("/v1/admin/grants", headers=admin_headers,
                              json={"partner_id": body["id"], "operation": "measures"})
        assert granted.status_code == 201, granted.text
    return SignedPartner(client, created.json(), key, clock)


@pytest.fixture
def more_channels(people_world, client, admin_headers, clock):
    people_world.partners["national_platform"] = _partner(client, admin_headers, clock, 301, "national_platform")
    people_world.partners["ecard"] = _partner(client, admin_headers, clock, 302, "ecard")
    people_world.partners["bank"] = _partner(client, admin_headers, clock, 303, "bank")
    return people_world


def _progress(client, admin_headers, measure: str) -> int:
    report = client.get(f"/v1/admin/measures/progress?measure={measure}&division_code=150500",
                        headers=admin_headers)
    assert report.status_code == 200, report.text
    return sum(row[o]["count"] for row in report.json()["items"] for o in ("eligible", "refused"))


@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize(("partner", "channel"), [("national_platform", "national_platform"),
                                                  ("ecard", "ecard")])
def test_the_national_platform_and_the_e_card_claim_every_unemployment_measure(more_channels, measure,
                                                                              partner, channel):
    n = 40 + MEASURES.index(measure) + (10 if partner == "ecard" else 0)
    more_channels.insured(n, registration=REGISTERED, **FACTS[measure])
    response = more_channels.apply(partner, measure, claim(n))
    assert response.status_code == 201, response.text
    decision = response.json()
    assert (decision["outcome"], decision["channel"]) == ("eligible", channel), decision["reasons"]


@pytest.mark.parametrize("measure", MEASURES)
def test_a_partner_of_another_role_is_refused_403_and_nothing_is_decided(more_channels, client,
                                                                        admin_headers, measure):
    n = 60 + MEASURES.index(measure)
    more_channels.insured(n, registration=REGISTERED, **FACTS[measure])
    response = more_channels.apply("bank", measure, claim(n))
    assert response.status_code == 403, response.text
    assert response.json()["reason"] in ("role_not_permitted", "channel_not_permitted")
    assert _progress(client, admin_headers, measure) == 0
    assert more_channels.apply("web_hall", measure, claim(n)).status_code == 201  # still free


def test_the_national_platform_after_the_web_hall_gets_the_first_decision(more_channels):
    more_channels.insured(70, registration=REGISTERED)
    first = more_channels.apply("web_hall", "unemployment_benefit", claim(70))
    assert first.status_code == 201, first.text
    again = more_channels.apply("national_platform", "unemployment_benefit", claim(70, "2022-02-01"))
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"] and again.json()["earlier_claim"] is True
    assert again.json()["channel"] == "application"  # the first claim's channel, as signed
