"""Playing the demo: start the gateway and the partner systems, run the story, sum it up.

``Demo(data_dir, port, display).play()`` returns the summary document; ``running()`` says how
to reach what is still running (for ``--keep``); ``stop()`` ends everything it started.
"""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import requests

from ..errors import GovgateError
from .display import PlainDisplay
from .runner import DemoGateway
from .story import STORY, Step, StoryContext
from .story_clock import StoryClock
from .summary import StepOutcome, summarize
from .world import AdminApi, DemoWorld


def program() -> str:
    """How the user invoked govgate (``.venv/bin/govgate`` from scripts/demo), for the hints."""
    invoked = sys.argv[0] if sys.argv else ""
    return invoked if Path(invoked).name == "govgate" else "govgate"


class Demo:
    def __init__(self, data_dir: Path, display: PlainDisplay, *, port: int = 0,
                 story: tuple[Step, ...] = STORY) -> None:
        self.display = display
        self.story = story
        self.gateway = DemoGateway(data_dir, port=port, clock=StoryClock())  # see story_clock
        self.world: DemoWorld | None = None
        self.admin_token: str | None = None
        self.context: StoryContext | None = None

    def play(self) -> dict:
        self.gateway.start()
        self.admin_token = self.gateway.issue_admin_token()
        self.world = DemoWorld(self.gateway, AdminApi(self.gateway.base_url, self.admin_token))
        self.world.build()
        tax_format = self.world["tax"].format
        self.display.starting(self.gateway.base_url, str(self.gateway.data_dir), tax_format)
        self.context = StoryContext(self.world)
        try:
            outcomes = self._run_story()
        finally:
            self.gateway.clock.catch_up()  # whatever happened, the gateway is left in real time
        summary = summarize(self.context, outcomes, self.gateway, tax_format)
        self.display.summary(summary)
        return summary

    def _run_story(self) -> list[StepOutcome]:
        outcomes = [StepOutcome(step.key, step.title) for step in self.story]
        self.display.begin(outcomes)
        broken = False
        try:
            for index, (step, outcome) in enumerate(zip(self.story, outcomes, strict=True)):
                if broken:  # later steps build on earlier ones
                    outcome.state = "skipped"
                else:
                    outcome.state = "running"
                    self.display.update(index, outcome)
                    broken = not self._play_step(step, outcome)
                self.display.update(index, outcome)
        finally:
            self.display.end()
        return outcomes

    def _play_step(self, step: Step, outcome: StepOutcome) -> bool:
        started = time.monotonic()
        try:
            outcome.detail = step.play(self.context)
            outcome.state = "done"
        except GovgateError as error:
            outcome.detail, outcome.state = f"{error.detail} ({error.reason})", "failed"
        except requests.RequestException as error:
            outcome.detail, outcome.state = f"HTTP: {error}", "failed"
        outcome.seconds = time.monotonic() - started
        return outcome.state == "done"

    def running(self) -> dict:
        """Where everything is, and commands to paste (for --keep)."""
        base, data_dir = self.gateway.base_url, self.gateway.data_dir
        bank = self.world["bank"]
        ids = [s.message_id for s in self.context.sent] if self.context else []
        q, govgate = shlex.quote, program()
        call = f"{govgate} call {{}} --base-url {base} --key {q(str(bank.key_file))} " \
               f"--keyid {bank.key.keyid}"
        commands = [
            call.format("GET /v1/whoami"),
            "echo '{\"hello\": \"govgate\"}' | " + call.format("POST /v1/connectivity-tests")
            + " --json-body -",
        ]
        if ids:
            commands.append(call.format(f"GET /v1/messages/{ids[-1]}"))
            commands.append(f"{govgate} --data-dir {q(str(data_dir))} messages show {ids[0]}")
        commands += [
            f"{govgate} --data-dir {q(str(data_dir))} log verify",
            f"curl -s -H 'Authorization: Bearer {self.admin_token}' {base}/v1/admin/partners",
        ]
        return {
            "base_url": base,
            "data_dir": str(data_dir),
            "keys_dir": str(self.world.keys_dir),
            "admin_token": self.admin_token,
            "partners": [{"role": p.role, "id": p.id, "keyid": p.key.keyid,
                          "key_file": str(p.key_file), "format": p.format}
                         for p in self.world.partners.values()],
            "commands": commands,
        }

    def stop(self) -> None:
        if self.world is not None:
            self.world.stop()
        self.gateway.stop()
