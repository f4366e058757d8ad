"""Console fixtures: a browser-like client of the real app (cookies, the form's CSRF token, the
headers a browser sends on a same-origin form post), and a dead letter to re-drive.

    console(role)     signed in with a fresh admin token of ``role``; .get/.post/.token_id
    dead_letter       a message whose only recipient refused it (a dead delivery)
"""

from __future__ import annotations

import re

import pytest

from gateway.console.sessions import COOKIE
from gateway.simulators import Behaviour
from tests.conftest import issue_token
from tests.delivery.conftest import (  # noqa: F401 - fixtures shared with the delivery tests
    accept,
    gateway_jwks,
    make_worker,
    recipients,
)

ORIGIN = "http://testserver"
SAME_ORIGIN = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"}
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


class ConsoleClient:
    def __init__(self, client, container, secret: str | None = None) -> None:
        self.client, self.container, self.secret = client, container, secret
        self.csrf = ""

    def sign_in(self, secret: str | None = None):
        self.secret = secret or self.secret
        response = self.client.post("/console/sign-in", data={"token": self.secret},
                                    headers=SAME_ORIGIN, follow_redirects=False)
        if response.status_code == 303:
            self.get("/console/partners")  # a page with a form: picks up the CSRF token
        return response

    @property
    def token_id(self) -> str:
        from gateway.services.tokens import hash_secret

        with self.container.uow() as uow:
            return uow.tokens.by_hash(hash_secret(self.secret)).id

    def get(self, path: str, **options):
        response = self.client.get(path, **options)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict | None = None, *, headers: dict | None = None,
             csrf: str | None = None, **options):
        form = {"csrf_token": self.csrf if csrf is None else csrf, **(data or {})}
        options.setdefault("follow_redirects", False)
        return self.client.post(path, data=form, headers={**SAME_ORIGIN, **(headers or {})},
                                **options)

    @property
    def cookie(self) -> str | None:
        return self.client.cookies.get(COOKIE)


@pytest.fixture
def console(app, container):
    """console("admin") -> a ConsoleClient signed in with a new admin token (own cookie jar)."""
    def make(role: str = "admin") -> ConsoleClient:
        signed = ConsoleClient(app.test_client(), container, issue_token(container, role))
        response = signed.sign_in()
        assert response.status_code == 303, response.text
        return signed

    return make


@pytest.fixture
def dead_letter(container, recipients, accept, make_worker):  # noqa: F811
    simulator = recipients(Behaviour(reject_status=400))
    message_id = accept(simulator.partner_id, kind="deferral_conclusion")
    make_worker().run_once()
    with container.uow() as uow:
        [delivery] = uow.deliveries.for_message(message_id)
    assert delivery.state == "dead"
    simulator.behaviour.reject_status = None
    return simulator, message_id, delivery.id


def audit_events(container, **filters):
    options = {"actor": None, "action": None, "target_id": None, "outcome": None, "since": None,
               "after": None, "limit": 1000, **filters}
    with container.uow() as uow:
        return uow.audit.list(**options)
