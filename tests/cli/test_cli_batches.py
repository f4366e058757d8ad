"""govgate batches work / show, and govgate progress, on a batch HR sent through the API."""

from __future__ import annotations


def test_batches_show_and_work_once_on_an_empty_queue(cli):
    assert "0 batch(es) processed" in cli.ok("batches", "work", "--once").stdout
    assert "no batch" in cli.refused("batches", "show", "nope")
    assert "no decisions yet" in cli.ok("progress").stdout
