"""Charts as server-side SVG: no JavaScript, no CDN, readable on a phone.

Each helper takes labels and numbers that the caller has already translated and formatted, and
returns safe markup: an inline <svg> with a viewBox (it scales to the width of its box), a
<title> for the chart and for every bar (shown on hover, read by screen readers), and text labels
in the page's font, so Japanese renders as the rest of the page does. Labels sit above their bars
rather than beside them, so long Japanese names need no room to the left on a narrow screen.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 480  # viewBox units; text is 14 units, so about 11px on a 390px-wide phone
PALETTE = ("#0b5394", "#e69138", "#6aa84f", "#8e7cc3", "#c27ba0", "#45818e", "#999999")
_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown (formatted by the caller), e.g. "12" or "12 · 50%"


def _svg(title: str, height: float, body: list[str], css: str = "chart") -> Markup:
    chart_id = f"chart-{next(_ids)}"
    # Every text that reaches the markup went through escape() (or _text); the rest is numbers.
    return Markup(  # nosec B704
        f'<svg class="{css}" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}">{escape(title)}</title>'
        + "".join(body) + "</svg>")


def _text(x: float, y: float, content: str, anchor: str = "start", css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>'
            f"{escape(content)}</text>")


def _empty(title: str, message: str) -> Markup:
    return _svg(title, 40, [_text(WIDTH / 2, 26, message, "middle", "chart-muted")])


def hbar_chart(title: str, bars: Sequence[Bar], empty: str = "—") -> Markup:
    """One bar per row, label above it and its value at the bar's end; for ranked lists."""
    if not bars:
        return _empty(title, empty)
    top = max((bar.value for bar in bars), default=0) or 1
    row, body = 50, []
    for index, bar in enumerate(bars):
        y = index * row
        width = max(2.0, (WIDTH - 70) * bar.value / top) if bar.value else 0
        body.append(
            f"<g><title>{escape(bar.label)}: {escape(bar.text)}</title>"
            + _text(0, y + 16, bar.label, css="chart-label")
            + f'<rect x="0" y="{y + 24}" width="{width:.1f}" height="16" rx="3" '
              f'fill="{PALETTE[0]}"/>'
            + _text(width + 6, y + 38, bar.text, css="chart-value") + "</g>")
    return _svg(title, len(bars) * row, body)


def funnel_chart(title: str, bars: Sequence[Bar], empty: str = "—") -> Markup:
    """Centred bars narrowing step by step; the label on the left, the value on the right."""
    if not bars or not any(bar.value for bar in bars):
        return _empty(title, empty)
    top = max(bar.value for bar in bars) or 1
    row, body = 46, []
    for index, bar in enumerate(bars):
        y = index * row
        width = max(2.0, WIDTH * bar.value / top) if bar.value else 0
        shade = PALETTE[0] if index else PALETTE[5]
        body.append(
            f"<g><title>{escape(bar.label)}: {escape(bar.text)}</title>"
            + _text(0, y + 15, bar.label, css="chart-label")
            + _text(WIDTH, y + 15, bar.text, "end", "chart-value")
            + f'<rect x="{(WIDTH - width) / 2:.1f}" y="{y + 21}" width="{width:.1f}" '
              f'height="18" rx="3" fill="{shade}"/>' + "</g>")
    return _svg(title, len(bars) * row, body)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]


