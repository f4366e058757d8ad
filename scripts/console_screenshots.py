"""Screenshots of the operator console's main pages, for docs/console.md.

    .venv/bin/python scripts/console_screenshots.py [--out docs/console]

A throwaway gateway (SQLite in a temporary directory) is filled the way operators and partners
would fill it — partners with keys and grants through the services, signed partner requests
through the real app, a recipient that refuses a delivery so that a dead letter exists, the
delivery worker run once — then served on a free loopback port and photographed by Debian's
Chromium through Playwright (the same set-up as tests/console/test_browser.py). Chinese text
needs a CJK font on the machine (apt-get install fonts-noto-cjk, or fonts-wqy-microhei).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.bootstrap import build_container, create_app  # noqa: E402
from gateway.delivery import CanonicalChannel, DeliveryWorker, RetryPolicy  # noqa: E402
from gateway.delivery.registry import AdapterRegistry  # noqa: E402
from gateway.services import tokens  # noqa: E402
from gateway.settings import Settings  # noqa: E402
from gateway.signatures import SigningKey  # noqa: E402
from gateway.simulators import Behaviour, CanonicalPartnerSimulator  # noqa: E402
from gateway.storage import migrate  # noqa: E402
from gateway.storage.policy_repositories import StoredMessage  # noqa: E402
from tests.console.live import LiveServer, chromium_path  # noqa: E402
from tests.support.ids import credit_code  # noqa: E402
from tests.support.partners import private_key, public_pem  # noqa: E402
from tests.support.signing import SignedPartner  # noqa: E402

PAGES = [  # file name, path (None: the partner's own page), language
    ("sign-in", "/console/sign-in", "zh"),
    ("partners", "/console/partners", "zh"),
    ("partner", None, "zh"),
    ("register", "/console/partners/new", "zh"),
    ("keys", "/console/keys?days=60", "zh"),
    ("messages", "/console/messages", "zh"),
    ("dead-letters", "/console/dead-letters", "zh"),
    ("audit", "/console/audit", "zh"),
    ("evidence", "/console/evidence", "zh"),
    ("health", "/console/health", "zh"),
    ("partners-en", "/console/partners", "en"),
]

AGENCIES = [  # serial, name, roles, division
    (1, "通辽市人力资源和社会保障局", ["hr"], "150500"),
    (2, "国家税务总局通辽市税务局", ["tax"], "150500"),
    (3, "通辽市财政局", ["finance"], "150500"),
    (4, "内蒙古通辽农村商业银行", ["bank"], "150502"),
    (5, "通辽市融资担保基金", ["guarantee_fund"], "150500"),
    (6, "科尔沁区社会保险事业管理局", ["social_insurance"], "150502"),
]


def seed(container, app) -> tuple[str, str]:
    """Fill the gateway through the admin API and signed partner requests, as people would;
    returns (an admin token's secret, a partner id to show)."""
    now = container.clock()
    with container.uow() as uow:
        secret = tokens.issue(uow, "李静（登记处）", "admin", None, now, "screenshots")[0].secret
        auditor = tokens.issue(uow, "赵敏（审计）", "auditor", None, now, "screenshots")[0].secret
    client = app.test_client()
    admin = {"Authorization": "Bearer " + secret}

    def call(method, path, body=None, headers=admin):
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code < 300 or headers is not admin, response.text
        return response

    def when(delta: timedelta) -> str:
        return (now + delta).isoformat().replace("+00:00", "Z")

    signers = {}
    for serial, name, roles, division in AGENCIES:
        partner_id = credit_code(serial)
        call("POST", "/v1/admin/partners", {"id": partner_id, "name": name, "roles": roles,
                                            "division_code": division,
                                            "endpoint_url": f"https://gw{serial}.tongliao.example.cn/govgate"})
        signers[serial] = key = SigningKey.generate("ed25519", f"tl-{roles[0]}-2026")
        call("POST", f"/v1/admin/partners/{partner_id}/keys", {
            "public_key": key.public_info().pem, "keyid": key.keyid,
            "not_before": when(timedelta(days=-300)), "not_after": when(timedelta(days=20 + 30 * serial))})
        call("POST", "/v1/admin/grants", {"partner_id": partner_id,
                                          "operation": "lending" if "bank" in roles else "deferral"})
    # A rotation in progress at the bank, a key revoked after a leak, a suspended partner.
    call("POST", f"/v1/admin/partners/{credit_code(4)}/keys", {
        "public_key": public_pem(private_key()), "keyid": "tl-bank-2027", "not_before": when(timedelta(days=-2))})
    call("POST", f"/v1/admin/partners/{credit_code(3)}/keys", {
        "public_key": public_pem(private_key()), "keyid": "tl-finance-2025", "not_before": when(timedelta(days=-400))})
    call("POST", f"/v1/admin/partners/{credit_code(3)}/keys/tl-finance-2025/revoke", {"reason": "私钥疑似泄露，已更换"})
    call("POST", f"/v1/admin/partners/{credit_code(6)}/suspend")
    call("POST", f"/v1/admin/partners/{credit_code(6)}/activate", headers={"Authorization": "Bearer " + auditor})
    partner = SignedPartner(client, {"id": credit_code(4)}, signers[4], container.clock)
    for n in range(3):
        partner.post("/v1/connectivity-tests", json={"测试": n})
    container.message_log.checkpoint()
    refusing = CanonicalPartnerSimulator(credit_code(7), SigningKey.generate("ed25519", "tl-refuses"),
                                         container.keystore.jwks, behaviour=Behaviour(reject_status=400),
                                         clock=container.clock).start()
    call("POST", "/v1/admin/partners", {"id": credit_code(7), "name": "开鲁县财政局（测试环境）",
                                        "roles": ["finance"], "division_code": "150523",
                                        "endpoint_url": refusing.endpoint_url})
    with container.uow() as uow:  # messages as the policy use cases store them
        for n, kind in enumerate(("deferral_conclusion", "loan_qualification", "guarantee_review")):
            message_id = str(uuid.uuid4())
            uow.messages.add(StoredMessage(message_id, kind, credit_code(2), "150500", None,
                                           {"纳税人识别号": "91150500MA0000001X", "序号": n}, now))
            uow.deliveries.schedule(message_id, credit_code(7), now)
    channel = CanonicalChannel(container.keystore.current, container.key_registry, timeout=(1, 2),
                               clock=container.clock)
    DeliveryWorker(container.uow, container.clock, AdapterRegistry(channel), container.message_log,
                   RetryPolicy(max_attempts=1, base_delay=1, max_delay=1), lease_seconds=30).run_once()
    refusing.stop()
    return secret, credit_code(4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "console")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), allow_loopback_http=True, admin_rate_limit=10_000)
        container = build_container(settings, clock=lambda: datetime.now(UTC))
        migrate.upgrade(container.engine)
        app = create_app(settings, container)
        secret, partner_id = seed(container, app)
        server = LiveServer(app).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                                     args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(base_url=server.url, viewport={"width": 1280, "height": 860},
                                        locale="zh-CN")
                page.goto("/console/sign-in")
                page.screenshot(path=args.out / "sign-in.png", full_page=True)
                page.fill("#token", secret)
                page.click("button[type=submit].primary")
                page.wait_for_url("**/console/partners")
                page.goto("/console/evidence")
                page.get_by_role("button", name="立即校验").click()  # the verification result shows
                page.screenshot(path=args.out / "evidence.png", full_page=True)
                for name, path, lang in PAGES:
                    if name in ("sign-in", "evidence"):
                        continue
                    page.goto(f"/console/language/{lang}?next=/console/")
                    page.goto(path or f"/console/partners/{partner_id}")
                    page.screenshot(path=args.out / f"{name}.png", full_page=True)
                    print("wrote", args.out / f"{name}.png")
                page.goto("/console/language/zh?next=/console/dead-letters")
                page.locator("table.list tbody a").first.click()  # a dead letter's message
                page.screenshot(path=args.out / "message.png", full_page=True)
                browser.close()
        finally:
            server.stop()
            container.close()


if __name__ == "__main__":
    main()
