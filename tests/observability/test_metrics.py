"""/metrics: the documented series, with bounded labels, after real admin and signed requests.

Metrics are per process, so each test compares two scrapes rather than absolute values.
"""

from __future__ import annotations

from gateway.bootstrap import create_app
from gateway.storage.policy_repositories import StoredMessage
from tests.delivery.conftest import SENDER, register_partner
from tests.support.signing import register_signed_partner

from .scrape import grew, scrape, value

REQUESTS = "govgate_http_requests_total"
LATENCY_COUNT = "govgate_http_request_duration_seconds_count"
ECHO = "/v1/connectivity-tests"
RECIPIENT = "91512081MA62K0260E"


def test_requests_by_operation_and_status_with_latency(client, admin_headers):
    before = scrape(client)
    assert client.get("/v1/admin/partners", headers=admin_headers).status_code == 200
    assert client.get("/v1/admin/partners").status_code == 401
    assert client.get("/v1/admin/partners?colour=red", headers=admin_headers).status_code == 400
    assert client.get("/v1/no/such/route").status_code == 404
    after = scrape(client)
    assert grew(before, after, REQUESTS, operation="list_partners", status="200") == 1
    assert grew(before, after, REQUESTS, operation="list_partners", status="401") == 1
    assert grew(before, after, REQUESTS, operation="list_partners", status="400") == 1
    assert grew(before, after, REQUESTS, operation="unmatched", status="404") == 1
    assert grew(before, after, LATENCY_COUNT, operation="list_partners") == 3
    assert grew(before, after, REQUESTS, operation="metrics_text", status="200") == 1  # `before`
    # The histogram's buckets are cumulative and end in +Inf = count.
    assert value(after, "govgate_http_request_duration_seconds_bucket",
                 operation="list_partners", le="+Inf") == value(after, LATENCY_COUNT,
                                                               operation="list_partners")
    operations = {dict(labels).get("operation") for name, labels in after if name == REQUESTS}
    assert "no/such/route" not in operations and None not in operations


def test_signed_exchange_series(client, admin_headers, clock):
    partner = register_signed_partner(client, admin_headers, 1, clock=clock)
    before = scrape(client)
    assert partner.post(ECHO, json={"n": 1}, idempotency_key="k-1").status_code == 200
    clock.advance(minutes=1)
    replay = partner.post(ECHO, json={"n": 1}, idempotency_key="k-1")
    assert replay.headers["idempotency-replayed"] == "true"
    spoilt = partner.sign("GET", "/v1/whoami")
    spoilt["Signature"] = spoilt["Signature"].replace(":", ":AAAA", 1)
    assert client.get("/v1/whoami", headers=spoilt).status_code == 401
    unsigned = partner.sign("GET", "/v1/whoami")
    del unsigned["Signature-Input"]
    assert client.get("/v1/whoami", headers=unsigned).status_code == 401
    after = scrape(client)

    failures = "govgate_signature_verification_failures_total"
    assert grew(before, after, failures, reason="signature_invalid") == 1
    assert grew(before, after, failures, reason="signature_missing") == 1
    assert grew(before, after, "govgate_idempotency_replays_total",
                operation="connectivity_test") == 1
    assert grew(before, after, "govgate_evidence_log_appends_total", direction="inbound") == 1
    assert grew(before, after, REQUESTS, operation="connectivity_test", status="200") == 2
    assert grew(before, after, REQUESTS, operation="whoami", status="401") == 2


def test_queue_depth_is_counted_at_scrape_time(client, container):
    register_partner(container, RECIPIENT, "https://tax.example.gov.cn/inbox", None)
    now = container.clock()
    with container.uow() as uow:
        for n in range(3):
            message_id = f"00000000-0000-4000-8000-00000000000{n}"
            uow.messages.add(StoredMessage(message_id, "test", SENDER, "150500", None, {"n": n},
                                           now))
            uow.deliveries.schedule(message_id, RECIPIENT, now)
    samples = scrape(client)
    depth = "govgate_delivery_queue_depth"
    assert value(samples, depth, state="pending") == 3
    assert value(samples, depth, state="dead") == 0
    assert {dict(labels)["state"] for name, labels in samples if name == depth} == {
        "pending", "delivering", "failed", "delivered", "dead"}


def test_several_apps_in_one_process_share_the_metrics(settings, container, client, admin_headers):
    other = create_app(settings, container).test_client()  # no "Duplicated timeseries"
    before = scrape(client)
    assert other.get("/v1/admin/partners", headers=admin_headers).status_code == 200
    after = scrape(other)
    assert grew(before, after, REQUESTS, operation="list_partners", status="200") == 1


def test_the_metrics_content_type_names_its_charset_once(client):
    response = client.get("/v1/metrics")
    assert response.status_code == 200
    assert response.headers.get_list("content-type") == ["text/plain; version=0.0.4; charset=utf-8"]
