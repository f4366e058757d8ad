"""86号-11 skill-upgrade subsidy (技能提升补贴).

"符合条件的企业在职职工和正在领取失业保险金人员取得职业资格证书或职业技能等级证书的，可以申领
技能提升补贴": 1,000 / 1,500 / 2,000 CNY for a level 5 / 4 / 3 (初级 / 中级 / 高级) certificate;
"同一职业（工种）同一等级只能申请并享受一次"; "每人每年享受补贴次数不超过三次".

Readings of the text, as implemented:

- Who: social insurance says the person is an insured employee now (``insured``, 在职参保) or
  is drawing unemployment benefit (``drawing_benefit``); neither → ``not_covered``.
- The certificate is the registry's, not the claimant's (role ``certificate_registry``, kind
  ``certificates``): the number must be on record there, ``valid``, and of the occupation and
  level claimed; otherwise ``certificate_not_on_record`` / ``certificate_revoked`` /
  ``certificate_mismatch``.
- Levels 2 and 1 (技师, 高级技师) are not in the seed: ``level_not_covered``, never a guessed amount.
- The window: a certificate counts for a claim made on or after its issue day and within
  ``claim_window_months`` (12) of it — the day before the same date a year later is the last
  day (自取得证书之日起12个月内, the national rule 人社部发〔2022〕23号 this measure implements;
  the seed gives no window, so it is a parameter of the rule set).
- "每人每年": the year counted is the year the subsidy is enjoyed, i.e. the claim's year
  (``claimed_on``), not the certificate's issue year: a certificate of December claimed in
  January counts for January's year. The claim date also selects the rule set in force.
- One claim is one certificate: the subject is ``<citizen id>/<occupation>/<level>`` (partners
  are asked about the citizen), so a person's second certificate of a year is a new claim, and
  the same occupation and level twice is the same claim.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..findings import Finding
from .employers import MissingFact
from .model import ClaimKey, Decision, FactNeed, Facts, Measure, Outcome, Subject
from .people import CERTIFICATES, INSURANCE, flag, payee, person_subject

CODE = "86号-11"
CHANNELS = frozenset({"counter", "application", "mobile_app"})  # 86号-11 政策经办 ①②③


@dataclass(frozen=True)
class Rules:
    amount_fen_by_level: Mapping[int, int]  # 5 → 100000, 4 → 150000, 3 → 200000
    claims_per_year: int  # 每人每年不超过三次
    claim_window_months: int  # a certificate counts within this many months of its issue


def parse_rules(r) -> Rules:
    amounts = r.child("amount_fen_by_level", ("level_5", "level_4", "level_3"))
    by_level = {level: amounts.integer(f"level_{level}", minimum=1) for level in (5, 4, 3)}
    return Rules(by_level, r.integer("claims_per_year", minimum=1),
                 r.integer("claim_window_months", minimum=1))


def subject(body, checks, today) -> Subject | None:
    if "certificate" not in body:
        checks.fail("/certificate", f"a {CODE} claim names the certificate obtained")
    found = person_subject(CODE, body, checks, today)
    if found is None or "certificate" not in body:
        return None
    certificate = found.data["certificate"]
    return replace(found, key=f"{found.key}/{certificate['occupation_code']}/{certificate['level']}",
                   facts_key=found.key)


def needs(subject: Subject) -> list[FactNeed]:
    return [INSURANCE, CERTIFICATES]


def decide(subject: Subject, facts: Facts, rule_set) -> Decision:
    rules: Rules = rule_set.parameters
    claimed = subject.data["certificate"]
    insurance, registry = facts.get(INSURANCE.kind), facts.get(CERTIFICATES.kind)
    used = {k: {**dict(facts.get(k)), "source": facts.sources.get(k)}
            for k in (INSURANCE.kind, CERTIFICATES.kind) if facts.get(k) is not None}

    def refused(*reasons: Finding, detail=None) -> Decision:
        return Decision(CODE, subject.key, Outcome.REFUSED, 0, rule_set.version, used, reasons,
                        detail=detail or {})

    level = claimed["level"]
    if level not in rules.amount_fen_by_level:
        return refused(Finding("level_not_covered", CODE,
                               f"a level {level} certificate is not covered: only levels 5, 4 and 3 "
                               "(初级, 中级, 高级) carry a subsidy"))
    try:
        insured = flag(insurance, INSURANCE.kind, "insured")
        drawing = flag(insurance, INSURANCE.kind, "drawing_benefit")
        on_record = _on_record(registry, claimed["number"])
    except MissingFact as missing:
        return refused(missing.finding(CODE))
    if registry is not None:  # what the registry said about this certificate only
        used[CERTIFICATES.kind] = {"certificate": on_record, "source": facts.sources.get(CERTIFICATES.kind)}
    if not (insured or drawing):
        return refused(Finding("not_covered", CODE, "the person is neither an insured employee "
                               "nor drawing unemployment benefit"))
    problem = _certificate_problem(claimed, on_record, subject.policy_date, rules.claim_window_months)
    if problem is not None:
        return refused(problem)
    amount = rules.amount_fen_by_level[level]
    detail = {"level": level, "occupation_code": claimed["occupation_code"],
              "certificate_number": claimed["number"], "issued_on": on_record["issued_on"],
              "as": "insured_employee" if insured else "drawing_benefit", "year_counted": subject.year}
    citizen = subject.asked_as
    keys = (ClaimKey(f"{CODE}/occupation-level", f"{citizen}/{claimed['occupation_code']}/{level}"),
            ClaimKey(f"{CODE}/year", f"{citizen}/{subject.year}", slots=rules.claims_per_year))
    account = payee(subject, insurance)
    return Decision(CODE, subject.key, Outcome.ELIGIBLE if account else Outcome.NO_ACCOUNT, amount,
                    rule_set.version, used, claim_keys=keys, detail=detail, payee=account)


def _on_record(registry: Mapping | None, number: str) -> dict | None:
    """The registry's record of certificate ``number``; None when it has none (a person the
    registry does not know has no certificates)."""
    if registry is None:
        return None
    certificates = registry.get("certificates")
    if not isinstance(certificates, list) or not all(isinstance(c, Mapping) for c in certificates):
        raise MissingFact(CERTIFICATES.kind, "certificates", "is missing or not a list of records")
    found = next((c for c in certificates if c.get("number") == number), None)
    if found is None:
        return None
    for name, kinds in (("occupation_code", (str,)), ("level", (int,)), ("issued_on", (str,)),
                        ("status", (str,))):
        if isinstance(found.get(name), bool) or not isinstance(found.get(name), kinds):
            raise MissingFact(CERTIFICATES.kind, f"certificates[{number}].{name}", "is missing or of the wrong type")
    return dict(found)


def _certificate_problem(claimed: Mapping, record: dict | None, claimed_on: dt.date,
                         window_months: int) -> Finding | None:
    number = claimed["number"]
    if record is None:
        return Finding("certificate_not_on_record", CODE,
                       f"the issuing registry has no certificate {number} for this person")
    if record["status"] != "valid":
        return Finding("certificate_revoked", CODE,
                       f"the registry records certificate {number} as {record['status']}")
    if (record["occupation_code"], record["level"]) != (claimed["occupation_code"], claimed["level"]):
        return Finding("certificate_mismatch", CODE,
                       f"certificate {number} is for occupation {record['occupation_code']} level "
                       f"{record['level']}, not {claimed['occupation_code']} level {claimed['level']}")
    try:
        issued = dt.date.fromisoformat(record["issued_on"])
    except ValueError:
        return Finding("facts_incomplete", CODE, f"the registry's issued_on of {number} is not a date",
                       CERTIFICATES.kind)
    last = add_months(issued, window_months) - dt.timedelta(days=1)
    if not issued <= claimed_on <= last:
        return Finding("certificate_out_of_window", CODE,
                       f"certificate {number} was issued on {issued}: it can be claimed from then "
                       f"until {last} ({window_months} months), not on {claimed_on}")
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


MEASURE = Measure(CODE, "skill_upgrade_subsidy", "技能提升补贴", "PersonApplication", "skill-upgrade",
                  subject=subject, needs=needs, parse_rules=parse_rules, decide=decide, channels=CHANNELS)
