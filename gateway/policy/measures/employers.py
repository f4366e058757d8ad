"""What the employer measures (86号-6…9) share: the employer subject, its facts, its payee.

Fact kinds (the partners' answers, documented in docs/measures.md):

    social_insurance  employment     {insured_average, insured_count, layoffs, organisation_type,
                                      size_class, industry, severely_affected, refunded_fen,
                                      bank_account: {bank_name, account_number, account_name}|null}
    social_insurance  hires          {hires: [{citizen_id, graduation_year, hired_on,
                                      contract_months, unemployment_insured}]}
    tax               unemployment_premiums  {employer_paid_fen, staff_paid_fen}

A fact that is missing or ill-typed refuses the subject with ``facts_incomplete`` naming the
field — it is never guessed — so HR can follow it up with the partner and run again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from ...domain.identifiers import validate_citizen_id, validate_credit_code, validate_division_code
from ..findings import Finding
from .model import Subject


class OrganisationType(StrEnum):
    """The kind of insured unit (参保单位类型) as social insurance records it."""

    ENTERPRISE = "enterprise"
    SOCIAL_ORGANISATION = "social_organisation"  # 社会团体
    FOUNDATION = "foundation"  # 基金会
    SOCIAL_SERVICE_BODY = "social_service_body"  # 社会服务机构
    LAW_FIRM = "law_firm"  # 律师事务所
    ACCOUNTING_FIRM = "accounting_firm"  # 会计师事务所
    INDIVIDUAL_BUSINESS = "individual_business"  # 以单位形式参保的个体工商户
    PUBLIC_INSTITUTION = "public_institution"
    OTHER = "other"


class MissingFact(Exception):
    def __init__(self, kind: str, name: str, problem: str) -> None:
        super().__init__(f"{kind}.{name} {problem}")
        self.kind, self.name, self.problem = kind, name, problem

    def finding(self, measure: str) -> Finding:
        return Finding("facts_incomplete", measure,
                       f"the partner's {self.kind} record {self.problem}: {self.name}", self.kind)


def employer_subject(measure: str, body: Mapping, checks, *, hire: bool = False) -> Subject | None:
    """The employer of an ``EmployerApplication``; ``hire=True`` for 86号-8/9 (one hire each)."""
    employer = body["employer"]
    credit = checks.identifier(validate_credit_code, employer["credit_code"], "/employer/credit_code")
    division = checks.identifier(validate_division_code, employer["division_code"], "/employer/division_code")
    person = None
    if hire:
        if "hire" not in body:
            checks.fail("/hire", f"a {measure} claim names the graduate hired")
        else:
            person = checks.identifier(validate_citizen_id, body["hire"]["citizen_id"], "/hire/citizen_id")
    elif "hire" in body:
        checks.fail("/hire", f"{measure} is decided for the employer, not per hire")
    if credit is None or division is None or (hire and person is None):
        return None
    key = credit if not hire else f"{credit}/{person.number}"
    data = {"credit_code": credit, "name": employer["name"]}
    if "bank_account" in body:  # given in an online application (86号-6/7 网上办事大厅)
        data["bank_account"] = dict(body["bank_account"])
    if person is not None:
        data["citizen_id"] = person.number
    year = body["year"]
    return Subject(measure, key, division, year, dt.date(year, 1, 1), data, facts_key=credit)


def require(record: Mapping | None, kind: str, name: str, kinds: tuple[type, ...]) -> Any:
    if record is None:
        raise MissingFact(kind, "(record)", "is missing")
    value = record.get(name)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise MissingFact(kind, name, "is missing or of the wrong type")
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        raise MissingFact(kind, name, "is negative")
    return value


def count(record, kind: str, name: str) -> int:
    return require(record, kind, name, (int,))


def organisation_type(employment: Mapping) -> OrganisationType:
    value = require(employment, "employment", "organisation_type", (str,))
    try:
        return OrganisationType(value)
    except ValueError:
        raise MissingFact("employment", "organisation_type", f"is unknown ({value!r})") from None


def payee(subject: Subject, employment: Mapping) -> dict | None:
    """The employer's bank account on file with social insurance — or, failing that, the one the
    employer gave in its online application — or None (→ eligible_no_account)."""
    account, source = employment.get("bank_account"), "social_insurance"
    if not isinstance(account, Mapping) or not account.get("account_number"):
        account, source = subject.data.get("bank_account"), "application"
    if not isinstance(account, Mapping) or not account.get("account_number"):
        return None
    return {"credit_code": subject.data["credit_code"], "name": subject.data["name"], "account_source": source,
            "bank_name": str(account.get("bank_name", "")),
            "account_number": str(account["account_number"]),
            "account_name": str(account.get("account_name") or subject.data["name"])}
