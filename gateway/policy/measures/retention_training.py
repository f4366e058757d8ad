"""86号-7 one-off retention training subsidy (一次性留工培训补助), 2022-01-01 … 2022-12-31.

Readings of the text, as implemented:

- "累计出现1个（含）以上中高风险疫情地区的统筹地区": the pooling area (统筹地区) is the prefecture
  (盟市) in Inner Mongolia's unemployment insurance; a division is a risk division when the
  operators' reference data (``risk_areas``, maintained with source and dates) holds at least
  one medium- or high-risk area anywhere in its prefecture whose period overlaps the year —
  a period ending 2021-12-31 does not count, one starting 2022-12-31 does.
- There, employers "因新冠肺炎疫情严重影响暂时无法正常生产经营" get 500 CNY per insured
  employee, the SME-like organisations included (参照实施); social insurance records whether
  the employer was severely affected (``employment.severely_affected``).
- Elsewhere only enterprises of the 5 industries (餐饮、零售、旅游、民航、公路水路铁路运输).
- Once per employer per year.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Finding
from ..industries import Industry
from .employers import MissingFact, OrganisationType, count, employer_subject, organisation_type, payee, require
from .model import ClaimKey, Decision, FactNeed, Facts, Measure, Outcome, Subject

CODE = "86号-7"
EMPLOYMENT = FactNeed("social_insurance", "employment")
RISK = FactNeed("gateway", "risk_areas")


@dataclass(frozen=True)
class Rules:
    per_insured_fen: int
    industries: frozenset[Industry]
    covered_organisations: frozenset[OrganisationType]


def parse_rules(r) -> Rules:
    return Rules(r.integer("per_insured_fen", minimum=1), r.members("industries", Industry),
                 r.members("covered_organisations", OrganisationType))


def subject(body, checks, today) -> Subject | None:
    return employer_subject(CODE, body, checks)


def needs(subject: Subject) -> list[FactNeed]:
    return [EMPLOYMENT, RISK]


def decide(subject: Subject, facts: Facts, rule_set) -> Decision:
    rules: Rules = rule_set.parameters
    employment, risk = facts.get(EMPLOYMENT.kind), facts.get(RISK.kind) or {}
    used = {k: {**dict(facts.get(k)), "source": facts.sources.get(k)}
            for k in (EMPLOYMENT.kind, RISK.kind) if facts.get(k) is not None}
    try:
        insured = count(employment, "employment", "insured_count")
        organisation = organisation_type(employment)
        risk_division = bool(risk.get("risk_division"))
        reasons = []
        if insured == 0:
            reasons.append(Finding("no_insured_staff", CODE, "no staff are insured"))
        if risk_division:
            if organisation not in rules.covered_organisations:
                reasons.append(Finding("organisation_not_covered", CODE,
                                       f"{organisation.value} units are not covered"))
            elif not require(employment, "employment", "severely_affected", (bool,)):
                reasons.append(Finding("not_severely_affected", CODE,
                                       "in a risk division only severely affected employers qualify"))
        else:
            industry = require(employment, "employment", "industry", (str,))
            if organisation is not OrganisationType.ENTERPRISE or industry not in {i.value for i in rules.industries}:
                reasons.append(Finding("industry_not_covered", CODE,
                                       "outside a risk division only enterprises of the 5 industries qualify"))
    except MissingFact as missing:
        return Decision(CODE, subject.key, Outcome.REFUSED, 0, rule_set.version, used, (missing.finding(CODE),))
    detail = {"insured_count": insured, "risk_division": risk_division,
              "per_insured_fen": rules.per_insured_fen}
    if reasons:
        return Decision(CODE, subject.key, Outcome.REFUSED, 0, rule_set.version, used, tuple(reasons),
                        detail=detail)
    account = payee(subject, employment)
    return Decision(CODE, subject.key, Outcome.ELIGIBLE if account else Outcome.NO_ACCOUNT,
                    insured * rules.per_insured_fen, rule_set.version, used,
                    claim_keys=(ClaimKey(f"{CODE}/year", f"{subject.key}/{subject.year}"),),
                    detail=detail, payee=account)


MEASURE = Measure(CODE, "retention_training_subsidy", "一次性留工培训补助", "EmployerApplication",
                  "retention", subject=subject, needs=needs, parse_rules=parse_rules, decide=decide,
                  channels=frozenset({"comparison", "application"}))
