"""``govgate demo``: the whole story of the 86号 exchanges on one machine.

The gateway runs on the embedded default (SQLite, a fresh data directory) under uvicorn on a
loopback port, with a delivery worker beside it; eight partner systems of Tongliao (150500)
run as real HTTP servers from ``gateway.simulators`` and are registered through the admin API
with their own keys, formats and grants. The story then plays, each step a signed request:

    runner.py      DemoGateway: data dir, migration, uvicorn thread, DeliveryWorker thread
    world.py       DemoWorld: simulators, partner keys (written to <data dir>/demo-keys/),
                   registration through the admin API
    tax_system.py  THE TAX SWITCH: the CFX tax simulator when the gateway speaks ``tax_cfx``
    story.py       STORY: the steps, as data and functions
    employer_story.py / people_story.py  the 86号-6 run and payout; the 86号-12/14/15 claims
    summary.py     the closing report (messages, receipts, checks, log verify)
    display.py     plain lines (pipes, CI) or JSON; live.py: a live table on a terminal
    play.py        Demo: all of the above in order
"""

from .display import JsonDisplay, PlainDisplay, display_for
from .play import Demo
from .runner import DataDirNotFresh, DemoGateway
from .story import STORY, Step, StoryBroken

__all__ = ["STORY", "DataDirNotFresh", "Demo", "DemoGateway", "JsonDisplay", "PlainDisplay",
           "Step", "StoryBroken", "display_for"]
