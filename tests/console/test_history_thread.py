"""The Health page's sampling thread lives only as long as the container it reads through: a
closed container (a stopped server, a finished test) leaves no thread asking a database that may
be gone ("storage failure … does not exist", every minute, in a later test's logs)."""

from __future__ import annotations

import threading


def _sampling_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "console-metric-history"]


def test_closing_the_container_stops_the_health_sampling_thread(app, container):
    before = set(_sampling_threads())
    app.app.extensions["govgate.console"].history.start()
    started = [t for t in _sampling_threads() if t not in before]
    assert len(started) == 1
    container.close()
    started[0].join(5)
    assert not started[0].is_alive()
