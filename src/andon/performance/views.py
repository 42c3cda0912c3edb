"""Dashboard pages: thin over `services` (the numbers) and `figures` (the charts).

Query parameters that do not parse fall back to the defaults rather than an error page: a
dashboard on a wall must always show something.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from andon.accounts.permissions import requires
from andon.engines.kpi import Kpi
from andon.performance import figures, services
from andon.production import board as production_board
from andon.production import reasons
from andon.production.models import ProductionEvent

OEE_KPIS = (Kpi.OEE, Kpi.OEE_AVAILABILITY, Kpi.OEE_PERFORMANCE, Kpi.OEE_QUALITY)
MAX_DAYS = 370
DRILL_LIMIT = 200


def date_range(request: HttpRequest, default_days: int = 28) -> tuple[dt.date, dt.date]:
    """`from` and `to` (ISO dates, inclusive) or the last `default_days` up to today."""
    today = timezone.localdate()
    try:
        last = dt.date.fromisoformat(request.GET.get("to", "")) if request.GET.get("to") else today
        first = (
            dt.date.fromisoformat(request.GET["from"])
            if request.GET.get("from")
            else last - dt.timedelta(days=default_days - 1)
        )
    except ValueError:
        last, first = today, today - dt.timedelta(days=default_days - 1)
    if first > last or (last - first).days > MAX_DAYS:
        first = last - dt.timedelta(days=default_days - 1)
    return first, last


def _range_context(first: dt.date, last: dt.date) -> dict[str, Any]:
    return {"first": first, "last": last}


@requires("view")
def overview(request: HttpRequest) -> HttpResponse:
    kpis = services.for_request(request)
    today = timezone.localdate()
    monday = services.week_start(today)
    week = services.by_key(kpis.rows(monday, today, "work_center", "all", OEE_KPIS))
    day = services.by_key(kpis.rows(today, today, "work_center", "all", OEE_KPIS))
    week_lines = services.by_key(kpis.rows(monday, today, "line", "all", OEE_KPIS))
    day_lines = services.by_key(kpis.rows(today, today, "line", "all", OEE_KPIS))
    plant_week = kpis.rows(monday, today, "plant", "all", OEE_KPIS)
    plant_day = kpis.rows(today, today, "plant", "all", OEE_KPIS)
    e = kpis.elements(monday, today)
    centers: list[dict[str, Any]] = [
        {"center": c, "week": week.get(c.index), "today": day.get(c.index)} for c in e.centers
    ]
    lines = [
        {"name": name, "week": week_lines.get(n), "today": day_lines.get(n)}
        for n, name in enumerate(e.lines)
    ]
    made = kpis.throughput(today, today)[0]
    late_count, late = services.orders_at_risk(today)
    chart = figures.oee_bars(
        [c["center"].code for c in centers],
        [c["week"].values["oee"].value if c["week"] else None for c in centers],
    )
    return render(
        request,
        "performance/overview.html",
        {
            "today": today,
            "monday": monday,
            "plant_week": plant_week[0] if plant_week else None,
            "plant_day": plant_day[0] if plant_day else None,
            "centers": centers,
            "lines": lines,
            "made": made,
            "late_count": late_count,
            "late": late,
            "chart": chart,
        },
    )


@requires("view")
def oee(request: HttpRequest) -> HttpResponse:
    kpis = services.for_request(request)
    first, last = date_range(request)
    period = request.GET.get("period", "day")
    if period not in ("day", "week", "month"):
        period = "day"
    rows = kpis.rows(first, last, "plant", period, OEE_KPIS)
    undefined = [(r.bucket, r.values["oee"].reason) for r in rows if r.values["oee"].value is None]
    trend = figures.trend(
        [r.bucket for r in rows if r.bucket],
        {
            "OEE": [r.values["oee"].value for r in rows],
            "Availability": [r.values["oee_availability"].value for r in rows],
            "Performance": [r.values["oee_performance"].value for r in rows],
            "Quality": [r.values["oee_quality"].value for r in rows],
        },
    )
    losses = kpis.losses(first, last)
    by_center = kpis.rows(first, last, "work_center", "all", OEE_KPIS)
    labels = {c.index: c for c in kpis.elements(first, last).centers}
    by_center_rows = [(labels.get(r.key), r) for r in by_center]
    return render(
        request,
        "performance/oee.html",
        {
            **_range_context(first, last),
            "period": period,
            "trend": trend,
            "waterfall": figures.waterfall(losses),
            "losses": losses,
            "undefined": undefined,
            "by_center": by_center_rows,
        },
    )


@requires("view")
def downtime(request: HttpRequest) -> HttpResponse:
    kpis = services.for_request(request)
    first, last = date_range(request)
    pareto = kpis.pareto(first, last)
    reason = request.GET.get("reason", "")
    events: list[ProductionEvent] = []
    if reason:
        events = list(
            ProductionEvent.objects.filter(
                reason=reason,
                kind__in=("downtime_start", "pause"),
                at__gte=services.midnight(first),
                at__lt=services.midnight(last + dt.timedelta(days=1)),
            )
            .select_related("work_center", "operation__work_order")
            .order_by("-at")[:DRILL_LIMIT]
        )
    names = reasons.labels(p["reason"] for p in pareto)
    for p in pareto:
        p["label"] = names.get(p["reason"], "")
    # Planned downtime (breaks, planned maintenance) is time the plan set aside, not a loss: it is
    # listed, but charted only on request, so the bars show what there is to fix.
    with_planned = request.GET.get("planned") == "1"
    losses = [p for p in pareto if with_planned or not p["planned"]]
    top = losses[:15]
    return render(
        request,
        "performance/downtime.html",
        {
            **_range_context(first, last),
            "pareto": pareto,
            "chart": figures.pareto(
                [p["label"] or p["reason"] for p in top],
                [p["hours"] for p in top],
                total=sum(p["hours"] for p in losses),
            )
            if top
            else "",
            "reason": reason,
            "events": events,
            "with_planned": with_planned,
        },
    )


@requires("view")
def throughput(request: HttpRequest) -> HttpResponse:
    kpis = services.for_request(request)
    first, last = date_range(request)
    days = kpis.throughput(first, last)
    weeks = kpis.on_time(first, last)
    return render(
        request,
        "performance/throughput.html",
        {
            **_range_context(first, last),
            "days": days,
            "weeks": weeks,
            "chart": figures.throughput(
                [d["day"] for d in days], [d["good"] for d in days], [d["plan"] for d in days]
            ),
            "on_time_chart": figures.on_time(
                [w["week"] for w in weeks], [w["value"] for w in weeks]
            )
            if weeks
            else "",
        },
    )


def _tiles() -> dict[str, Any]:
    centers = production_board.board()
    return {"centers": centers, "now": timezone.localtime()}


@requires("view")
def andon(request: HttpRequest) -> HttpResponse:
    return render(request, "performance/andon.html", _tiles())


@requires("view")
def andon_tiles(request: HttpRequest) -> HttpResponse:
    return render(request, "performance/_andon_tiles.html", _tiles())
