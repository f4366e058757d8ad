"""A real console for a real browser: the app under uvicorn on a free loopback port (in a
thread of the test process, sharing the test's container), and Debian's Chromium.

No browser is downloaded: Playwright drives ``/usr/bin/chromium`` (or ``GOVGATE_CHROMIUM``);
without one the browser tests skip, saying how to get it.
"""

from __future__ import annotations

import os
import shutil
import threading
import time

import pytest

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
NO_BROWSER = ("no Chromium for the console's browser tests: install Debian's package "
              "(apt-get install -y chromium; .ci/run does) or set GOVGATE_CHROMIUM")


def chromium_path() -> str:
    for candidate in (os.environ.get("GOVGATE_CHROMIUM"), *CANDIDATES, shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip(NO_BROWSER)


class LiveServer:
    def __init__(self, app) -> None:
        import uvicorn

        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="console-live", daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the console's server did not start")
            time.sleep(0.02)
        return self

    @property
    def url(self) -> str:
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
