"""PartnerSession: the environment's proxy settings still apply (read once per origin), and
~/.netrc never reaches a partner."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import requests

from gateway import outbound
from gateway.outbound import PartnerSession


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list] = []

    def do_GET(self):
        type(self).seen.append((self.requestline, self.headers.get("Authorization")))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def fresh_environment(monkeypatch, tmp_path):
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy",
                 "NO_PROXY", "no_proxy", "NETRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    outbound._proxies.cache_clear()
    yield
    outbound._proxies.cache_clear()


def test_a_proxy_of_the_environment_is_used(recorder, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{recorder.server_port}")
    assert PartnerSession().get("http://hr.partner.example/facts", timeout=5).text == "ok"
    assert _Recorder.seen[0][0] == "GET http://hr.partner.example/facts HTTP/1.1"  # via the proxy


def test_prepared_requests_go_through_the_proxy_too(recorder, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{recorder.server_port}")
    session = PartnerSession()
    prepared = session.prepare_request(requests.Request("GET", "http://tax.partner.example/in"))
    assert session.send(prepared, timeout=5).status_code == 200
    assert _Recorder.seen[0][0] == "GET http://tax.partner.example/in HTTP/1.1"


def test_no_proxy_is_honoured(recorder, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # a proxy that would refuse
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert PartnerSession().get(f"http://127.0.0.1:{recorder.server_port}/direct", timeout=5).text == "ok"
    assert _Recorder.seen[0][0] == "GET /direct HTTP/1.1"


def test_netrc_credentials_are_not_sent(recorder, tmp_path):
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login agency password secret\n")
    (tmp_path / ".netrc").chmod(0o600)
    url = f"http://127.0.0.1:{recorder.server_port}/facts"
    requests.get(url, timeout=5)  # what a plain Session does with it
    PartnerSession().get(url, timeout=5)
    assert _Recorder.seen[0][1] is not None and _Recorder.seen[1][1] is None


def test_the_environment_is_read_once_per_origin(recorder, monkeypatch):
    session = PartnerSession()
    url = f"http://127.0.0.1:{recorder.server_port}/facts"
    session.get(url, timeout=5)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # set after start: not read again
    assert session.get(url, timeout=5).text == "ok"
