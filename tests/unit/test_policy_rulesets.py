"""Loading and selecting loan rule sets (86号-16)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml

from gateway.errors import Unavailable
from gateway.policy.borrowers import BorrowerGroup, ExemptionGround, LoanType
from gateway.policy.errors import NoRuleSetEffective, PolicyDataInvalid
from gateway.policy.rulesets import (
    LoanRuleBook,
    load_rule_book,
    load_rule_set,
    packaged_rule_files,
    parse_rule_set,
)

D = dt.date


@pytest.fixture(scope="module")
def packaged_document() -> dict:
    [path] = [p for p in packaged_rule_files() if p.name == "loan-2022.yaml"]
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def variant(document: dict, **changes) -> dict:
    """A copy of ``document`` with dotted paths replaced (``None`` deletes the key)."""
    changed = copy.deepcopy(document)
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        node = changed
        for key in parents:
            node = node[key]
        if value is None:
            del node[leaf]
        else:
            node[leaf] = value
    return changed


def test_packaged_rule_set_states_measure_16():
    rules = load_rule_book().effective_on(D(2022, 7, 1))
    assert rules.version == "loan-2022.1"
    assert rules.individual.max_amount_fen == 200_000 * 100
    assert rules.enterprise.max_amount_fen == 3_000_000 * 100
    assert rules.counter_guarantee.small_loan_max_fen == 100_000 * 100
    assert (rules.individual.max_term_months, rules.individual.extension_months) == (36, 12)
    assert rules.enterprise.max_term_months == 24
    assert rules.individual.eligible_groups == frozenset(BorrowerGroup)
    assert rules.partnership.uplift_percent == 10
    assert (
        LoanType.ENTERPRISE
        not in rules.counter_guarantee.grounds[ExemptionGround.STABLE_SECOND_TIME_FOUNDER]
    )
    assert rules.individual.measure == rules.enterprise.measure == "86号-16"


def test_no_rule_set_before_the_measure():
    with pytest.raises(NoRuleSetEffective) as caught:
        load_rule_book().effective_on(D(2022, 5, 31))
    assert isinstance(caught.value, Unavailable)
    assert caught.value.reason == "rule_set_not_effective"


def test_selects_the_rule_set_in_force(packaged_document):
    old = parse_rule_set(variant(packaged_document, effective_to=D(2023, 12, 31)), source="a")
    new = parse_rule_set(
        variant(
            packaged_document,
            version="loan-2024.1",
            effective_from=D(2024, 1, 1),
            individual__max_amount_fen=30_000_000,
        ),
        source="b",
    )
    book = LoanRuleBook([new, old])
    assert book.effective_on(D(2023, 12, 31)).version == "loan-2022.1"
    assert book.effective_on(D(2024, 1, 1)).individual.max_amount_fen == 30_000_000


def test_overlapping_rule_sets_are_rejected(packaged_document):
    old = parse_rule_set(packaged_document, source="a")  # open-ended
    new = parse_rule_set(
        variant(packaged_document, version="loan-2024.1", effective_from="2024-01-01"), source="b"
    )
    with pytest.raises(PolicyDataInvalid) as caught:
        LoanRuleBook([old, new])
    assert caught.value.path == "loan-2022.1: effective_to"


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"version": None}, "x.yaml: (document)"),
        ({"surprise": 1}, "x.yaml: (document)"),
        ({"effective_from": "June"}, "x.yaml: effective_from"),
        ({"effective_to": D(2022, 1, 1)}, "x.yaml: effective_to"),
        ({"decision_validity_days": 0}, "x.yaml: decision_validity_days"),
        ({"individual__max_amount_fen": 200_000.0}, "x.yaml: individual.max_amount_fen"),
        ({"individual__measure": "measure 16"}, "x.yaml: individual.measure"),
        (
            {"individual__eligible_groups": ["veteran", "astronaut"]},
            "x.yaml: individual.eligible_groups[1]",
        ),
        ({"partnership__uplift_percent": 110}, "x.yaml: partnership.uplift_percent"),
        ({"enterprise__hiring__percent": "15%"}, "x.yaml: enterprise.hiring.percent"),
        ({"enterprise__hiring__min_contract_months": None}, "x.yaml: enterprise.hiring"),
        ({"enterprise__size_classes": []}, "x.yaml: enterprise.size_classes"),
        (
            {"counter_guarantee__grounds__small_loan": ["individual"]},
            "x.yaml: counter_guarantee.grounds.small_loan",
        ),
        (
            {"counter_guarantee__grounds__lucky": ["individual"]},
            "x.yaml: counter_guarantee.grounds.lucky",
        ),
    ],
)
def test_schema_errors_name_the_bad_path(packaged_document, changes, path):
    with pytest.raises(PolicyDataInvalid) as caught:
        parse_rule_set(variant(packaged_document, **changes), source="x.yaml")
    assert caught.value.path == path


def test_unreadable_file_is_reported(tmp_path):
    bad = tmp_path / "loan-bad.yaml"
    bad.write_text("version: [", encoding="utf-8")
    with pytest.raises(PolicyDataInvalid):
        load_rule_set(bad)
