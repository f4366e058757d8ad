"""No input to the console gives a 500: odd query strings, paths and forms get a clear page."""

from __future__ import annotations

import pytest

from tests.support.ids import credit_code
from tests.support.partners import create_partner

from .test_pages import registration

GETS = [
    "/console/partners?after=%00%ff&role=police&status=gone&division=abc&q=%25_%5C",
    "/console/partners/" + "9" * 300,
    "/console/partners/%E4%B8%AD/status?to=deleted",
    "/console/keys?days=-5", "/console/keys?days=99999999999999999999", "/console/keys?days=abc",
    "/console/messages?since=2026-02-30T10:00", "/console/messages?until=99999-01-01T00:00",
    "/console/messages?before=2026-03-02T09:00:00|x", "/console/messages?partner=%00",
    "/console/messages/" + "m" * 500, "/console/messages/none/evidence",
    "/console/dead-letters?after=abc&recipient=%FF",
    "/console/audit?outcome=maybe&before=-1&since=0000-01-01T00:00",
    "/console/audit.csv?until=not-a-time",
    "/console/language/xx?next=/console/%0d%0aSet-Cookie:x=1",
]


@pytest.mark.parametrize("path", GETS)
def test_odd_requests_get_a_page_not_a_500(console, path):
    response = console("admin").get(path, follow_redirects=True)
    assert response.status_code < 500, (path, response.status_code)
    assert "set-cookie: x=1" not in str(response.headers).lower()


@pytest.mark.parametrize("changes", [
    {"roles": ["police"]}, {"format": "fax"}, {"public_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"},
    {"public_key": "not a key"}, {"keyid": "空格 不行"}, {"format_settings": '{"a": 1}'},
    {"format": "tax", "format_settings": '{"node_code": 5}'}, {"grant_expires_at": "2020-01-01T00:00"},
    {"key_not_after": "2000-01-01T00:00"}, {"endpoint_url": "ftp://x"}, {"name": "x" * 500},
    {"id": "\x00" * 18}, {"division_code": "１５０５００"},
])
def test_bad_registrations_are_marked_not_stored(console, container, changes):
    response = console("admin").post("/console/partners/new", registration(71, **changes))
    assert response.status_code in (400, 409, 422), (changes, response.status_code)
    assert 'class="field-error"' in response.text or 'role="alert"' in response.text
    with container.uow() as uow:
        assert uow.partners.get(credit_code(71)) is None


def test_registering_twice_is_a_conflict_shown_on_the_form(console, client, admin_headers):
    create_partner(client, admin_headers, 72)
    response = console("admin").post("/console/partners/new", registration(72))
    assert response.status_code == 409 and "already registered" in response.text


def test_an_unknown_console_page_is_the_console_s_404(console, client):
    response = console("auditor").get("/console/no/such/page")
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]
    assert "page_not_found" in response.text
    assert client.get("/v1/no-such-thing").headers["content-type"].startswith("application/problem+json")
