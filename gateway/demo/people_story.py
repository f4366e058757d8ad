"""The demo's people measures (86号-11…15): one claim each, by the web hall and the mobile app,
decided on social insurance's, HR's and the certificate registry's records.

- 86号-11 技能提升补贴: 赵敏, an insured employee, claims on the mobile app for her level-4
  (中级) certificate, which the gateway checks with the certificate registry: 1,500 CNY.
- 86号-13 一次性生活补助: 刘军, a rural migrant worker whose contract of 26 months expired and
  was not renewed: the amount of the operators' schedule (registered first, with its source)
  for 24-35 months of work.

- 86号-12 失业保险金: 张伟, laid off after 40 months paid, claims on the web hall before
  registering as unemployed (先申领后登记): eligible for 12 months (失业保险条例 第17条), the
  decision saying registration is still due. He claims again on the mobile app: the answer is the
  first decision (HTTP 200, ``earlier_claim``; its facts and account withheld from the app),
  nothing decided twice.
- 86号-14 失业补助金: 李娜, whose 86号-12 period ended in 2022-02 without a job: 6 months.
- 86号-15 临时生活补助: 王强, a rural migrant worker insured 8 months, stopped 2022-01-31: 3 months.

Nothing the claimant says about contributions or leaving is believed: the gateway asks social
insurance (``unemployment_insurance``) and HR (``unemployment_registration``) over HTTP.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..domain.identifiers import citizen_id_check_char
from ..simulators.facts import QUERY_PATH as FACTS_PATH
from ..simulators.facts import CanonicalFactsSimulator
from ..simulators.hr import CanonicalHrSimulator

YEAR = 2022  # the claims' year: the year the facts are asked for
INSURANCE, REGISTRATION, CERTIFICATES = "unemployment_insurance", "unemployment_registration", "certificates"
CARD_BANK = "内蒙古农村信用社通辽分社"


def citizen_id(n: int) -> str:
    """The n-th claimant's citizen id (born 1988-05-01, registered in 科尔沁区 150502)."""
    first17 = f"15050219880501{n:03d}"
    return first17 + citizen_id_check_char(first17)


def _person(n: int, name: str, **record) -> dict:
    base = {"insured": False, "continuous_months": record.get("person_paid_months", 0),
            "leaving_reason": "involuntary", "contract_end": "ended_early", "rural_migrant": False,
            "drawing_benefit": False, "benefit_periods": [], "employed_since_stop": False,
            "card_account": {"bank_name": CARD_BANK, "account_number": f"62302047{n:011d}",
                             "account_name": name}}
    return {**base, **record}


# (n, name, measure, channel role, claimed_on, social insurance's record, HR's registration or None)
CLAIMANTS = [
    (11, "张伟", "unemployment_benefit", "web_hall", "2022-03-10",
     _person(11, "张伟", employer_paid_months=40, person_paid_months=40, stopped_on="2022-02-28"), None),
    (12, "李娜", "unemployment_subsidy", "mobile_app", "2022-03-15",
     _person(12, "李娜", employer_paid_months=30, person_paid_months=30, stopped_on="2021-02-28",
             benefit_periods=[{"measure": "86号-12", "first_month": "2021-03", "last_month": "2022-02"}]),
     {"registered": True, "registered_on": "2021-03-02", "job_seeking": True}),
    (13, "王强", "temporary_living_allowance", "web_hall", "2022-03-20",
     _person(13, "王强", employer_paid_months=8, person_paid_months=8, stopped_on="2022-01-31",
             rural_migrant=True, contract_end="expired_not_renewed"),
     {"registered": True, "registered_on": "2022-02-08", "job_seeking": True}),
    (14, "赵敏", "skill_upgrade_subsidy", "mobile_app", "2022-03-25",
     _person(14, "赵敏", insured=True, employer_paid_months=50, person_paid_months=50, stopped_on=None,
             leaving_reason=None, contract_end=None), None),
    (15, "刘军", "migrant_living_allowance", "web_hall", "2022-03-28",
     _person(15, "刘军", employer_paid_months=26, person_paid_months=26, continuous_months=26,
             stopped_on="2022-02-28", rural_migrant=True, contract_end="expired_not_renewed"), None),
]
# 赵敏's certificate (86号-11): as she names it, and as the registry has it on record.
CERTIFICATE = {"number": "S2022150500012345", "occupation_code": "6-29-03-01", "level": 4}
REGISTRY = {CERTIFICATE["number"]: {**CERTIFICATE, "issued_on": "2022-02-18", "status": "valid"}}
# 86号-13's amounts by length of work: operators' reference data (the seed gives none).
SCHEDULE = {"division_code": "150500", "valid_from": "2022-01-01",
            "source": "演示数据: 通辽市一次性生活补助标准 (示例, 非正式文件)",
            "bands": [{"min_months": 12, "max_months": 23, "amount_fen": 150_000},
                      {"min_months": 24, "max_months": 35, "amount_fen": 300_000},
                      {"min_months": 36, "max_months": None, "amount_fen": 450_000}]}
