"""The label catalogue is complete in both languages and covers every label the templates use;
dates are China Standard Time; the Health series are increases between samples."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.console import charts, labels
from gateway.console.history import MetricHistory
from gateway.domain.admin import Outcome
from gateway.domain.partners import KeyStatus, PartnerStatus, Role
from gateway.observability.health import CHECKS
from gateway.storage.delivery_repositories import STATES

TEMPLATES = Path(labels.__file__).parent / "templates" / "console"
LITERAL = re.compile(r"""_\(\s*'([a-z0-9_.]+)'\s*\)""")


def test_every_label_has_both_languages_and_they_differ_where_words_do():
    catalogue = labels.catalogue()
    for key, entry in catalogue.items():
        assert set(entry) == set(labels.LANGUAGES), key
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), key


def test_every_literal_label_in_the_templates_exists():
    used = {key for path in TEMPLATES.glob("*.html") for key in LITERAL.findall(path.read_text())}
    assert used, "the pattern finds the labels"
    assert sorted(used - set(labels.catalogue())) == []


@pytest.mark.parametrize("prefix, values", [
    ("partner_role", [r.value for r in Role]),
    ("status", [s.value for s in PartnerStatus]),
    ("validity", ["valid", "not_yet_valid", "expired", KeyStatus.REVOKED.value]),
    ("state", list(STATES)),
    ("outcome", [o.value for o in Outcome]),
    ("role", ["admin", "operator", "auditor"]),
    ("error", ["400", "401", "403", "404", "409", "422", "429", "500", "503", "504"]),
    ("health.check", list(CHECKS)),
])
def test_labels_built_from_values_exist(prefix, values):
    missing = [v for v in values if f"{prefix}.{v}" not in labels.catalogue()]
    assert missing == []


def test_dates_are_shown_and_read_in_china_standard_time():
    moment = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert labels.cst(moment) == "2027-01-01 00:30:00 CST"
    assert labels.parse_cst("2027-01-01T00:30") == moment
    assert labels.cst_input(moment) == "2027-01-01T00:30"
    assert labels.parse_cst("") is None
    for bad in ("tomorrow", "0001-01-01T00:00", "2026-13-01T00:00"):
        with pytest.raises(ValueError):
            labels.parse_cst(bad)


class Counters:
    def __init__(self):
        self.values = {"failures": {}}

    def __call__(self):
        return {name: dict(v) for name, v in self.values.items()}


def test_history_draws_increases_per_interval_and_survives_a_reset(clock):
    counters = Counters()
    history = MetricHistory(counters, clock, interval_seconds=60, capacity=3)
    history.sample()
    for value in (2, 5, 1):  # 1 < 5: a restart reset the counter
        clock.advance(seconds=60)
        counters.values["failures"]["timeout"] = value
        history.sample()
    [series] = history.increases("failures")
    assert (series.label, series.values) == ("timeout", [2, 3, 1])
    clock.advance(seconds=30)
    counters.values["failures"]["timeout"] = 4
    [live] = history.increases("failures", counters())
    assert live.values == [2, 3, 1, 3] and live.times[-1] == clock()  # the last one ends now
    history.sample()
    [series] = history.increases("failures")
    assert series.values == [3, 1, 3]  # the ring keeps 3 intervals


def test_charts_are_inline_svg_without_script_or_style():
    times = [datetime(2026, 3, 2, 9, 0, tzinfo=UTC) + timedelta(minutes=i) for i in range(3)]
    svg = str(charts.bars([0, 4, 2], times, 'timeout <"x">: 6', bad=True))
    assert svg.startswith("<svg") and svg.count("<rect") == 3
    assert "<script" not in svg and "style=" not in svg
    assert "timeout &lt;&#34;x&#34;&gt;: 6" in svg and "17:00" in svg and "17:02" in svg
