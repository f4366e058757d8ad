"""The console in a real browser (Playwright driving headless Chromium, no script on any page):
an admin registers a partner with a key and a grant, suspends and re-activates it; an operator
finds a message and re-drives its dead letter; an auditor filters the audit trail and sees an
action of theirs denied; everyone signs out. CSRF and the Content-Security-Policy are checked
from the browser's side: a cross-origin form post is refused, an injected script never runs.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import issue_token
from tests.support.ids import credit_code
from tests.support.partners import create_partner, private_key, public_pem

from .conftest import audit_events
from .live import LiveServer, chromium_path

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
pytestmark = pytest.mark.browser

# Registered before any page script could run: records every CSP violation the page reports.
LISTEN_FOR_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def live(app):
    server = LiveServer(app).start()
    yield server
    server.stop()


class Person:
    """One browser context (its own cookies), signed in with a token of ``role``."""

    def __init__(self, browser, live, container, role: str) -> None:
        self.context = browser.new_context(base_url=live.url, locale="zh-CN")
        self.context.add_init_script(LISTEN_FOR_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.secret = issue_token(container, role, name=f"{role} 王")

    def sign_in(self):
        page = self.page
        page.goto("/console/")
        assert page.url.endswith("/console/sign-in")
        page.get_by_label("管理令牌").fill(self.secret)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/console/partners")
        return page

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__violations")

    def sign_out(self):
        self.page.get_by_role("button", name="退出登录").click()
        self.page.wait_for_url("**/console/sign-in?why=signed_out")
        sync_api.expect(self.page.get_by_role("status")).to_contain_text("您已退出登录")
        self.page.goto("/console/partners")
        assert self.page.url.endswith("/console/sign-in")  # the session is gone
        self.context.close()


@pytest.fixture
def person(browser, live, container):
    return lambda role: Person(browser, live, container, role)


def test_the_console_end_to_end(person, container, dead_letter, live):
    expect = sync_api.expect
    _, message_id, delivery_id = dead_letter
    partner_id = credit_code(61)

    admin = person("admin")
    page = admin.sign_in()
    [cookie] = [c for c in admin.context.cookies() if c["name"] == "govgate_console"]
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/console/")

    # Register a partner with its first key and grant.
    page.get_by_role("link", name="登记合作方").click()
    page.get_by_label("统一社会信用代码").fill(partner_id)
    page.get_by_label("名称").fill("通辽市农商银行")
    page.get_by_label("银行").check()
    page.get_by_label("行政区划").fill("150502")
    page.get_by_label("接收地址").fill("https://bank.tongliao.example.cn/govgate")
    page.get_by_label("公钥 (PEM)").fill(public_pem(private_key()))
    page.get_by_label("密钥标识").fill("tlrcb-2026")
    page.locator("select[name=operation]").select_option("lending")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("合作方已登记")
    expect(page.get_by_role("heading", level=1)).to_contain_text("通辽市农商银行")
    expect(page.get_by_role("cell", name="tlrcb-2026")).to_be_visible()
    expect(page.get_by_role("cell", name="lending")).to_be_visible()

    # Suspend it (after a confirmation), then activate it again.
    page.get_by_role("link", name="暂停").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("暂停该合作方？")
    page.get_by_role("button", name="确认暂停").click()
    expect(page.get_by_role("status")).to_contain_text("合作方已暂停")
    page.get_by_role("link", name="启用").click()
    page.get_by_role("button", name="确认启用").click()
    expect(page.get_by_role("status")).to_contain_text("合作方已启用")
    with container.uow() as uow:
        assert uow.partners.get(partner_id).status.value == "active"

    # English labels, one click away; dates stay in CST.
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=2, name="Signing keys")).to_be_visible()
    expect(page.locator("footer")).to_contain_text("China Standard Time")
    page.get_by_role("link", name="中文").click()
    assert admin.violations() == [] and not [e for e in admin.console_errors if "Content Security" in e]
    admin.sign_out()

    # An operator finds the message and re-drives its dead letter.
    operator = person("operator")
    page = operator.sign_in()
    page.get_by_role("link", name="报文与投递").click()
    page.get_by_label("按报文编号查找").fill(message_id)
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_role("cell", name="recipient_rejected_message")).to_be_visible()
    page.get_by_role("button", name="重新投递").click()
    expect(page.get_by_role("status")).to_contain_text("已重新安排投递")
    with container.uow() as uow:
        assert uow.deliveries.get(delivery_id).state == "pending"
    operator.sign_out()

    # An auditor filters the audit trail and sees a suspension of theirs denied.
    auditor = person("auditor")
    page = auditor.sign_in()
    page.goto(f"/console/partners/{partner_id}")
    page.get_by_role("link", name="暂停").click()
    page.get_by_role("button", name="确认暂停").click()
    expect(page.get_by_role("alert")).to_contain_text("the auditor role may not perform partner.suspend")
    page.get_by_role("link", name="审计记录").click()
    page.get_by_label("结果").select_option("denied")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("table.audit tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("partner.suspend")
    expect(rows.first).to_contain_text("拒绝")
    page.get_by_label("动作").fill("delivery.redrive")
    page.get_by_label("结果").select_option("")
    page.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(str(delivery_id))
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 CSV").click()
    assert "delivery.redrive" in download.value.path().read_text(encoding="utf-8-sig")
    auditor.sign_out()
    assert [e.outcome.value for e in audit_events(container, action="partner.suspend")] == [
        "allowed", "denied"]


class Attacker(BaseHTTPRequestHandler):
    page = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args):
        pass


def test_a_cross_origin_form_post_is_refused(person, container, client, admin_headers):
    partner_id = create_partner(client, admin_headers, 62)["id"]
    admin = person("admin")
    page = admin.sign_in()
    page.goto(f"/console/partners/{partner_id}/status?to=suspended")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    # Another origin of the same site (another port): the SameSite=Strict cookie is sent, the
    # stolen CSRF token is right, and still the Origin check refuses.
    console_url = page.url.split("/console/")[0]
    Attacker.page = (f'<form method="post" action="{console_url}/console/partners/{partner_id}/suspend">'
                     f'<input type="hidden" name="csrf_token" value="{token}">'
                     '<button type="submit">win a prize</button></form>').encode()
    attacker = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{attacker.server_address[1]}/")
        page.get_by_role("button", name="win a prize").click()
        page.wait_for_load_state()
        sync_api.expect(page.get_by_role("alert")).to_contain_text("来源校验失败")
    finally:
        attacker.shutdown()
        attacker.server_close()
    with container.uow() as uow:
        assert uow.partners.get(partner_id).status.value == "active"
    assert audit_events(container, action="partner.suspend") == []


def test_an_injected_inline_script_does_not_run(person):
    auditor = person("auditor")
    page = auditor.sign_in()

    def inject(route):
        response = route.fetch()  # the real page, with its real headers (the CSP among them)
        body = response.text().replace(
            "</main>", "<script>document.title='pwned';document.body.dataset.pwned='1'</script>"
                       '<p id="injected" style="color: rgb(255, 0, 0)">x</p></main>')
        route.fulfill(response=response, body=body)

    page.route(re.compile(r".*/console/keys$"), inject)
    page.goto("/console/keys")
    assert page.locator("#injected").count() == 1  # the markup arrived ...
    assert page.title() != "pwned" and page.evaluate("document.body.dataset.pwned") is None
    assert page.locator("#injected").evaluate("e => getComputedStyle(e).color") != "rgb(255, 0, 0)"
    violations = auditor.violations()
    assert any(v.startswith("script-src") for v in violations), violations  # ... and was blocked
    assert any(v.startswith("style-src") for v in violations), violations
    assert any("Content Security Policy" in e for e in auditor.console_errors)
