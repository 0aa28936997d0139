"""Static SVG of the builders' single-axis figures, with no browser or kaleido (for READMEs and reports).

Plotly's own image export needs kaleido and a Chrome build; this draws the two shapes the
figure builders use — step/line scatters and bar charts (vertical or horizontal, stacked) —
straight from the figure data. `python -m explorer.notebook.svg DIR` writes the README charts
from the embedded demo.
"""

from __future__ import annotations

import html
import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from explorer.notebook.figures import PALETTE

_FONT = "font-family='Helvetica, Arial, sans-serif'"


def _text(x, y, s, *, size=12, anchor="middle", weight="normal", rotate=None, fill="#333") -> str:
    turn = f" transform='rotate({rotate} {x:.1f} {y:.1f})'" if rotate else ""
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' font-weight='{weight}' "
            f"fill='{fill}' {_FONT}{turn}>{html.escape(str(s))}</text>")


def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick values (1, 2, 5 × 10^n steps) covering [lo, hi]."""
    if not math.isfinite(lo) or not math.isfinite(hi) or hi <= lo:
        return [lo]
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 10) for i in range(int((hi - first) / step) + 1)]


def _date_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    start, end = pd.Timestamp(lo, unit="ms"), pd.Timestamp(hi, unit="ms")
    days = (end - start).days
    freq = "YS" if days > 1500 else "QS" if days > 500 else "MS" if days > 60 else "W-MON"
    stamps = pd.date_range(start.normalize(), end, freq=freq)
    if freq == "YS":
        labels = [s.strftime("%Y") for s in stamps]
    elif freq == "W-MON":
        labels = [s.strftime("%d %b") for s in stamps]
    else:  # the year only where it changes, so month labels stay short enough not to collide
        has_january = any(s.month == 1 for s in stamps)
        labels = [s.strftime("%b %Y") if s.month == 1 or (i == 0 and not has_january) else s.strftime("%b")
                  for i, s in enumerate(stamps)]
    return [s.value / 1e6 for s in stamps], labels


def _colour(trace, i: int) -> str:
    for part in ("line", "marker"):
        colour = getattr(getattr(trace, part, None), "color", None)
        if isinstance(colour, str):
            return colour
    return PALETTE[i % len(PALETTE)]


def _numbers(values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind in "UO" and len(arr) and isinstance(arr[0], str):  # ISO date strings of a date axis
        arr = arr.astype("datetime64[ms]")
    if np.issubdtype(arr.dtype, np.datetime64):
        return arr.astype("datetime64[ms]").astype("int64").astype(float)
    return arr.astype(float)


def figure_to_svg(fig, *, width: int = 900, height: int = 460) -> str:
    """Draw `fig` (scatter lines or bars on one x/y axis pair) as an SVG document string."""
    traces = list(fig.data)
    if any(getattr(t, "xaxis", None) not in (None, "x") for t in traces) or "xaxis2" in fig.layout.to_plotly_json():
        raise ValueError("figure_to_svg draws single-axis figures only (no subplots)")
    if any(t.type not in ("scatter", "bar") for t in traces):
        raise ValueError("figure_to_svg draws scatter and bar traces only")
    horizontal = any(t.type == "bar" and t.orientation == "h" for t in traces)
    cat_axis = fig.layout.yaxis if horizontal else fig.layout.xaxis
    categories = [str(c) for c in (cat_axis.categoryarray or [])]
    bars = [t for t in traces if t.type == "bar"]
    for t in bars:
        for c in (t.y if horizontal else t.x):
            if str(c) not in categories:
                categories.append(str(c))
    left = 170 if horizontal else 80
    box = (left, 56, width - 190, height - 70)  # x0, y0, x1, y1 of the plot area
    x0, y0, x1, y1 = box
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
           f"viewBox='0 0 {width} {height}'><rect width='100%' height='100%' fill='white'/>"]
    title = re.sub(r"<[^>]+>", "", (fig.layout.title.text or ""))
    out.append(_text(width / 2, 28, title, size=15, weight="bold"))

    # Value axis range: stacked bars add up per category; lines use their own values.
    if bars:
        totals = pd.Series(0.0, index=categories)
        for t in bars:
            vals = pd.Series(_numbers(t.x if horizontal else t.y), index=[str(c) for c in (t.y if horizontal else t.x)])
            totals = totals.add(vals, fill_value=0.0)
        vmin, vmax = 0.0, (float(totals.max() if len(totals) else 1.0) or 1.0) * 1.05
        ticks = nice_ticks(vmin, vmax)
    scatters = [t for t in traces if t.type == "scatter" and t.x is not None and len(t.x)]
    log = fig.layout.yaxis.type == "log"
    if scatters:
        xs = np.concatenate([_numbers(t.x) for t in scatters])
        ys = np.concatenate([_numbers(t.y) for t in scatters])
        if log:
            ys = np.log10(ys[ys > 0]) if (ys > 0).any() else np.array([0.0, 1.0])
        xlo, xhi = float(xs.min()), float(xs.max()) or 1.0
        vmin, vmax = (float(ys.min()), float(ys.max())) if log else (0.0, (float(ys.max()) or 1.0) * 1.05)
        ticks = nice_ticks(vmin, vmax)
        dated = fig.layout.xaxis.type == "date" or np.issubdtype(np.asarray(scatters[0].x).dtype, np.datetime64)
    if not traces:
        ticks, vmin, vmax = [0.0, 1.0], 0.0, 1.0

    def vpos(v: float) -> float:  # value -> pixel along the value axis
        frac = (v - vmin) / ((vmax - vmin) or 1.0)
        return x0 + frac * (x1 - x0) if horizontal else y1 - frac * (y1 - y0)

    for v in ticks:  # value grid and labels
        p = vpos(v)
        label = f"{10 ** v:,.3g}" if log else f"{v:,.6g}"
        if horizontal:
            out.append(f"<line x1='{p:.1f}' y1='{y0}' x2='{p:.1f}' y2='{y1}' stroke='#e5e5e5'/>")
            out.append(_text(p, y1 + 18, label, size=11))
        else:
            out.append(f"<line x1='{x0}' y1='{p:.1f}' x2='{x1}' y2='{p:.1f}' stroke='#e5e5e5'/>")
            out.append(_text(x0 - 8, p + 4, label, size=11, anchor="end"))
    out.append(f"<rect x='{x0}' y='{y0}' width='{x1 - x0}' height='{y1 - y0}' fill='none' stroke='#999'/>")
    value_title = (fig.layout.xaxis if horizontal else fig.layout.yaxis).title.text or ""
    if horizontal:
        out.append(_text((x0 + x1) / 2, y1 + 40, value_title, size=12))
    else:
        out.append(_text(22, (y0 + y1) / 2, value_title, size=12, rotate=-90))

    if bars:
        out += _draw_bars(bars, categories, horizontal, box, vpos)
    if scatters:
        def xpos(v: float) -> float:
            return x0 + (v - xlo) / ((xhi - xlo) or 1.0) * (x1 - x0)

        tick_at, tick_text = _date_ticks(xlo, xhi) if dated else (nice_ticks(xlo, xhi), None)
        for i, v in enumerate(tick_at):
            out.append(_text(xpos(v), y1 + 18, tick_text[i] if tick_text else f"{v:,.6g}", size=11))
        out.append(_text((x0 + x1) / 2, y1 + 40, fig.layout.xaxis.title.text or "", size=12))
        for i, t in enumerate(scatters):
            out.append(_polyline(t, _colour(t, i), xpos, vpos, log))
    out += _legend(traces, width - 180, y0)
    out.append("</svg>")
    return "\n".join(out)


def _draw_bars(bars, categories, horizontal, box, vpos) -> list[str]:
    x0, y0, x1, y1 = box
    span = (y1 - y0) if horizontal else (x1 - x0)
    slot = span / max(len(categories), 1)
    base = dict.fromkeys(categories, 0.0)
    out = []
    for i, t in enumerate(bars):
        colour = _colour(t, i)
        cats, vals = (t.y, t.x) if horizontal else (t.x, t.y)
        for c, v in zip(cats, _numbers(vals), strict=True):
            c = str(c)
            k = categories.index(c)
            a, b = vpos(base[c]), vpos(base[c] + v)
            base[c] += v
            if horizontal:  # first category at the top, as plotly draws a reversed categoryarray
                top = y1 - (k + 0.85) * slot
                out.append(f"<rect x='{a:.1f}' y='{top:.1f}' width='{b - a:.1f}' height='{slot * 0.7:.1f}' "
                           f"fill='{colour}'/>")
            else:
                out.append(f"<rect x='{x0 + (k + 0.15) * slot:.1f}' y='{b:.1f}' width='{slot * 0.7:.1f}' "
                           f"height='{a - b:.1f}' fill='{colour}'/>")
    for k, c in enumerate(categories):
        label = c if len(c) <= 22 else c[:21] + "…"
        if horizontal:
            out.append(_text(x0 - 6, y1 - (k + 0.5) * slot + 4, label, size=11, anchor="end"))
        else:
            cx = x0 + (k + 0.5) * slot
            out.append(_text(cx, y1 + 14, label, size=10, anchor="end", rotate=-30))
    return out


def _polyline(trace, colour, xpos, vpos, log) -> str:
    xs, ys = _numbers(trace.x), _numbers(trace.y)
    if log:
        keep = ys > 0
        xs, ys = xs[keep], np.log10(ys[keep])
    points = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if i and getattr(trace.line, "shape", None) == "hv":
            points.append(f"{xpos(x):.1f},{vpos(ys[i - 1]):.1f}")
        points.append(f"{xpos(x):.1f},{vpos(y):.1f}")
    dash = " stroke-dasharray='4 3'" if getattr(trace.line, "dash", None) == "dot" else ""
    return f"<polyline points='{' '.join(points)}' fill='none' stroke='{colour}' stroke-width='1.8'{dash}/>"


def _legend(traces, x, y) -> list[str]:
    out, row = [], 0
    for i, t in enumerate(traces):
        if t.showlegend is False or not t.name or (t.type == "bar" and len(traces) == 1):
            continue
        cy = y + 8 + row * 18
        out.append(f"<rect x='{x}' y='{cy - 9}' width='12' height='10' fill='{_colour(t, i)}'/>")
        out.append(_text(x + 18, cy, t.name if len(t.name) <= 24 else t.name[:23] + "…", size=11, anchor="start"))
        row += 1
    return out


def write_readme_charts(directory: str | Path) -> list[Path]:
    """Render the README's charts from the embedded demo into `directory` (chart-*.svg)."""
    from explorer.data import drive_costs, drive_growth
    from explorer.notebook import close, connect
    from explorer.notebook.cost_figures import cost_by_drive_figure, storage_type_figure
    from explorer.notebook.figures import bytes_by_drive_figure, growth_figure
    from explorer.notebook.series import drive_labels, top_drives

    inv = connect(demo=True, progress=False, cache=False)
    try:
        labels = drive_labels(inv.snapshots, inv.drives)
        costs = drive_costs(inv)
        charts = {
            "chart-growth.svg": growth_figure(drive_growth(inv), drives=top_drives(inv.snapshots, 6), labels=labels),
            "chart-bytes-by-drive.svg": bytes_by_drive_figure(inv.snapshots, labels=labels, top=12),
            "chart-cost-by-drive.svg": cost_by_drive_figure(costs, price="burst", top=10, labels=labels),
            "chart-cost-by-type.svg": storage_type_figure(costs, price="burst"),
        }
    finally:
        close()
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fig in charts.items():
        (target / name).write_text(figure_to_svg(fig), encoding="utf-8")
        written.append(target / name)
    return written


if __name__ == "__main__":
    for path in write_readme_charts(sys.argv[1] if len(sys.argv) > 1 else "docs/img"):
        print(path)
