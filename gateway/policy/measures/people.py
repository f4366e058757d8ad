"""What the people measures (86号-11…15) share: the person subject, its facts, its payee.

A person claims through one of five channels (counter, web hall, mobile app, national platform,
e-card; see docs/benefits.md); every channel's claim is the same ``PersonApplication``
(openapi/components/measures.yaml). Nothing the claimant says about contributions, leaving or
registration is believed: those are facts asked of the partners (subject key = citizen id):

    social_insurance  unemployment_insurance  {insured: bool (在职参保, contributing now),
                        employer_paid_months: int, person_paid_months: int (cumulative, 缴费月数),
                        continuous_months: int (the last employment's continuous months),
                        stopped_on: date|null (停保: the last employment ended),
                        leaving_reason: "involuntary"|"voluntary"|null (非因本人意愿中断就业),
                        contract_end: "expired_not_renewed"|"ended_early"|"other"|null,
                        rural_migrant: bool (农牧民工), drawing_benefit: bool (领取失业保险金中),
                        benefit_periods: [{measure, first_month, last_month}] already drawn,
                        employed_since_stop: bool,
                        card_account: {bank_name, account_number, account_name}|null
                          (the social security card's financial account, 社保卡金融账户)}
    hr                unemployment_registration  {registered: bool, registered_on: date|null,
                        job_seeking: bool}
    certificate_registry  certificates  {certificates: [{number, occupation_code, level,
                        issued_on, status: "valid"|"revoked"}]}

A fact that is missing or ill-typed refuses with ``facts_incomplete`` naming the field; a
partner that is down is 503/504 — never a guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...domain.identifiers import validate_citizen_id, validate_division_code
from .employers import MissingFact, require
from .model import ClaimKey, Decision, FactNeed, Outcome, Subject

INSURANCE = FactNeed("social_insurance", "unemployment_insurance")
REGISTRATION = FactNeed("hr", "unemployment_registration")
CERTIFICATES = FactNeed("certificate_registry", "certificates")

# The channels of 86号-12…15 (政策经办 ①…⑤); 86号-11 names only the first three.
ALL_CHANNELS = frozenset({"counter", "application", "mobile_app", "national_platform", "ecard"})
# Months of 86号-12, 14 and 15 are one register: no two of them pay the same person for the
# same month (a person cannot draw 86号-12 and 86号-14 for the same months).
MONTHS_GROUP = "unemployment-months"


def person_subject(measure: str, body: Mapping, checks, today: dt.date) -> Subject | None:
    """The claimant of a ``PersonApplication``: key = citizen id, policy date = the claim date."""
    person = body.get("person")
    if not isinstance(person, Mapping):
        checks.fail("/person", f"a {measure} claim names the person claiming")
        return None
    citizen = checks.identifier(validate_citizen_id, person["citizen_id"], "/person/citizen_id")
    division = checks.identifier(validate_division_code, person["division_code"], "/person/division_code")
    claimed_on = checks.date(body["claimed_on"], "/claimed_on")
    if claimed_on is not None and claimed_on > today:
        checks.fail("/claimed_on", f"a claim cannot be dated after today ({today})")
        claimed_on = None
    if citizen is None or division is None or claimed_on is None:
        return None
    data: dict[str, Any] = {"citizen_id": citizen.number, "name": person["name"]}
    if "payment_account" in body:
        data["payment_account"] = dict(body["payment_account"])
    if "certificate" in body:
        data["certificate"] = dict(body["certificate"])
    return Subject(measure, citizen.number, division, claimed_on.year, claimed_on, data)


def flag(record: Mapping | None, kind: str, name: str) -> bool:
    return require(record, kind, name, (bool,))


def months(record: Mapping | None, kind: str, name: str) -> int:
    return require(record, kind, name, (int,))


def day(record: Mapping | None, kind: str, name: str, *, optional: bool = False) -> dt.date | None:
    """An ISO date fact; ``optional`` allows null (e.g. ``stopped_on`` of someone still working)."""
    if record is None:
        raise MissingFact(kind, "(record)", "is missing")
    value = record.get(name)
    if value is None and optional:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise MissingFact(kind, name, "is missing or not a date") from None


def month_keys(citizen_id: str, first: dt.date, count: int) -> tuple[ClaimKey, ...]:
    """One key per month paid, from ``first``'s month: the shared months register."""
    keys, year, month = [], first.year, first.month
    for _ in range(count):
        keys.append(ClaimKey(MONTHS_GROUP, f"{citizen_id}/{year:04d}-{month:02d}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(keys)


def payee(subject: Subject, insurance: Mapping | None) -> dict | None:
    """The account the claim names — or the social security card's account on file — or None
    (→ ``eligible_no_account``, followed up by the agency)."""
    account, source, kind = subject.data.get("payment_account"), "claim", None
    if isinstance(account, Mapping):
        kind = account.get("kind", "bank_account")
    else:
        account = (insurance or {}).get("card_account")
        source, kind = "social_insurance", "social_security_card"
    if not isinstance(account, Mapping) or not account.get("account_number"):
        return None
    return {"citizen_id": subject.data["citizen_id"], "name": subject.data["name"],
            "account_kind": kind, "account_source": source,
            "bank_name": str(account.get("bank_name", "")),
            "account_number": str(account["account_number"]),
            "account_name": str(account.get("account_name") or subject.data["name"])}


@dataclass(frozen=True)
class MonthlyAmounts:
    """A monthly amount by prefecture (the first 4 digits of the division code), with a default:
    86号-12/14/15 pay the standard of the place insured (参保地), which the seed does not give."""

    default_fen: int
    by_prefecture: Mapping[str, int]

    def for_division(self, division_code: str) -> int:
        return self.by_prefecture.get(division_code[:4], self.default_fen)


def parse_monthly(r, key: str) -> MonthlyAmounts:
    """``key: {default_fen: N, by_prefecture: {"1505": N, …}}`` of a rule set's parameters."""
    node = r.child(key, ("default_fen", "by_prefecture"))
    prefectures = node.child("by_prefecture", None)
    amounts = {}
    for code in prefectures.key_names():
        if not (isinstance(code, str) and len(code) == 4 and code.isdigit()):
            prefectures.fail(str(code), "must be a 4-digit prefecture code (quoted)")
        amounts[code] = prefectures.integer(code, minimum=1)
    return MonthlyAmounts(node.integer("default_fen", minimum=1), amounts)


def month_of(day_: dt.date) -> str:
    return f"{day_.year:04d}-{day_.month:02d}"


def used(facts, *needs: FactNeed) -> dict:
    """``facts_used`` of a decision: each kind's record and the partner that gave it."""
    return {n.kind: {**dict(facts.get(n.kind)), "source": facts.sources.get(n.kind)}
            for n in needs if facts.get(n.kind) is not None}


def monthly_grant(code: str, subject: Subject, insurance: Mapping, rules, rule_set, used: dict,
                  **detail) -> Decision:
    """An eligible decision of ``rules.months`` × the division's monthly amount, from the claim
    month (86号-14, 86号-15): its own per-stop key, and the months in the shared register."""
    stopped_on = day(insurance, INSURANCE.kind, "stopped_on").isoformat()
    monthly = rules.monthly.for_division(subject.division_code)
    detail = {**detail, "months": rules.months, "monthly_fen": monthly, "stopped_on": stopped_on,
              "first_month": month_of(subject.policy_date),
              "person_paid_months": insurance["person_paid_months"]}
    keys = (ClaimKey(f"{code}/spell", f"{subject.key}/{stopped_on}"),
            *month_keys(subject.key, subject.policy_date, rules.months))
    account = payee(subject, insurance)
    return Decision(code, subject.key, Outcome.ELIGIBLE if account else Outcome.NO_ACCOUNT,
                    rules.months * monthly, rule_set.version, used, claim_keys=keys, detail=detail,
                    payee=account)
