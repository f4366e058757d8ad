import pytest

from tests.support.world import build_world


@pytest.fixture
def world(client, admin_headers, clock):
    return build_world(client, admin_headers, clock)
