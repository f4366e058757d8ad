"""The Health page's series: the gateway's own counters, sampled at a fixed interval.

Prometheus counters only ever grow, so "failures by reason over time" is the increase between
consecutive samples (a counter that went down was reset by a restart: its new value is the
increase, as in PromQL's ``increase``). Samples live in this process's memory, a ring of
``capacity`` intervals: a small live view for the console, not a time-series store — long-term
trends belong to whatever scrapes ``/v1/metrics``. In multiprocess mode every process reads the
summed counters, so each server process draws the same series.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

# What a sample holds: series name -> {label value: number}.
Snapshot = dict[str, dict[str, float]]


@dataclass(frozen=True)
class Series:
    label: str
    times: list[datetime]  # the end of each interval
    values: list[float]  # the increase during it (or, for gauges, the value at its end)

    @property
    def total(self) -> float:
        return sum(self.values)


class MetricHistory:
    def __init__(self, read: Callable[[], Snapshot], clock, *, interval_seconds: int = 60,
                 capacity: int = 60) -> None:
        self._read = read
        self._clock = clock
        self.interval = interval_seconds
        self._samples: deque[tuple[datetime, Snapshot]] = deque(maxlen=capacity + 1)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def sample(self) -> None:
        snapshot = self._read()
        with self._lock:
            self._samples.append((self._clock(), snapshot))

    def start(self) -> None:
        """Sample now and then every interval, in a daemon thread (once per process)."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="console-metric-history",
                                            daemon=True)
        self.sample()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sample()
            except Exception:
                continue

    def increases(self, name: str, live: Snapshot | None = None) -> list[Series]:
        """One series per label value of counter ``name``: its increase per interval, the
        last interval ending at ``live`` (a reading taken now) when given."""
        points = self._points(live)
        labels = sorted({label for _, snap in points for label in snap.get(name, {})})
        found = []
        for label in labels:
            values = []
            for (_, before), (_, after) in pairwise(points):
                old, new = before.get(name, {}).get(label, 0.0), after.get(name, {}).get(label, 0.0)
                values.append(new - old if new >= old else new)
            found.append(Series(label, [at for at, _ in points[1:]], values))
        return found

    def levels(self, name: str, live: Snapshot | None = None) -> list[Series]:
        """One series per label value of gauge ``name``: its value at each sample."""
        points = self._points(live)
        labels = sorted({label for _, snap in points for label in snap.get(name, {})})
        return [Series(label, [at for at, _ in points],
                       [snap.get(name, {}).get(label, 0.0) for _, snap in points])
                for label in labels]

    def _points(self, live: Snapshot | None) -> list[tuple[datetime, Snapshot]]:
        with self._lock:
            points = list(self._samples)
        if live is not None:
            points.append((self._clock(), live))
        return points
