"""``govgate demo`` end to end: the real gateway under uvicorn, the real worker, five partner
systems on loopback; the story is judged by what the summary reports, not by the code that
produced it (every state is read back through the gateway's API and its evidence log)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gateway.cli import main
from gateway.demo import Demo, JsonDisplay, Step, StoryBroken
from gateway.demo.story import STORY

GOVGATE = Path(sys.executable).with_name("govgate")


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> tuple[dict, Path, float]:
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    started = time.monotonic()
    result = CliRunner().invoke(main, ["demo", "--json", "--data-dir", str(data_dir)],
                                catch_exceptions=False)
    seconds = time.monotonic() - started
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), data_dir, seconds


def test_every_step_of_the_story_is_done(played):
    summary, _, seconds = played
    assert [s["key"] for s in summary["steps"]] == [s.key for s in STORY]
    assert {s["state"] for s in summary["steps"]} == {"done"}, summary["steps"]
    assert summary["ok"] is True
    assert seconds < 60


def test_every_message_reached_every_recipient_with_a_signed_receipt(played):
    summary, _, _ = played
    kinds = [m["kind"] for m in summary["messages"]]
    assert kinds == ["deferral_conclusion", "loan_qualification", "guarantee_review",
                     "guarantee_decision", "subsidy_claim", "subsidy_decision"]
    recipients = {m["kind"]: sorted(r["role"] for r in m["recipients"])
                  for m in summary["messages"]}
    assert recipients == {
        "deferral_conclusion": ["finance", "tax"],
        "loan_qualification": [],
        "guarantee_review": ["guarantee_fund"],
        "guarantee_decision": ["bank"],
        "subsidy_claim": ["finance"],
        "subsidy_decision": ["bank"],
    }
    for message in summary["messages"]:
        assert message["gateway_receipt_keyid"]
        for recipient in message["recipients"]:
            assert recipient["state"] == "delivered", message
            assert recipient["receipt_keyid"], message  # the recipient signed its receipt
    assert len({m["message_id"] for m in summary["messages"]}) == 6


def test_the_forged_signature_and_the_replay_are_refused(played):
    checks = played[0]["checks"]
    assert checks["refused"] == {"status": 401, "reason": "signature_invalid"}
    assert checks["replay"] == {"status": 401, "reason": "nonce_replayed"}


def test_the_failed_delivery_was_retried_and_delivered(played):
    retry = played[0]["checks"]["retry"]
    assert retry["recipient"] == "finance" and retry["state"] == "delivered"
    assert retry["attempts"] == 2 and retry["first_error"] == "recipient_server_error"
    conclusion = played[0]["messages"][0]
    assert retry["message_id"] == conclusion["message_id"]


def test_the_evidence_log_verifies_with_its_checkpoints(played):
    summary, data_dir, _ = played
    log = summary["log"]
    assert log["intact"] and log["failure"] is None
    # at least one entry per accepted request, and a checkpoint per batch of at most 5 entries
    assert log["entries_checked"] >= 6
    assert log["checkpoints_checked"] >= -(-log["entries_checked"] // 5)
    # and the operator's own command agrees, on the database the demo left behind
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "log", "verify", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["entries_checked"] == log["entries_checked"]


def test_the_partners_private_keys_are_left_for_the_cli_client(played):
    _, data_dir, _ = played
    keys = sorted((data_dir / "demo-keys").iterdir())
    assert [k.name for k in keys] == ["bank.pem", "certificate_registry.pem", "finance.pem", "guarantee_fund.pem",
                                      "hr.pem", "mobile_app.pem", "social_insurance.pem", "tax.pem",
                                      "web_hall.pem"]
    assert {k.stat().st_mode & 0o777 for k in keys} == {0o600}


def test_one_people_claim_per_measure_and_the_second_claim_answered_by_the_first(played):
    """86号-11…15 claimed through the web hall and the mobile app; the summary reads them back."""
    people = played[0]["checks"]["people"]
    by_measure = {c["measure"]: c for c in people["claims"]}
    assert {m: (c["outcome"], c["months"]) for m, c in by_measure.items()} == {
        "86号-11": ("eligible", None), "86号-12": ("eligible", 12), "86号-13": ("eligible", None),
        "86号-14": ("eligible", 6), "86号-15": ("eligible", 3)}
    assert by_measure["86号-11"]["amount_fen"] == 150_000  # level 4 (中级), the registry's certificate
    assert by_measure["86号-13"]["amount_fen"] == 300_000  # 26 months: the schedule's 24-35 band
    benefit = by_measure["86号-12"]
    assert benefit["registration_due"] is True  # claimed before registering (先申领后登记)
    assert benefit["amount_fen"] == 12 * 171_900  # 通辽市 (1505) in unemployment-benefit-2022.1
    assert by_measure["86号-14"]["amount_fen"] == 6 * 137_520
    assert by_measure["86号-15"]["amount_fen"] == 3 * 137_520
    assert len({c["decision_id"] for c in people["claims"]}) == 5
    assert people["again"] == {"status": 200, "decision_id": benefit["decision_id"], "earlier_claim": True}


def test_a_used_data_dir_is_refused(played):
    _, data_dir, _ = played
    result = CliRunner().invoke(main, ["demo", "--data-dir", str(data_dir)])
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("(data_dir_not_fresh)")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_broken_step_fails_the_demo_and_skips_the_rest(tmp_path):
    def broken(ctx):
        raise StoryBroken("the tax office answered in Latin")

    story = (STORY[0], Step("broken", "a step that breaks", broken), STORY[1])
    demo = Demo(tmp_path / "data", JsonDisplay(), story=story)
    try:
        summary = demo.play()
    finally:
        demo.stop()
    assert [s["state"] for s in summary["steps"]] == ["done", "failed", "skipped"]
    assert summary["steps"][1]["detail"] == "the tax office answered in Latin (story_broken)"
    assert summary["ok"] is False


@pytest.mark.slow
def test_the_command_prints_progress_and_the_summary_as_plain_lines(tmp_path):
    """What a CI log shows: no TTY, so one line per step and the summary in text."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVGATE_")}
    done = subprocess.run([str(GOVGATE), "demo", "--data-dir", str(tmp_path / "data")],
                          check=False, capture_output=True, text=True, timeout=90, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    steps = [line for line in lines if line.startswith("[")]
    assert len(steps) == len(STORY)
    assert all(line.split()[1] == "done" for line in steps), steps
    assert any("401 signature_invalid" in line for line in lines)
    assert any("401 nonce_replayed" in line for line in lines)
    copies = [line.split() for line in lines if line.lstrip().startswith("→ ")]
    assert [(c[1], c[2]) for c in copies] == [
        ("tax", "delivered"), ("finance", "delivered"), ("guarantee_fund", "delivered"),
        ("bank", "delivered"), ("finance", "delivered"), ("bank", "delivered")]
    assert any(re.fullmatch(r"log verify: ok \(\d+ entries, \d+ checkpoints\)", line)
               for line in lines)
    assert lines[-1] == "demo: ok"


def test_the_tax_partner_speaks_cfx(tmp_path):
    from gateway.demo.tax_system import SM2_KEYID, TAX_FORMAT

    demo = Demo(tmp_path / "data", JsonDisplay(), story=STORY[:1])
    try:
        summary = demo.play()
        tax_system = demo.world["tax"].simulator
        received, refused = list(tax_system.received.values()), tax_system.refused
    finally:
        demo.stop()
    assert summary["ok"] and summary["tax_format"] == TAX_FORMAT
    copies = {r["role"]: r for r in summary["messages"][0]["recipients"]}
    assert copies["tax"]["state"] == "delivered"
    assert (copies["tax"]["receipt_format"], copies["tax"]["receipt_keyid"]) == (TAX_FORMAT,
                                                                               SM2_KEYID)
    assert refused == [] and len(received) == 1  # the CFX document and its SM2 signature held


def _demo_env(tmp_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVGATE_")}
    env["TMPDIR"] = str(tmp_dir)  # where tempfile.mkdtemp puts govgate-demo-*
    return env


@pytest.mark.slow
def test_a_run_without_data_dir_leaves_no_directory_behind(tmp_path):
    done = subprocess.run([str(GOVGATE), "demo"], check=False, capture_output=True, text=True,
                          timeout=90, env=_demo_env(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "govgate-demo-" in done.stdout  # it did use a scratch directory ...
    assert list(tmp_path.iterdir()) == []  # ... and removed it, private keys and all


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_stopping_a_kept_demo_removes_its_directory(tmp_path, signum):
    demo = subprocess.Popen([str(GOVGATE), "demo", "--keep"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=_demo_env(tmp_path))
    try:
        lines = []
        for line in demo.stdout:  # wait until everything runs
            lines.append(line)
            if "press Ctrl-C to stop it" in line:
                break
        [scratch] = list(tmp_path.iterdir())
        assert (scratch / "demo-keys").is_dir(), "".join(lines)
        demo.send_signal(signum)
        demo.wait(timeout=30)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    assert list(tmp_path.iterdir()) == []


def test_a_given_data_dir_is_kept(played):
    _, data_dir, _ = played
    assert (data_dir / "govgate.db").exists() and (data_dir / "demo-keys").is_dir()


def test_the_story_clock_opens_a_quarter_ago_and_catches_up():
    from datetime import UTC, date, datetime

    from gateway.demo.story_clock import LEAD, StoryClock, last_ended_quarter

    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    clock = StoryClock(lambda: now)
    assert clock() == now - LEAD
    clock.catch_up()
    assert clock() == now
    assert [last_ended_quarter(date(2026, m, 1)) for m in (1, 4, 9, 12)] == [
        "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
