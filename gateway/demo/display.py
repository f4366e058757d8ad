"""Showing the demo: a live table on a terminal, plain lines elsewhere, or JSON.

    LiveDisplay   rich (``live.py``): a table whose rows fill in as the steps run
    PlainDisplay  one line per finished step (CI logs, pipes, tests)
    JsonDisplay   nothing while the story runs; the summary document (and, with --keep, how
                  to reach the running demo) as JSON at the end

All three print the same summary: every message with its sender and each recipient's state
and receipt signer, the checks, and ``log verify``'s verdict.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from .summary import StepOutcome


def attempts(n: int) -> str:
    return f"{n} attempt" + ("" if n == 1 else "s")


def summary_lines(summary: dict) -> list[str]:
    signers = {m["gateway_receipt_keyid"] for m in summary["messages"]}
    one_signer = len(signers) == 1
    lines = [f"Messages ({len(summary['messages'])})"
             + (f", every answer signed by gateway key {signers.pop()}" if one_signer else "")]
    for m in summary["messages"]:
        lines.append(f"  {m['message_id']}  {m['kind']}  from {m['sender']['role']} "
                     f"({m['sender']['id']})"
                     + ("" if one_signer else f", answer signed by {m['gateway_receipt_keyid']}"))
        for r in m["recipients"]:
            idiom = f" ({r['receipt_format']})" if r["receipt_format"] not in (None, "canonical") \
                else ""
            lines.append(f"      → {r['role']:<15} {r['state']:<10} {attempts(r['attempts']):<11}"
                         f" receipt signed by {r['receipt_keyid'] or '-'}{idiom}")
        if not m["recipients"]:
            lines.append("      (answered at once: nothing to deliver)")
    checks = summary["checks"]
    lines.append("Checks")
    for label, name in (("refused request", "refused"), ("replay", "replay")):
        check = checks.get(name)
        lines.append(f"  {label:<17} " + (f"{check['status']} {check['reason']}" if check else "-"))
    retry = checks.get("retry")
    lines.append("  retried delivery  " + (
        f"{retry['recipient']} {retry['state']} on attempt {retry['attempts']} "
        f"(attempt 1: {retry['first_error']})" if retry else "-"))
    log = summary["log"]
    if log["intact"]:
        lines.append(f"log verify: ok ({log['entries_checked']} entries, "
                     f"{log['checkpoints_checked']} checkpoints)")
    else:
        failure = log["failure"]
        lines.append(f"log verify: FAILED at leaf {failure['index']} ({failure['code']})")
    lines.append("demo: ok" if summary["ok"] else "demo: FAILED")
    return lines


def keep_lines(info: dict) -> list[str]:
    lines = ["", "The demo keeps running; press Ctrl-C to stop it.",
             f"  gateway       {info['base_url']}/v1   (Swagger UI: {info['base_url']}/v1/ui/)",
             f"  admin token   {info['admin_token']}",
             f"  partner keys  {info['keys_dir']}/<role>.pem (mode 0600)"]
    lines += [f"                {p['role']:<15} {p['id']}  keyid {p['keyid']}"
              for p in info["partners"]]
    lines += ["", "Try:"] + [f"  {command}" for command in info["commands"]]
    return lines


class PlainDisplay:
    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.total = 0

    def _print(self, line: str = "") -> None:
        print(line, file=self.out, flush=True)

    def starting(self, base_url: str, data_dir: str, tax_format: str) -> None:
        self._print(f"govgate demo: gateway on {base_url}/v1, data in {data_dir}")
        self._print(f"partners: hr, tax ({tax_format}), finance, bank, guarantee_fund, social_insurance, "
                    "web_hall, mobile_app, certificate_registry - "
                    "registered through the admin API")

    def begin(self, outcomes: list[StepOutcome]) -> None:
        self.total = len(outcomes)

    def update(self, index: int, outcome: StepOutcome) -> None:
        if outcome.state in ("done", "failed", "skipped"):
            self._print(f"[{index + 1}/{self.total}] {outcome.state:<7} {outcome.title}"
                        + (f" - {outcome.detail}" if outcome.detail else ""))

    def end(self) -> None:
        self._print()

    def summary(self, summary: dict) -> None:
        for line in summary_lines(summary):
            self._print(line)

    def keep(self, info: dict) -> None:
        for line in keep_lines(info):
            self._print(line)

    def finish(self) -> None:
        """The story and its summary are over (after --keep's wait, if any)."""


class JsonDisplay(PlainDisplay):
    """Silent until the end; then one JSON document on stdout."""

    def __init__(self, out: TextIO | None = None) -> None:
        super().__init__(out)
        self._summary: dict | None = None

    def starting(self, base_url: str, data_dir: str, tax_format: str) -> None:
        pass

    def update(self, index: int, outcome: StepOutcome) -> None:
        pass

    def end(self) -> None:
        pass

    def summary(self, summary: dict) -> None:
        self._summary = summary

    def keep(self, info: dict) -> None:
        self._summary = {**(self._summary or {}), "running": info}
        self.flush()

    def finish(self) -> None:
        self.flush()

    def flush(self) -> None:
        if self._summary is not None:
            self._print(json.dumps(self._summary, ensure_ascii=False, indent=2))
            self._summary = None


def display_for(as_json: bool, out: TextIO | None = None) -> PlainDisplay:
    if as_json:
        return JsonDisplay(out)
    stream = out or sys.stdout
    if not stream.isatty():
        return PlainDisplay(stream)
    try:
        from .live import LiveDisplay
    except ImportError:  # rich is not installed: plain lines tell the same story
        return PlainDisplay(stream)
    return LiveDisplay()
