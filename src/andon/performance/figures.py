"""Plotly figures for the dashboards, built in Python and handed to the page as JSON.

Charts show only defined values: an undefined KPI is a gap in a line, never a zero, and the page
lists the reason next to the chart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go

GREEN, AMBER, RED, BLUE, GREY = "#16a34a", "#f59e0b", "#dc2626", "#2563eb", "#98a2b3"
LAYOUT: dict[str, Any] = {
    "margin": {"l": 50, "r": 20, "t": 30, "b": 40},
    "height": 320,
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "legend": {"orientation": "h", "y": -0.2},
    "font": {"family": "system-ui, sans-serif", "size": 12},
}


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def oee_bars(labels: list[str], values: list[float | None]) -> str:
    colours = [
        GREY if v is None else GREEN if v >= 0.65 else AMBER if v >= 0.4 else RED for v in values
    ]
    fig = go.Figure(go.Bar(x=labels, y=[_pct(v) for v in values], marker_color=colours))
    fig.update_layout(**LAYOUT, yaxis={"title": "OEE %", "range": [0, 100]})
    return str(fig.to_json())


def trend(days: list[dt.date], lines: dict[str, list[float | None]]) -> str:
    fig = go.Figure()
    colours = {"OEE": BLUE, "Availability": GREEN, "Performance": AMBER, "Quality": GREY}
    for name, values in lines.items():
        fig.add_trace(
            go.Scatter(
                x=days,
                y=[_pct(v) for v in values],
                name=name,
                mode="lines+markers",
                connectgaps=False,
                line={"color": colours.get(name), "width": 3 if name == "OEE" else 1.5},
            )
        )
    fig.update_layout(**LAYOUT, yaxis={"title": "%", "range": [0, 105]})
    return str(fig.to_json())


def waterfall(losses: list[tuple[str, float | None, str]]) -> str:
    """Planned busy time down to fully productive time, one step per loss."""
    steps = [(label, hours) for label, hours, _ in losses if hours is not None]
    if not steps:
        return ""
    x = [label for label, _ in steps]
    y = [round(steps[0][1], 1)] + [-round(h, 1) for _, h in steps[1:-1]] + [0.0]
    measure = ["absolute"] + ["relative"] * (len(steps) - 2) + ["total"]
    fig = go.Figure(
        go.Waterfall(
            x=x,
            y=y,
            measure=measure,
            decreasing={"marker": {"color": RED}},
            increasing={"marker": {"color": AMBER}},
            totals={"marker": {"color": GREEN}},
            connector={"line": {"color": GREY}},
        )
    )
    fig.update_layout(**LAYOUT, yaxis={"title": "hours"})
    return str(fig.to_json())


def pareto(reasons: list[str], hours: list[float], total: float = 0.0) -> str:
    """Bars longest first with the cumulative share of `total` (all reasons' hours, not only the
    bars shown, so the line tells how much of the whole the shown reasons explain)."""
    total = max(total, sum(hours)) or 1.0
    cumulative, running = [], 0.0
    for h in hours:
        running += h
        cumulative.append(round(running / total * 100, 1))
    fig = go.Figure()
    fig.add_trace(go.Bar(x=reasons, y=[round(h, 2) for h in hours], name="hours", marker_color=RED))
    fig.add_trace(
        go.Scatter(x=reasons, y=cumulative, name="cumulative %", yaxis="y2", line={"color": BLUE})
    )
    fig.update_layout(
        **{
            **LAYOUT,
            "margin": {"l": 50, "r": 50, "t": 40, "b": 90},
            "legend": {"orientation": "h", "y": 1.12, "x": 0},
        },
        yaxis={"title": "hours"},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 104],
            "tickvals": [0, 25, 50, 75, 100],
            "ticksuffix": "%",
            "showgrid": False,
        },
    )
    return str(fig.to_json())


def throughput(days: list[dt.date], good: list[float], plan: list[float]) -> str:
    fig = go.Figure()
    fig.add_trace(go.Bar(x=days, y=good, name="good units made", marker_color=GREEN))
    fig.add_trace(go.Scatter(x=days, y=plan, name="due on work orders", line={"color": BLUE}))
    fig.update_layout(**LAYOUT, yaxis={"title": "units"})
    return str(fig.to_json())


def on_time(weeks: list[dt.date], values: list[float | None]) -> str:
    fig = go.Figure(go.Bar(x=weeks, y=[_pct(v) for v in values], marker_color=BLUE))
    fig.update_layout(**LAYOUT, yaxis={"title": "on time %", "range": [0, 100]})
    return str(fig.to_json())