def column_chart(title: str, labels: Sequence[str], series: Sequence[Series],
                 value_text=str, empty: str = "—") -> Markup:
    """Vertical columns, one per label (e.g. a month), stacked by series, with a legend below
    when there is more than one series; each segment's <title> names its series and value."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    if not labels or not any(totals):
        return _empty(title, empty)
    top = max(totals) or 1
    plot_top, plot_height, left = 20, 160, 4
    step = (WIDTH - left) / len(labels)
    bar_width = min(40.0, step * 0.7)
    body = [f'<line x1="0" x2="{WIDTH}" y1="{plot_top + plot_height}" '
            f'y2="{plot_top + plot_height}" class="chart-axis"/>']
    for i, label in enumerate(labels):
        x = left + i * step + (step - bar_width) / 2
        base: float = plot_top + plot_height
        for number, one in enumerate(series):
            value = one.values[i]
            if not value:
                continue
            height = plot_height * value / top
            base -= height
            body.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_width:.1f}" '
                        f'height="{height:.1f}" fill="{PALETTE[number % len(PALETTE)]}">'
                        f"<title>{escape(label)} · {escape(one.label)}: "
                        f"{escape(value_text(value))}</title></rect>")
        centre = x + bar_width / 2
        if totals[i]:
            body.append(_text(centre, base - 4, value_text(totals[i]), "middle", "chart-value"))
        body.append(_text(centre, plot_top + plot_height + 18, label, "middle", "chart-tick"))
    height = plot_top + plot_height + 30
    if len(series) > 1:
        shown = [(n, s) for n, s in enumerate(series) if any(s.values)]
        for slot, (number, one) in enumerate(shown):
            col, line = slot % 2, slot // 2
            x, y = col * WIDTH / 2, height + 8 + line * 22
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" '
                        f'fill="{PALETTE[number % len(PALETTE)]}"/>'
                        + _text(x + 18, y + 11, one.label, css="chart-legend"))
        height += 12 + 22 * ((len(shown) + 1) // 2)
    return _svg(title, height, body)


@dataclass(frozen=True)
class Group:
    """Values on their own scale, one per series: e.g. one KPI's baseline, target and actual,
    whose units differ from the next KPI's, so bars compare within a group only."""

    label: str
    values: Sequence[float | None]  # None: nothing measured, no bar
    texts: Sequence[str]  # the values as shown (formatted by the caller)


GROUP_LABEL_W = 96  # the series names, left of the bars (short words: 基準値, Target)
GROUP_BAR_W = WIDTH - GROUP_LABEL_W - 80  # the rest leaves room for the value after the bar


def group_chart(title: str, series: Sequence[tuple[str, str]], groups: Sequence[Group],
                css: str = "chart-bar", empty: str = "—") -> Markup:
    """Per group, its label above and one bar per series (`(key, label)`), scaled to the group's
    largest value; each bar's class is `{css} {css}--{key}` and its <title> names it. A value
    that is not a finite number (inf, nan) gets no bar, like a missing one."""
    groups = [Group(g.label, [v if v is not None and math.isfinite(v) else None
                              for v in g.values], g.texts) for g in groups]
    if not any(value for group in groups for value in group.values):
        return _empty(title, empty)
    head, bar_h, gap, spacing = 22, 16, 6, 16
    y, body = 0, []
    for group in groups:
        top = max((abs(v) for v in group.values if v is not None), default=0)
        body.append(_text(0, y + 15, group.label, css="chart-label"))
        for index, ((key, name), value, shown) in enumerate(
                zip(series, group.values, group.texts, strict=True)):
            width = 0.0 if value is None or top == 0 else max(2.0, GROUP_BAR_W * abs(value) / top)
            bar_y = y + head + index * (bar_h + gap)
            body.append(
                f"<g><title>{escape(group.label)} · {escape(name)}: {escape(shown)}</title>"
                + _text(0, bar_y + bar_h - 3, name, css="chart-legend")
                + f'<rect x="{GROUP_LABEL_W}" y="{bar_y}" width="{width:.1f}" height="{bar_h}" '
                  f'rx="3" class="{css} {css}--{escape(key)}" '
                  f'fill="{PALETTE[index % len(PALETTE)]}"/>'
                + _text(GROUP_LABEL_W + width + 6, bar_y + bar_h - 3, shown, css="chart-value")
                + "</g>")
        y += head + len(series) * (bar_h + gap) + spacing
    return _svg(title, y - spacing + 4, body)
