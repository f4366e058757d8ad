"""86号-6 job-stabilisation refund (失业保险稳岗返还), paid without application (免申即享).

Readings of the text, as implemented:

- "上年度未裁员或裁员率不高于…5.5%，30人（含）以下的参保企业裁员率不高于20%": the layoff rate is
  last year's layoffs over last year's average insured headcount (月均参保职工人数), compared
  exactly in integers (11 of 200 = 5.5% passes; 28 of 500 = 5.6% does not). The ≤ 30 test uses
  the same headcount, 30 included.
- "按企业及其职工上年度实际缴纳…失业保险费的50%返还，已按30%返还的可返还至50%": the refund is a
  percentage of what employer and staff actually paid last year (tax's record); whatever was
  already refunded this year is subtracted, so the total never exceeds the percentage
  (30% refunded → a 20% top-up; 50% refunded → nothing more, refused ``already_refunded``).
- 中小微企业 get 90%; 社会团体、基金会、社会服务机构、律师事务所、会计师事务所、以单位形式参保的
  个体工商户 "参照中小微企业实施" (90%), whatever their size class.
- Once per employer per year: the claim key ``86号-6/year`` : ``<credit code>/<year>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Finding
from ..industries import SizeClass
from .employers import MissingFact, OrganisationType, count, employer_subject, organisation_type, payee
from .model import ClaimKey, Decision, FactNeed, Facts, Measure, Outcome, Subject

CODE = "86号-6"
# 上年度: last year's headcount, layoffs and premiums.
EMPLOYMENT = FactNeed("social_insurance", "employment", year_offset=1)
PREMIUMS = FactNeed("tax", "unemployment_premiums", year_offset=1)


@dataclass(frozen=True)
class Rules:
    layoff_rate_max_permille: int
    small_employer_max_insured: int
    small_employer_layoff_rate_max_permille: int
    large_percent: int
    sme_percent: int
    sme_size_classes: frozenset[SizeClass]
    sme_like_organisations: frozenset[OrganisationType]


def parse_rules(r) -> Rules:
    return Rules(
        layoff_rate_max_permille=r.integer("layoff_rate_max_permille", minimum=0, maximum=1000),
        small_employer_max_insured=r.integer("small_employer_max_insured", minimum=0),
        small_employer_layoff_rate_max_permille=r.integer(
            "small_employer_layoff_rate_max_permille", minimum=0, maximum=1000),
        large_percent=r.integer("large_percent", minimum=0, maximum=100),
        sme_percent=r.integer("sme_percent", minimum=0, maximum=100),
        sme_size_classes=r.members("sme_size_classes", SizeClass),
        sme_like_organisations=r.members("sme_like_organisations", OrganisationType),
    )


def subject(body, checks, today) -> Subject | None:
    return employer_subject(CODE, body, checks)


def needs(subject: Subject) -> list[FactNeed]:
    return [EMPLOYMENT, PREMIUMS]


def decide(subject: Subject, facts: Facts, rule_set) -> Decision:
    rules: Rules = rule_set.parameters
    try:
        return _decide(subject, facts, rules, rule_set.version)
    except MissingFact as missing:
        return Decision(CODE, subject.key, Outcome.REFUSED, 0, rule_set.version,
                        _used(facts), (missing.finding(CODE),))


def _decide(subject: Subject, facts: Facts, rules: Rules, version: str) -> Decision:
    employment, premiums = facts.get(EMPLOYMENT.kind), facts.get(PREMIUMS.kind)
    insured = count(employment, "employment", "insured_average")
    layoffs = count(employment, "employment", "layoffs")
    paid = count(premiums, "unemployment_premiums", "employer_paid_fen") + \
        count(premiums, "unemployment_premiums", "staff_paid_fen")
    refunded = count(employment, "employment", "refunded_fen") if "refunded_fen" in employment else 0
    organisation = organisation_type(employment)
    size = employment.get("size_class")
    small = insured <= rules.small_employer_max_insured
    limit = rules.small_employer_layoff_rate_max_permille if small else rules.layoff_rate_max_permille
    sme = organisation in rules.sme_like_organisations or (
        organisation is OrganisationType.ENTERPRISE and size in {s.value for s in rules.sme_size_classes})
    percent = rules.sme_percent if sme else rules.large_percent
    detail = {"layoffs": layoffs, "insured_average": insured, "layoff_rate_max_permille": limit,
              "refund_percent": percent, "premiums_paid_fen": paid, "already_refunded_fen": refunded,
              "facts_year": subject.year - EMPLOYMENT.year_offset}
    reasons = []
    if insured == 0:
        reasons.append(Finding("no_insured_staff", CODE, "no staff were insured last year"))
    elif layoffs * 1000 > limit * insured:
        reasons.append(Finding("layoff_rate_too_high", CODE,
                               f"{layoffs} layoffs of {insured} insured exceed {limit / 10}%"))
    amount = max(paid * percent // 100 - refunded, 0)
    if not reasons and amount == 0:
        reasons.append(Finding("already_refunded", CODE,
                               f"{refunded} fen already refunded reach {percent}% of {paid} fen paid"))
    used = _used(facts)
    if reasons:
        return Decision(CODE, subject.key, Outcome.REFUSED, 0, version, used, tuple(reasons), detail=detail)
    account = payee(subject, employment)
    return Decision(CODE, subject.key, Outcome.ELIGIBLE if account else Outcome.NO_ACCOUNT, amount,
                    version, used, claim_keys=(ClaimKey(f"{CODE}/year", f"{subject.key}/{subject.year}"),),
                    detail=detail, payee=account)


def _used(facts: Facts) -> dict:
    return {kind: {**dict(facts.get(kind)), "source": facts.sources.get(kind)}
            for kind in (EMPLOYMENT.kind, PREMIUMS.kind) if facts.get(kind) is not None}


MEASURE = Measure(CODE, "job_stabilisation_refund", "失业保险稳岗返还", "EmployerApplication",
                  "stabilisation", subject=subject, needs=needs, parse_rules=parse_rules,
                  decide=decide, channels=frozenset({"comparison", "application"}))