EXPECTED = {  # measure → (outcome, months): what the rules must decide for the claimant
    "unemployment_benefit": ("eligible", 12),
    "unemployment_subsidy": ("eligible", 6),
    "temporary_living_allowance": ("eligible", 3),
    "skill_upgrade_subsidy": ("eligible", None),  # a one-off amount: no months
    "migrant_living_allowance": ("eligible", None),
}


def insurance_facts() -> dict:
    return {(INSURANCE, YEAR): {citizen_id(n): record for n, *_, record, _ in CLAIMANTS}}


def certificate_facts() -> dict:
    return {(CERTIFICATES, YEAR): {citizen_id(14): {"certificates": list(REGISTRY.values())}}}


def registration_facts() -> dict:
    return {(REGISTRATION, YEAR): {citizen_id(n): hr for n, *_, hr in CLAIMANTS if hr is not None}}


class HrSimulator(CanonicalHrSimulator):
    """The demo's HR system: the person-facts query of 86号-16 and, beside it, the measures'
    fact queries (``unemployment_registration``), answered by a facts simulator of the same
    partner key."""

    def __init__(self, partner_id, key, jwks, *, registrations: dict, **kwargs) -> None:
        super().__init__(partner_id, key, jwks, **kwargs)
        self.registrations = CanonicalFactsSimulator(partner_id, key, jwks, facts=registrations,
                                                     clock=kwargs.get("clock"))

    def handle(self, request):
        if urlsplit(request.target_uri).path == FACTS_PATH:
            return self.registrations.handle(request)
        return super().handle(request)


def _claim(n: int, name: str, claimed_on: str) -> dict:
    claim = {"person": {"citizen_id": citizen_id(n), "name": name, "division_code": "150502"},
             "claimed_on": claimed_on}
    return {**claim, "certificate": CERTIFICATE} if n == 14 else claim


def _months(measure: str, decision: dict) -> int:
    detail = decision.get("detail") or {}
    return detail.get("benefit_months") if measure == "unemployment_benefit" else detail.get("months")


def people_claims(ctx) -> str:
    from .story import StoryBroken
    ctx.world.admin.post("/v1/admin/living-allowance-schedules", SCHEDULE)  # 86号-13's amounts
    done, parts = [], []
    for n, name, measure, role, claimed_on, _, _ in CLAIMANTS:
        result = ctx.post(role, f"/v1/measures/{measure}/applications", _claim(n, name, claimed_on),
                          expect=201)
        decision = result.json()
        got = (decision["outcome"], _months(measure, decision))
        if got != EXPECTED[measure]:
            raise StoryBroken(f"{decision['measure']} for {name} decided {got}, not {EXPECTED[measure]}: "
                              f"{[r['reason'] for r in decision['reasons']]}")
        done.append({"measure": decision["measure"], "channel_role": role, "decision_id": decision["id"],
                     "outcome": decision["outcome"], "months": got[1], "amount_fen": decision["amount_fen"],
                     "registration_due": (decision.get("detail") or {}).get("registration_due")})
        months = f" {got[1]} months" if got[1] else ""
        parts.append(f"{decision['measure']} {name}{months} {decision['amount_fen'] / 100:,.2f} CNY")
    ctx.facts["people"] = {"claims": done}
    return "; ".join(parts) + " (each decision signed)"


def claimed_again(ctx) -> str:
    """张伟 claims 86号-12 again, on the mobile app: the first decision answers (HTTP 200)."""
    from .story import StoryBroken
    n, name, measure, _, claimed_on, _, _ = CLAIMANTS[0]
    first = ctx.facts["people"]["claims"][0]
    again = ctx.world["mobile_app"].client.post(f"/v1/measures/{measure}/applications",
                                                json=_claim(n, name, claimed_on))
    answer = again.json()
    if again.status != 200 or not answer.get("earlier_claim") or answer.get("id") != first["decision_id"]:
        raise StoryBroken(f"the second claim was answered {again.status} {answer.get('reason', '')} "
                          f"with decision {answer.get('id')}, not the first ({first['decision_id']})")
    ctx.facts["people"]["again"] = {"status": again.status, "decision_id": answer["id"],
                                    "earlier_claim": True}
    return (f"200: the first decision {answer['id']} (web hall), its facts and account withheld "
            f"from the app ({', '.join(answer.get('withheld', []))}); no second decision")
