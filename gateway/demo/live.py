"""The demo on a terminal: the story as a live table (rich) whose rows fill in as steps run."""

from __future__ import annotations

from rich.console import Console, Group
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from .display import PlainDisplay, summary_lines
from .summary import StepOutcome

STATE_STYLES = {"done": "green", "failed": "bold red", "skipped": "dim", "pending": "dim",
                "running": "yellow"}


class LiveDisplay(PlainDisplay):
    def __init__(self, console: Console | None = None) -> None:
        super().__init__()
        self.console = console or Console()
        self._outcomes: list[StepOutcome] = []
        self._live: Live | None = None

    def _print(self, line: str = "") -> None:
        self.console.print(Text(line), highlight=False)

    def begin(self, outcomes: list[StepOutcome]) -> None:
        self._outcomes = outcomes
        self._live = Live(self._table(), console=self.console, refresh_per_second=10)
        self._live.start()

    def _table(self) -> Group:
        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
        for column in ("#", "step", "state", "s", "result"):
            table.add_column(column, no_wrap=column != "result")
        for n, o in enumerate(self._outcomes, start=1):
            state = (Spinner("dots", text=Text("running", style="yellow"))
                     if o.state == "running" else Text(o.state, style=STATE_STYLES[o.state]))
            seconds = f"{o.seconds:.1f}" if o.state in ("done", "failed") else ""
            table.add_row(str(n), o.title, state, seconds, o.detail)
        return Group(table)

    def update(self, index: int, outcome: StepOutcome) -> None:
        if self._live is not None:
            self._live.update(self._table())

    def end(self) -> None:
        if self._live is not None:
            self._live.update(self._table())
            self._live.stop()
        self.console.print()

    def summary(self, summary: dict) -> None:
        for line in summary_lines(summary):
            style = ""
            if line.startswith(("log verify: ok", "demo: ok")):
                style = "bold green"
            elif "FAILED" in line:
                style = "bold red"
            elif not line.startswith(" "):
                style = "bold"
            self.console.print(Text(line, style=style), highlight=False)
