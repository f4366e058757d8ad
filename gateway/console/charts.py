"""Small charts as inline SVG, drawn on the server (the pages run no script).

Every chart has a ``<title>`` and a text summary for screen readers; colours come from the
stylesheet's classes (the Content-Security-Policy allows no inline ``style``).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from .labels import CST

WIDTH, HEIGHT, PAD = 260, 70, 14


def bars(values: Sequence[float], times: Sequence, title: str, *, bad: bool = False) -> Markup:
    """Vertical bars, oldest on the left; the axis names the first and last time (CST)."""
    top = max(values, default=0) or 1
    inner_h = HEIGHT - 2 * PAD
    step = (WIDTH - 2 * PAD) / max(len(values), 1)
    width = max(step - 1, 1)
    parts = [f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>",
             f'<line class="axis" x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"/>']
    for i, value in enumerate(values):
        h = inner_h * value / top
        x, y = PAD + i * step, HEIGHT - PAD - h
        parts.append(f'<rect class="bar{" bad" if bad else ""}" x="{x:.1f}" y="{y:.1f}" '
                     f'width="{width:.1f}" height="{h:.1f}"><title>{_time(times[i])}: {value:g}</title></rect>')
    parts.append(f'<text x="{PAD}" y="{PAD - 3}">{top:g}</text>')
    if times:
        parts.append(f'<text x="{PAD}" y="{HEIGHT - 2}">{_time(times[0])}</text>')
        parts.append(f'<text x="{WIDTH - PAD}" y="{HEIGHT - 2}" text-anchor="end">{_time(times[-1])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _time(moment) -> str:
    return moment.astimezone(CST).strftime("%H:%M") if moment else ""
