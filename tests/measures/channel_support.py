"""The channels of 86号-11…15 that speak their own idiom, as partners of the people world
(tests/measures/people_world.py, which has the counter, the web hall and the mobile app), and
helpers to send each channel's sample claim (tests/fixtures/<channel>/) in its idiom.

    counter             role insurance_counter, coded fields   POST /v1/benefit-claims/coded
    national_platform   role national_platform, head/body      POST /v1/benefit-claims/national-platform
    alipay / wechat     role ecard, open-platform envelope      POST /v1/benefit-claims/ecard
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from gateway.signatures import SigningKey
from gateway.simulators import CanonicalPartnerSimulator
from tests.support.ids import credit_code
from tests.support.signing import SignedPartner

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEND_ORG = "SI12333"

# name → (role, division, format, format_settings); "counter" and "app" only where the world
# has none of its own (the people world has both, the employer world neither).
CHANNEL_PARTNERS = {
    "national_platform": ("national_platform", "150000", "national_platform", {"send_org": SEND_ORG}),
    "alipay": ("ecard", "150000", "ecard", {"channel_no": "ALIPAY"}),
    "wechat": ("ecard", "150000", "ecard", {"channel_no": "WECHAT"}),
    "counter": ("insurance_counter", "150502", "canonical", {}),
    "app": ("mobile_app", "150000", "canonical", {}),
}


def register_channels(world, client, admin_headers, clock, container) -> dict[str, SignedPartner]:
    """Adds the channel partners to ``world.partners`` (each granted ``measures``)."""
    for n, (name, (role, division, fmt, fmt_settings)) in enumerate(CHANNEL_PARTNERS.items(), start=301):
        if name in world.partners:
            continue
        key = SigningKey.generate("ed25519", f"{name}-key")
        simulator = CanonicalPartnerSimulator(credit_code(n), key, container.keystore.jwks, clock=clock).start()
        body = {"id": credit_code(n), "name": f"{name} channel", "roles": [role], "division_code": division,
                "endpoint_url": simulator.endpoint_url, "format": fmt, "format_settings": fmt_settings}
        created = client.post("/v1/admin/partners", headers=admin_headers, json=body)
        assert created.status_code == 201, created.text
        registered = client.post(f"/v1/admin/partners/{body['id']}/keys", headers=admin_headers,
                                 json={"public_key": key.public_info().pem, "keyid": key.keyid})
        assert registered.status_code == 201, registered.text
        granted = client.post("/v1/admin/grants", headers=admin_headers,
                              json={"partner_id": body["id"], "operation": "measures"})
        assert granted.status_code == 201, granted.text
        world.partners[name] = SignedPartner(client, created.json(), key, clock)
        world.simulators[name] = simulator
    return world.partners


@dataclass(frozen=True)
class Idiom:
    path: str
    sample: str
    benefit: dict  # measure code → the idiom's benefit code

    def message(self, reference: str, measure: str = "86号-12", **fields) -> dict:
        """The sample with its reference, benefit and person fields replaced."""
        message = json.loads((FIXTURES / self.sample).read_text(encoding="utf-8"))
        self.set_reference(message, reference)
        self.update(message, {self.benefit_field: self.benefit[measure], **fields})
        return message

    @property
    def benefit_field(self) -> str:
        return {"/v1/benefit-claims/coded": "YAD101", "/v1/benefit-claims/ecard": "benefit_code"}.get(
            self.path, "benefitType")

    def set_reference(self, message: dict, reference: str) -> None:
        if "params" in message:
            message["requestId"] = reference
        elif "head" in message:
            message["head"]["serialNo"] = reference
        else:
            message["out_request_no"] = reference

    def update(self, message: dict, fields: dict) -> None:
        if "params" in message:
            message["params"].update(fields)
        elif "head" in message:
            message["body"].update(fields)
        else:
            message["biz_content"] = json.dumps({**json.loads(message["biz_content"]), **fields}, ensure_ascii=False)


IDIOMS = {
    "counter": Idiom("/v1/benefit-claims/coded", "counter/claim-unemployment-benefit.json",
                     {"86号-11": "0601", "86号-12": "0201", "86号-13": "0202", "86号-14": "0203", "86号-15": "0204"}),
    "national_platform": Idiom("/v1/benefit-claims/national-platform",
                               "national_platform/claim-unemployment-benefit.json",
                               {"86号-11": "JN01", "86号-12": "SY01", "86号-13": "SY02", "86号-14": "SY03",
                                "86号-15": "SY04"}),
    "alipay": Idiom("/v1/benefit-claims/ecard", "ecard/claim-unemployment-benefit-alipay.json",
                    {"86号-11": "SKILL_UPGRADE", "86号-12": "UNEMPLOYMENT_BENEFIT", "86号-13": "MIGRANT_ALLOWANCE",
                     "86号-14": "UNEMPLOYMENT_SUBSIDY", "86号-15": "TEMPORARY_ALLOWANCE"}),
}
IDIOMS["wechat"] = IDIOMS["alipay"]

# The person fields of each idiom, by canonical meaning.
PERSON_FIELDS = {
    "counter": ("AAC002", "AAC003", "AAB301", "AAE036"),
    "national_platform": ("aac002", "aac003", "aab301", "applyDate"),
    "alipay": ("cert_no", "user_name", "area_code", "apply_date"),
}
PERSON_FIELDS["wechat"] = PERSON_FIELDS["alipay"]


def person_fields(channel: str, citizen_id: str, name: str, division: str, claimed_on: str) -> dict:
    compact = channel in ("counter", "national_platform")
    keys = PERSON_FIELDS[channel]
    return dict(zip(keys, (citizen_id, name, division, claimed_on.replace("-", "") if compact else claimed_on),
                    strict=True))


def send(world, channel: str, message: dict | bytes, *, reference: str | None = None):
    """POST a channel's message (JSON, signed over its bytes); Idempotency-Key = ``reference``."""
    data = message if isinstance(message, bytes) else json.dumps(message, ensure_ascii=False).encode()
    return world.partners[channel].request("POST", IDIOMS[channel].path, body=data,
                                           headers={"Content-Type": "application/json"},
                                           idempotency_key=reference or str(uuid.uuid4()))


def claim(world, channel: str, measure: str = "86号-12", reference: str | None = None, **fields):
    """Send ``channel``'s sample claim for ``measure`` with ``fields`` replaced."""
    reference = reference or uuid.uuid4().hex[:24].upper()
    message = IDIOMS[channel].message(reference, measure, **fields)
    if channel == "wechat":
        message["channel_no"] = "WECHAT"
    return send(world, channel, message, reference=reference)
