"""KPIs for pages and the API: from the database through the KPI engine, once per request.

Pages ask several questions of the same range (OEE per work center, the losses, the Pareto), so
a `KpiService` lives for one request and keeps what it has read and computed: the ledger is read
once per range, the engine runs once per grouping. All KPI math is the engine's; this module
only chooses ranges, labels rows and sums what the charts show.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Min, Sum
from django.http import HttpRequest
from django.utils import timezone

from andon.engines.kpi import (
    DeliveryKpi,
    Dimension,
    ElementKind,
    Kpi,
    KpiResult,
    KpiValue,
    Orders,
    Period,
    compute,
    delivery,
)
from andon.performance import elements, store
from andon.performance.elements import Elements
from andon.production.models import OPEN_STATUSES, WorkOrder

GROUPS = {
    "plant": (),
    "work_center": (Dimension.WORK_CENTER,),
    "line": (Dimension.LINE,),
    "shift": (Dimension.SHIFT,),
    "item": (Dimension.ITEM,),
}
PERIODS = {p.value: p for p in Period}
LOSSES = (
    (Kpi.LOSS_BREAKDOWNS, "Breakdowns"),
    (Kpi.LOSS_SETUP, "Setup and adjustments"),
    (Kpi.LOSS_SMALL_STOPS, "Small stops"),
    (Kpi.LOSS_REDUCED_SPEED, "Reduced speed"),
    (Kpi.LOSS_STARTUP_REJECTS, "Startup rejects"),
    (Kpi.LOSS_PRODUCTION_REJECTS, "Production rejects"),
)
DOWNTIME_KINDS = (ElementKind.DOWNTIME_UNPLANNED, ElementKind.DOWNTIME_PLANNED, ElementKind.DELAY)


def midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@dataclass(frozen=True)
class Row:
    """One row of a KPI table for a page: its label, bucket and the KPIs asked for."""

    key: int
    label: str
    bucket: dt.date | None
    values: dict[str, KpiValue]
    totals: dict[str, float]


@dataclass
class KpiService:
    """Reads and computes KPIs for one request; every answer is cached for its lifetime."""

    now: dt.datetime = field(default_factory=timezone.now)
    _elements: dict[tuple[dt.date, dt.date], elements.Elements] = field(default_factory=dict)
    _results: dict[tuple[Any, ...], KpiResult] = field(default_factory=dict)
    _base: elements.Base | None = None

    def elements(self, first: dt.date, last: dt.date) -> elements.Elements:
        """The engine's input for whole local days first..last.

        The first range asked brings the element store up to the ledger and reads the work
        centers and calendars; every later range of the request reuses them."""
        key = (first, last)
        if key not in self._elements:
            if self._base is None:
                store.refresh()
                self._base = elements.base()
            self._elements[key] = elements.load(
                midnight(first),
                midnight(last + dt.timedelta(days=1)),
                self.now,
                read=self._base,
                refresh=False,
            )
        return self._elements[key]

    def result(self, first: dt.date, last: dt.date, group: str, period: str) -> KpiResult:
        if group not in GROUPS:
            raise ValueError(f"group by one of {', '.join(GROUPS)}")
        if period not in PERIODS:
            raise ValueError(f"period is one of {', '.join(PERIODS)}")
        key = (first, last, group, period)
        if key not in self._results:
            e = self.elements(first, last)
            self._results[key] = compute(
                e.data, GROUPS[group], PERIODS[period], e.utc_offset_seconds
            )
        return self._results[key]

    def rows(
        self, first: dt.date, last: dt.date, group: str, period: str, kpis: tuple[Kpi, ...]
    ) -> list[Row]:
        """Labelled rows: a work center's code, a line's name, a shift's name, an item's SKU."""
        e = self.elements(first, last)
        result = self.result(first, last, group, period)
        table = result.table
        labels = self._labels(e, group)
        rows = []
        for n in range(len(table)):
            dims = table.dimensions
            key = int(table.keys[dims[0]][n]) if dims else 0
            bucket = None
            if table.period != Period.ALL:
                local = dt.datetime.fromtimestamp(
                    int(table.bucket_start[n]) + e.utc_offset_seconds, tz=dt.UTC
                )
                bucket = local.date()
            rows.append(
                Row(
                    key=key,
                    label=labels.get(key, "Plant" if not dims else "(none)"),
                    bucket=bucket,
                    values={k.value: table.value(k, n) for k in kpis},
                    totals={name: float(col[n]) for name, col in table.totals.items()},
                )
            )
        return rows

    def _labels(self, e: Elements, group: str) -> dict[int, str]:
        if group == "work_center":
            return {c.index: c.code for c in e.centers}
        if group == "line":
            return dict(enumerate(e.lines))
        if group == "shift":
            return {n: name for n, (_, _, name) in enumerate(e.shifts)}
        if group == "item":
            from andon.catalog.models import Item

            skus = dict(Item.objects.filter(pk__in=e.items).values_list("pk", "sku"))
            return {n: skus.get(pk, str(pk)) for n, pk in enumerate(e.items)}
        return {}

    def losses(self, first: dt.date, last: dt.date) -> list[tuple[str, float | None, str]]:
        """The six big losses for the whole plant over the range, in hours, with reasons."""
        row = self.rows(first, last, "plant", "all", tuple(k for k, _ in LOSSES) + _PARTS)
        if not row:
            return []
        values = row[0].values
        out: list[tuple[str, float | None, str]] = [
            ("Planned busy time", row[0].totals["PBT"] / 3600, "")
        ]
        for kpi, label in LOSSES:
            v = values[kpi.value]
            out.append((label, None if v.value is None else v.value / 3600, v.reason))
        for kpi, label in ((Kpi.IDLE_TIME, "Idle"), (Kpi.NOT_RECORDED, "Not recorded")):
            v = values[kpi.value]
            out.append((label, None if v.value is None else v.value / 3600, v.reason))
        v = values[Kpi.FULLY_PRODUCTIVE_TIME.value]
        out.append(("Fully productive", None if v.value is None else v.value / 3600, v.reason))
        return out

    def pareto(self, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
        """Downtime and delay by reason code, longest first: hours, stops, kind."""
        e = self.elements(first, last)
        el = e.data.elements
        assert el.reason is not None
        out: list[dict[str, Any]] = []
        for kind in DOWNTIME_KINDS:
            mask = (el.kind == kind) & (el.reason >= 0)
            if not mask.any():
                continue
            reasons = el.reason[mask]
            seconds = np.bincount(
                reasons, weights=(el.end - el.start)[mask], minlength=len(e.reasons)
            )
            counts = np.bincount(reasons, minlength=len(e.reasons))
            for r in np.flatnonzero(counts):
                out.append(
                    {
                        "reason": e.reasons[r],
                        "kind": _KIND_LABEL[kind],
                        "planned": kind == ElementKind.DOWNTIME_PLANNED,
                        "hours": float(seconds[r]) / 3600,
                        "count": int(counts[r]),
                    }
                )
        out.sort(key=lambda d: (-float(d["hours"]), str(d["reason"])))
        return out

    def throughput(self, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
        """Per day: good units made (from the ledger) against what work orders due that day ask."""
        rows = self.rows(first, last, "plant", "day", ())
        made = {r.bucket: r.totals["GQ"] for r in rows}
        plan = dict(
            WorkOrder.objects.filter(due_date__range=(first, last))
            .exclude(status=WorkOrder.Status.CANCELLED)
            .values_list("due_date")
            .annotate(total=Sum("quantity"))
        )
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        return [
            {"day": d, "good": made.get(d, 0.0), "plan": float(plan.get(d, Decimal("0")))}
            for d in days
        ]

    def on_time(self, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
        """On-time delivery of work orders per ISO week, from the delivery engine."""
        start, end = midnight(first), midnight(last + dt.timedelta(days=1))
        orders = list(
            WorkOrder.objects.filter(completed_at__gte=start, completed_at__lt=end)
            .annotate(first_start=Min("operations__actual_start"))
            .values_list("due_date", "completed_at", "first_start", "quantity", "good_quantity")
        )
        if not orders:
            return []
        # Due at the end of the due date, local time; a month has few distinct dates.
        ends_of = {
            d: int(midnight(d + dt.timedelta(days=1)).timestamp()) for d in {o[0] for o in orders}
        }
        due = np.array([ends_of[o[0]] for o in orders])
        ends = np.array([int(o[1].timestamp()) if o[1] else 0 for o in orders])
        starts = np.array([int((o[2] or o[1]).timestamp()) if o[1] else 0 for o in orders])
        n = len(orders)
        table = delivery(
            Orders(
                item=np.zeros(n, dtype=np.int64),
                work_center=np.full(n, -1, dtype=np.int64),
                due=due,
                planned_start=np.minimum(starts, due),
                planned_end=due,
                planned_quantity=np.array([float(o[3]) for o in orders]),
                actual_start=starts,
                actual_end=ends,
                actual_quantity=np.array([float(o[4]) for o in orders]),
            ),
            period=Period.WEEK,
            utc_offset_seconds=self.elements(first, last).utc_offset_seconds,
        )
        out = []
        for row in range(len(table)):
            value, reason = table.value(DeliveryKpi.ON_TIME_DELIVERY, row)
            week = dt.datetime.fromtimestamp(int(table.bucket_start[row]), tz=dt.UTC).date()
            out.append(
                {
                    "week": week,
                    "value": value,
                    "reason": reason,
                    "completed": int(table.completed[row]),
                }
            )
        return out


_PARTS = (Kpi.IDLE_TIME, Kpi.NOT_RECORDED, Kpi.FULLY_PRODUCTIVE_TIME)
_KIND_LABEL = {
    ElementKind.DOWNTIME_UNPLANNED: "unplanned downtime",
    ElementKind.DOWNTIME_PLANNED: "planned downtime",
    ElementKind.DELAY: "pause",
}


def for_request(request: HttpRequest) -> KpiService:
    """The request's one KPI service, created on first use."""
    service: KpiService | None = getattr(request, "_andon_kpis", None)
    if service is None:
        service = KpiService()
        request._andon_kpis = service  # type: ignore[attr-defined]
    return service


def orders_at_risk(today: dt.date, limit: int = 20) -> tuple[int, list[WorkOrder]]:
    """Open work orders already past their due date, most overdue first."""
    late = WorkOrder.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    return late.count(), list(late.select_related("item").order_by("due_date", "number")[:limit])


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def by_key(rows: list[Row]) -> dict[int, Row]:
    grouped: dict[int, Row] = {}
    for row in rows:
        grouped[row.key] = row
    return grouped


def series(rows: list[Row], kpi: str) -> dict[int, list[tuple[dt.date, float | None]]]:
    """Rows of a grouped, bucketed table as one time series per key."""
    out: dict[int, list[tuple[dt.date, float | None]]] = defaultdict(list)
    for row in rows:
        if row.bucket is not None:
            out[row.key].append((row.bucket, row.values[kpi].value))
    return out
