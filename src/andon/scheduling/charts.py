"""Plotly figures of a schedule, built in Python and drawn by `Plotly.newPlot` in the page.

The Gantt is horizontal bars on a date axis (base = start, length = duration in milliseconds),
one trace per colour group so the legend explains the colours; each bar carries its placed
operation's id so a click opens it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import plotly.graph_objects as go
from django.utils import timezone

from andon.scheduling.models import ScheduledOperation
from andon.scheduling.queries import AT_RISK, WeekLoad, due_end

PALETTE = (
    "#2563eb", "#16a34a", "#ea580c", "#9333ea", "#0891b2", "#ca8a04", "#db2777", "#4b5563",
    "#65a30d", "#7c3aed", "#0d9488", "#b91c1c",
)  # fmt: skip
STATE_COLOURS = {
    "locked": "#7c3aed",
    "started": "#16a34a",
    "moved": "#ea580c",
    "planned": "#2563eb",
}
LATENESS_COLOURS = {"late": "#dc2626", "at risk": "#f59e0b", "on time": "#16a34a"}
MAX_LEGEND_ORDERS = 12


def _state(row: ScheduledOperation) -> str:
    if row.started:
        return "started"
    if row.locked:
        return "locked"
    if row.moved:
        return "moved"
    return "planned"


def _lateness(row: ScheduledOperation, finish: dt.datetime) -> str:
    deadline = due_end(row.operation.work_order.due_date)
    if finish > deadline:
        return "late"
    return "at risk" if finish > deadline - AT_RISK else "on time"


def gantt(rows: Iterable[ScheduledOperation], *, by: str = "center", colour: str = "order") -> str:
    """The Gantt as Plotly JSON: rows are work centers (`by="center"`) or orders."""
    rows = list(rows)
    finish: dict[int, dt.datetime] = {}
    for r in rows:
        wo = r.operation.work_order_id
        finish[wo] = max(finish.get(wo, r.end), r.end)
    groups: dict[str, list[ScheduledOperation]] = defaultdict(list)
    orders = sorted({r.operation.work_order.number for r in rows})
    order_colour = {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(orders)}
    for r in rows:
        if colour == "state":
            key = _state(r)
        elif colour == "lateness":
            key = _lateness(r, finish[r.operation.work_order_id])
        else:
            key = r.operation.work_order.number
        groups[key].append(r)
    fig = go.Figure()
    for key, members in groups.items():
        colour_of = (
            STATE_COLOURS.get(key)
            if colour == "state"
            else LATENESS_COLOURS.get(key)
            if colour == "lateness"
            else order_colour[key]
        )
        fig.add_trace(
            go.Bar(
                name=key,
                orientation="h",
                base=[timezone.localtime(r.start).isoformat() for r in members],
                x=[(r.end - r.start).total_seconds() * 1000 for r in members],
                y=[
                    r.work_center.code if by == "center" else r.operation.work_order.number
                    for r in members
                ],
                marker={"color": colour_of, "line": {"color": "#ffffff", "width": 0.5}},
                customdata=[[r.pk] for r in members],
                hovertext=[_hover(r) for r in members],
                hoverinfo="text",
                showlegend=colour != "order" or len(groups) <= MAX_LEGEND_ORDERS,
            )
        )
    lanes = len({t for tr in fig.data for t in tr.y}) if rows else 1
    fig.update_layout(
        barmode="overlay",
        height=max(260, 28 * lanes + 120),
        margin={"l": 90, "r": 20, "t": 30, "b": 40},
        xaxis={"type": "date", "rangeslider": {"visible": False}},
        yaxis={"autorange": "reversed", "type": "category"},
        legend={"orientation": "h", "y": 1.08},
        dragmode="zoom",
        plot_bgcolor="#ffffff",
    )
    result: str = fig.to_json()
    return result


def _hover(r: ScheduledOperation) -> str:
    wo = r.operation.work_order
    start, end = timezone.localtime(r.start), timezone.localtime(r.end)
    flags = " · locked" if r.locked else " · started" if r.started else ""
    return (
        f"{wo.number}/{r.operation.sequence} {r.operation.name} · {wo.item.sku}<br>"
        f"{r.work_center.code} {start:%a %d %b %H:%M}-{end:%H:%M}{flags}<br>"
        f"due {wo.due_date:%d %b}"
    )


def load_chart(weeks: list[WeekLoad], work_center: str) -> str:
    """Load against available hours per week for one work center."""
    mine = [w for w in weeks if w.work_center == work_center]
    labels = [f"{w.week:%d %b}" for w in mine]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name="Scheduled hours",
            x=labels,
            y=[w.load_hours for w in mine],
            marker={"color": [
                "#dc2626" if w.load_hours > w.available_hours else "#2563eb" for w in mine
            ]},
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            name="Available hours",
            x=labels,
            y=[w.available_hours for w in mine],
            mode="lines+markers",
            line={"color": "#111827", "dash": "dash"},
        )
    )
    fig.update_layout(
        height=320,
        margin={"l": 50, "r": 20, "t": 30, "b": 40},
        yaxis={"title": "hours"},
        legend={"orientation": "h", "y": 1.12},
        plot_bgcolor="#ffffff",
    )
    result: str = fig.to_json()
    return result


def progress_chart(points: list[list[float]]) -> str:
    """The objective over the run's time: how the search improved."""
    fig = go.Figure(
        go.Scatter(
            x=[p[0] for p in points],
            y=[p[1] for p in points],
            mode="lines+markers",
            line={"shape": "hv", "color": "#2563eb"},
        )
    )
    fig.update_layout(
        height=240,
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        xaxis={"title": "seconds"},
        yaxis={"title": "objective"},
        plot_bgcolor="#ffffff",
    )
    result: str = fig.to_json()
    return result
