"""Read the schedule in force for pages and the API: placed operations, load, lateness, dispatch.

Reads only; every figure is computed from the published rows and the calendars, so a page and
the API always agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from andon.engines.calendar import working_time
from andon.plant.calendars import working_calendar
from andon.plant.models import WorkCenter
from andon.production.models import WorkOrderOperation
from andon.scheduling.models import Downtime, ScheduledOperation, ScheduleRun

# Finishing within this long of the due date's end counts as at risk: one hiccup makes it late.
AT_RISK = dt.timedelta(hours=24)


def placed(
    run: ScheduleRun,
    *,
    work_center: WorkCenter | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[ScheduledOperation]:
    """The run's placed operations with what a page shows about them, in start order."""
    query = ScheduledOperation.objects.filter(run=run).select_related(
        "operation__work_order__item", "work_center", "previous_work_center"
    )
    if work_center is not None:
        query = query.filter(work_center=work_center)
    if start is not None:
        query = query.filter(end__gt=start)
    if end is not None:
        query = query.filter(start__lt=end)
    return query.order_by("start", "id")


def due_end(day: dt.date) -> dt.datetime:
    """An order due on `day` is on time if it finishes before that day's end, plant time."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


@dataclass(frozen=True)
class OrderFinish:
    """When an order's last scheduled operation ends, against its due date."""

    work_order_id: int
    number: str
    item: str
    customer: str
    due_date: dt.date
    finish: dt.datetime
    state: str  # late, at_risk, on_time

    @property
    def lateness(self) -> dt.timedelta:
        return self.finish - due_end(self.due_date)

    @property
    def days_late(self) -> float:
        return round(self.lateness.total_seconds() / 86400, 1)


def order_finishes(run: ScheduleRun) -> list[OrderFinish]:
    """Every scheduled order with its finish and state, latest against its due date first."""
    ends: dict[int, dt.datetime] = {}
    info: dict[int, tuple[str, str, str, dt.date]] = {}
    for wo_id, end, number, sku, customer, due in ScheduledOperation.objects.filter(
        run=run
    ).values_list(
        "operation__work_order_id", "end", "operation__work_order__number",
        "operation__work_order__item__sku",
        "operation__work_order__sales_order_line__order__customer__name",
        "operation__work_order__due_date",
    ):  # fmt: skip
        if wo_id not in ends or end > ends[wo_id]:
            ends[wo_id] = end
        info[wo_id] = (number, sku, customer or "", due)
    result = []
    for wo_id, finish in ends.items():
        number, sku, customer, due = info[wo_id]
        deadline = due_end(due)
        state = (
            "late" if finish > deadline else "at_risk" if finish > deadline - AT_RISK else "on_time"
        )
        result.append(OrderFinish(wo_id, number, sku, customer, due, finish, state))
    result.sort(key=lambda o: o.lateness, reverse=True)
    return result


@dataclass(frozen=True)
class WeekLoad:
    work_center: str
    week: dt.date
    load_hours: float
    available_hours: float

    @property
    def percent(self) -> int | None:
        if not self.available_hours:
            return None
        return round(100 * self.load_hours / self.available_hours)


def _overlap(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> float:
    return max(0.0, (min(a1, b1) - max(a0, b0)).total_seconds() / 3600)


def weekly_load(run: ScheduleRun, weeks: int = 8) -> list[WeekLoad]:
    """Scheduled hours against available hours (calendar less downtime), per center and week.

    Available hours count each machine of a center, so a center of capacity 2 on one shift has
    80 hours a week.
    """
    today = timezone.localdate()
    first = today - dt.timedelta(days=today.weekday())
    last = first + dt.timedelta(days=7 * weeks - 1)
    starts = [first + dt.timedelta(days=7 * n) for n in range(weeks)]
    aware = [due_end(d - dt.timedelta(days=1)) for d in [*starts, last + dt.timedelta(days=1)]]
    load: dict[tuple[int, int], float] = defaultdict(float)
    for center_id, start, end in ScheduledOperation.objects.filter(
        run=run, end__gt=aware[0], start__lt=aware[-1]
    ).values_list("work_center_id", "start", "end"):
        for n in range(weeks):
            load[(center_id, n)] += _overlap(start, end, aware[n], aware[n + 1])
    down: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for center_id, start, end in Downtime.objects.filter(
        end__gt=aware[0], start__lt=aware[-1]
    ).values_list("work_center_id", "start", "end"):
        down[center_id].append((start, end))
    centers = WorkCenter.objects.filter(active=True).select_related("calendar")
    used = {c for c, _ in load}
    hours_by_calendar: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    result = []
    for wc in centers:
        if wc.pk not in used and not wc.wo_ops.exists():
            continue
        if wc.calendar_id not in hours_by_calendar:
            found = working_time(working_calendar(wc.calendar, first, last), first, last)
            hours_by_calendar[wc.calendar_id] = [
                (timezone.make_aware(i.start), timezone.make_aware(i.end)) for i in found.intervals
            ]
        for n in range(weeks):
            available = sum(
                _overlap(a, b, aware[n], aware[n + 1]) for a, b in hours_by_calendar[wc.calendar_id]
            )
            lost = sum(
                _overlap(a, b, max(d0, aware[n]), min(d1, aware[n + 1]))
                for d0, d1 in down.get(wc.pk, [])
                for a, b in hours_by_calendar[wc.calendar_id]
            )
            result.append(
                WeekLoad(
                    wc.code,
                    starts[n],
                    round(load[(wc.pk, n)], 1),
                    round((available - lost) * wc.capacity, 1),
                )
            )
    return result


def dispatch_list(run: ScheduleRun, work_center: WorkCenter) -> list[ScheduledOperation]:
    """What the center runs next: its placed operations not yet completed, in start order."""
    return [
        row
        for row in placed(run, work_center=work_center).select_related(
            "operation__work_order__sales_order_line__order__customer"
        )
        if row.operation.status != WorkOrderOperation.Status.COMPLETED
    ]
