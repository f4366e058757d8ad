"""The demo's partner systems: real loopback servers, registered as an operator would.

Each role gets a simulator (``gateway.simulators``) listening on 127.0.0.1, its own Ed25519
key (the private half written 0600 to ``<data dir>/demo-keys/<role>.pem``, so the CLI client
``govgate call`` can sign as that partner afterwards), a partner record, its public key and
the grants its role needs - all through the gateway's admin API with a bearer token, the way
an operator onboards an agency. The simulators fetch the gateway's JWKS from
``/v1/gateway-keys`` like any partner.

The finance system fails its first delivery with HTTP 500, so the story shows a retry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from ..client import JWKS_PATH, PartnerClient
from ..domain.identifiers import citizen_id_check_char, credit_code_check_char, org_code_check_char
from ..errors import GovgateError
from ..signatures import SigningKey
from ..simulators import Behaviour, CanonicalPartnerSimulator
from ..simulators.facts import CanonicalFactsSimulator
from . import employer_story, people_story, tax_system

DIVISION = "150500"  # 通辽市, Inner Mongolia
KEYS_DIRNAME = "demo-keys"
HTTP_TIMEOUT = (3.05, 15.0)


def credit_code(n: int, division: str = DIVISION) -> str:
    """The n-th valid unified social credit code of an organ in ``division`` (authority 1)."""
    org8 = f"{n:08d}"
    first17 = "11" + division + org8 + org_code_check_char(org8)
    return first17 + credit_code_check_char(first17)


def citizen_id(n: int, birth: str = "19900101", division: str = "150502") -> str:
    first17 = f"{division}{birth}{n:03d}"
    return first17 + citizen_id_check_char(first17)


@dataclass(frozen=True)
class PartnerRole:
    role: str
    name: str
    grants: tuple[str, ...]  # operations or groups of the contract (govgate grants operations)
    serial: int  # makes its credit code

    @property
    def partner_id(self) -> str:
        return credit_code(self.serial)

    @property
    def keyid(self) -> str:
        return f"demo-{self.role.replace('_', '-')}-1"


ROLES = (
    PartnerRole("hr", "通辽市人力资源和社会保障局", ("deferral", "comparison", "payout"), 1),
    PartnerRole("tax", "国家税务总局通辽市税务局", (), 2),
    PartnerRole("finance", "通辽市财政局", ("subsidy_decision",), 3),
    PartnerRole("bank", "中国农业银行股份有限公司通辽分行", ("lending", "subsidy", "payout_results"), 4),
    PartnerRole("guarantee_fund", "通辽市融资担保有限公司", ("guarantee",), 5),
    PartnerRole("social_insurance", "通辽市社会保险事业服务中心", (), 6),
    PartnerRole("web_hall", "内蒙古人社网上服务大厅", ("measures",), 7),  # 86号-12…15 claims
    PartnerRole("mobile_app", "内蒙古人社移动端", ("measures",), 8),
    PartnerRole("certificate_registry", "内蒙古自治区职业技能鉴定指导中心", (), 9),  # 86号-11
)

# What the HR system has on record for the story's borrower (86号-16's borrower groups).
APPLICANT = citizen_id(1)
HR_FACTS = {APPLICANT: ["college_graduate"]}


class DemoSetupFailed(GovgateError):
    """The gateway refused to register a demo partner (the problem's reason is kept)."""


@dataclass
class DemoPartner:
    spec: PartnerRole
    key: SigningKey
    key_file: Path
    simulator: Any  # a CanonicalPartnerSimulator, or the tax system's own simulator
    format: str = "canonical"
    client: PartnerClient | None = None

    @property
    def id(self) -> str:
        return self.spec.partner_id

    @property
    def role(self) -> str:
        return self.spec.role


@dataclass
class AdminApi:
    """The gateway's admin API over HTTP, with the demo's bearer token."""

    base_url: str
    token: str
    session: requests.Session = field(default_factory=requests.Session)

    def post(self, path: str, body: dict) -> dict:
        response = self.session.post(self.base_url + path, json=body, timeout=HTTP_TIMEOUT,
                                     headers={"Authorization": f"Bearer {self.token}"})
        if response.status_code not in (200, 201):
            problem = _problem(response)
            raise DemoSetupFailed(f"POST {path} answered {response.status_code}: "
                                  f"{problem.get('detail', response.text[:200])}",
                                  reason=problem.get("reason", "demo_setup_failed"))
        return response.json()


def _problem(response: requests.Response) -> dict:
    try:
        document = response.json()
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def published_jwks(base_url: str):
    """What a partner does to trust the gateway: fetch its published keys (on every call, so a
    simulator that meets an unknown keyid after a rotation sees the new one)."""
    def fetch() -> dict:
        response = requests.get(base_url + JWKS_PATH, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        return response.json()
    return fetch


def write_private_key(directory: Path, role: str, key: SigningKey) -> Path:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{role}.pem"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key.private_pem())
    os.chmod(path, 0o600)  # also when the file existed with wider permissions
    return path


class DemoWorld:
    """The partner systems of one division, started and registered."""

    def __init__(self, gateway, admin: AdminApi) -> None:
        self.gateway = gateway
        self.admin = admin
        self.partners: dict[str, DemoPartner] = {}
        self.keys_dir = gateway.data_dir / KEYS_DIRNAME

    def __getitem__(self, role: str) -> DemoPartner:
        return self.partners[role]

    def role_of(self, partner_id: str) -> str:
        return next((p.role for p in self.partners.values() if p.id == partner_id), partner_id)

    def build(self) -> DemoWorld:
        jwks = published_jwks(self.gateway.base_url)
        for spec in ROLES:
            key = SigningKey.generate("ed25519", spec.keyid)
            partner = DemoPartner(spec, key, write_private_key(self.keys_dir, spec.role, key),
                                  simulator=None)
            self.partners[spec.role] = partner  # registered before starting: stop() sees it
            extra: dict = {}
            if spec.role == "tax" and tax_system.speaks_cfx(self.gateway.container):
                extra = tax_system.start_cfx(partner, self.gateway)
                partner.simulator.premiums.update(employer_story.cfx_premiums())  # 86号-6 facts
            else:
                partner.simulator = self._canonical_simulator(spec, key, jwks, self.gateway.clock).start()
            self._register(partner, extra)
        for partner in self.partners.values():
            partner.client = PartnerClient.from_published_keys(self.gateway.base_url, partner.key,
                                                               clock=self.gateway.clock)
        return self

    @staticmethod
    def _canonical_simulator(spec: PartnerRole, key: SigningKey, jwks, clock) -> CanonicalPartnerSimulator:
        if spec.role == "hr":  # 86号-16's borrower groups and 86号-12…15's registrations
            return people_story.HrSimulator(spec.partner_id, key, jwks, facts=HR_FACTS, clock=clock,
                                            registrations=people_story.registration_facts())
        if spec.role in ("tax", "social_insurance", "certificate_registry"):  # the measures' facts
            facts = {"tax": employer_story.tax_facts,
                     "social_insurance": lambda: {**employer_story.social_insurance_facts(),
                                                  **people_story.insurance_facts()},
                     "certificate_registry": people_story.certificate_facts}[spec.role]()
            return CanonicalFactsSimulator(spec.partner_id, key, jwks, facts=facts, clock=clock)
        # The finance system answers its first delivery with 500: the story's retried delivery.
        behaviour = Behaviour(fail_times=1, fail_status=500) if spec.role == "finance" else None
        return CanonicalPartnerSimulator(spec.partner_id, key, jwks, behaviour=behaviour, clock=clock)

    def _register(self, partner: DemoPartner, extra: dict) -> None:
        spec = partner.spec
        body = {"id": spec.partner_id, "name": spec.name, "roles": [spec.role],
                "division_code": DIVISION, "endpoint_url": partner.simulator.endpoint_url}
        body.update(extra.get("partner", {}))
        partner.format = body.get("format", "canonical")
        self.admin.post("/v1/admin/partners", body)
        for key_body in [{"public_key": partner.key.public_info().pem, "keyid": spec.keyid},
                         *extra.get("keys", [])]:
            self.admin.post(f"/v1/admin/partners/{spec.partner_id}/keys", key_body)
        for operation in spec.grants:
            self.admin.post("/v1/admin/grants", {"partner_id": spec.partner_id,
                                                 "operation": operation})

    def stop(self) -> None:
        for partner in self.partners.values():
            if partner.simulator is not None:
                partner.simulator.stop()
