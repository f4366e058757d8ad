"""Printing results: the API's JSON shape with ``--json``, otherwise short aligned text."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click

Column = tuple[str, str | Callable[[dict], Any]]  # header, and a key or a function of the item


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _cell(item: dict, getter: str | Callable[[dict], Any]) -> str:
    value = getter(item) if callable(getter) else item.get(getter)
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def record(item: dict, fields: Sequence[Column]) -> None:
    """One object as ``label: value`` lines."""
    width = max(len(label) for label, _ in fields) + 1
    for label, getter in fields:
        click.echo(f"{label + ':':<{width}} {_cell(item, getter)}")


def table(items: Iterable[dict], columns: Sequence[Column], *, empty: str) -> None:
    """Many objects as an aligned table, or ``empty`` when there are none."""
    rows = [[_cell(item, getter) for _, getter in columns] for item in items]
    if not rows:
        click.echo(empty)
        return
    headers = [label.upper() for label, _ in columns]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    for row in [headers, *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def next_page_hint(page: dict) -> None:
    if page.get("next_after") is not None:
        click.echo(f"(more: --after {page['next_after']})")


def done(message: str) -> None:
    click.echo(message)


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)
