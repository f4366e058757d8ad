"""The operator documentation sends the balancer and the scraper to paths that exist: every
``/healthz``, ``/readyz`` and ``/metrics`` it names is under ``/v1/`` (issue #10: the README's
Deployment section named the bare paths, which are 404)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBES = re.compile(r"(?<![\w/])(/v1)?/(healthz|readyz|metrics)\b")


@pytest.mark.parametrize("name", ["README.md", "docs/deployment.md"])
def test_probe_paths_in_the_docs_are_the_served_ones(name, client):
    text = (ROOT / name).read_text(encoding="utf-8")
    found = list(PROBES.finditer(text))
    assert found
    bare = [m.group(0) for m in found if not m.group(1)]
    assert bare == [], f"{name} names {bare}; the gateway serves them under /v1/"
    for path in {m.group(0) for m in found}:
        assert client.get(path).status_code in (200, 503), path
