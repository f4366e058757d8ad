"""Fixtures of the edge tests: a registered partner whose signer reads the test clock."""

from __future__ import annotations

import pytest

from tests.support.signing import register_signed_partner


@pytest.fixture
def partner(client, admin_headers, clock):
    return register_signed_partner(client, admin_headers, 1, clock=clock)
