"""One claim per person, benefit and spell across channels (86号-12…15 政策经办 ①…⑤): a second
claim is answered with the first claim's status (HTTP 200: the first signed record to the channel
that made it, without its facts and account to any other) — also when ten arrive at the same
moment from two channels."""

from __future__ import annotations

import base64
import json
import threading

from gateway.evidence.canonical import canonical_json

from .people_world import REGISTERED, claim

BENEFIT = "unemployment_benefit"


def _first(world, n, partner="web_hall"):
    response = world.apply(partner, BENEFIT, claim(n))
    assert response.status_code == 201, response.text
    return response.json()


def _again(world, n, partner):
    """Person ``n`` claims first on the web hall, then again through ``partner``: (first, answer)."""
    world.insured(n, registration=REGISTERED)
    first = _first(world, n)
    again = world.apply(partner, BENEFIT, claim(n, "2022-01-20"))
    assert again.status_code == 200, again.text
    body = again.json()
    assert body.pop("earlier_claim") is True and body.pop("payout_state") is None
    return first, body


def test_the_same_person_again_from_the_same_channel_gets_the_first_signed_record(people_world):
    first, body = _again(people_world, 1, "web_hall")
    assert body == first  # the stored, signed record as first decided (channel web hall)
    assert body["channel"] == "application"


def test_another_channel_gets_the_status_without_the_facts_or_the_account(people_world):
    first, body = _again(people_world, 4, "mobile_app")
    assert first["payee"]["account_number"] not in json.dumps(body)  # the first channel's account
    assert body["withheld"] == ["facts_used", "detail", "payee"]
    assert (body["facts_used"], body["detail"], body["payee"]) == ({}, {}, None)
    kept = {k: v for k, v in body.items() if k not in ("facts_used", "detail", "payee", "withheld", "signature")}
    assert kept == {k: v for k, v in first.items() if k in kept} and set(kept) | {
        "facts_used", "detail", "payee", "signature"} == set(first)


def test_both_answers_check_with_the_gateway_key(people_world, client, container):
    people_world.insured(2, registration=REGISTERED)
    _first(people_world, 2)
    kid, key = container.keystore.current()
    for partner in ("web_hall", "counter"):  # the record as first signed; the status signed now
        body = people_world.apply(partner, BENEFIT, claim(2)).json()
        signature = body.pop("signature")
        body.pop("earlier_claim"), body.pop("payout_state")
        assert signature["kid"] == kid
        key.private_key.public_key().verify(base64.b64decode(signature["value"]), canonical_json(body))


def test_the_answer_says_how_far_the_first_payment_got(people_world, container):
    people_world.insured(6, registration=REGISTERED)
    first = _first(people_world, 6)
    with container.uow() as uow:  # as a payout batch and the bank's results would set it
        uow.measure_decisions.set_payout_state([first["id"]], "paid")
    again = people_world.apply("mobile_app", BENEFIT, claim(6))
    assert again.status_code == 200 and again.json()["payout_state"] == "paid"


def test_a_new_spell_is_a_new_claim(people_world):
    people_world.insured(3, registration=REGISTERED, stopped_on="2021-06-30")
    first = _first(people_world, 3)
    people_world.insured(3, registration=REGISTERED, stopped_on="2021-11-30")
    second = people_world.apply("web_hall", BENEFIT, claim(3))
    assert second.status_code == 201  # same months, another spell: refused, not answered as the first
    reason = second.json()["reasons"][0]
    assert (reason["reason"], reason["earlier_decision_id"]) == ("already_granted", first["id"])


def test_a_refused_first_claim_is_decided_afresh(people_world):
    people_world.insured(4, registration=REGISTERED, person_paid_months=11)
    assert _first(people_world, 4)["outcome"] == "refused"
    people_world.insured(4, registration=REGISTERED, person_paid_months=12)
    assert _first(people_world, 4)["outcome"] == "eligible"


def test_ten_claims_at_once_from_two_channels_make_one_decision(people_world, client, admin_headers):
    people_world.insured(5, registration=REGISTERED)
    start, answers, lock = threading.Barrier(10), [], threading.Lock()

    def claim_it(i: int) -> None:
        partner = "web_hall" if i % 2 else "mobile_app"
        start.wait()
        for _ in range(5):  # a clean 409 concurrent_conflict may be retried
            response = people_world.apply(partner, BENEFIT, claim(5))
            if response.status_code != 409:
                break
            assert response.json()["reason"] == "concurrent_conflict"
        with lock:
            answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=claim_it, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(answers) == 10
    assert all(status in (200, 201) for status, _ in answers), [(s, b.get("reason")) for s, b in answers]
    assert [status for status, _ in answers].count(201) == 1
    assert len({body["id"] for _, body in answers}) == 1
    report = client.get("/v1/admin/measures/progress?measure=unemployment_benefit&division_code=150500",
                        headers=admin_headers)
    assert report.status_code == 200, report.text
    [row] = report.json()["items"]
    assert row["eligible"]["count"] + row["refused"]["count"] == 1, row  # one decision stored
