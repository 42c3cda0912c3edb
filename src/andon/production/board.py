"""The supervisor's board: every work center's state right now and its output this shift.

Read-only and in a fixed number of queries whatever the plant's size: the work centers with their
last machine-level downtime event (a subquery), the operations active on the floor, and the good
quantity reported since the earliest current shift began.

A work center is *down* when a machine-level downtime is open or its active operation is down,
else in *setup* or *running* after its active operation, *paused* when its only work is paused,
and *idle* otherwise. The plan for the shift is the output the active operation's standard rate
gives over the shift time elapsed so far (capacity x elapsed minutes / run minutes per unit).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from andon.plant.models import Shift, WorkCenter
from andon.production.models import ProductionEvent, WorkOrderOperation

ACTIVE = ("setup", "running", "paused", "down")
RANK = {"down": 0, "setup": 1, "running": 2, "paused": 3}


@dataclass
class CenterState:
    work_center: WorkCenter
    state: str = "idle"
    reason: str = ""
    since: dt.datetime | None = None
    operations: list[WorkOrderOperation] = field(default_factory=list)
    shift: Shift | None = None
    shift_start: dt.datetime | None = None
    output: Decimal = Decimal("0")
    plan: Decimal | None = None

    @property
    def attainment(self) -> int | None:
        if not self.plan:
            return None
        return round(self.output / self.plan * 100)


def current_shift(shifts: list[Shift], now: dt.datetime) -> tuple[Shift | None, dt.datetime]:
    """The shift occurrence running at `now` (local) and its start; else midnight today."""
    local = timezone.localtime(now)
    for day in (local.date(), local.date() - dt.timedelta(days=1)):
        for shift in shifts:
            if str(day.isoweekday()) not in shift.weekdays:
                continue
            start = timezone.make_aware(dt.datetime.combine(day, shift.start_time))
            end = timezone.make_aware(dt.datetime.combine(day, shift.end_time))
            if end <= start:
                end += dt.timedelta(days=1)
            if start <= local < end:
                return shift, start
    midnight = timezone.make_aware(dt.datetime.combine(local.date(), dt.time()))
    return None, midnight


def board(now: dt.datetime | None = None) -> list[CenterState]:
    now = now or timezone.now()
    machine = ProductionEvent.objects.filter(
        work_center=OuterRef("pk"),
        operation__isnull=True,
        kind__in=("downtime_start", "downtime_end"),
        at__lte=now,
    ).order_by("-at", "-id")
    centers = list(
        WorkCenter.objects.filter(active=True)
        .annotate(
            last_kind=Subquery(machine.values("kind")[:1]),
            last_reason=Subquery(machine.values("reason")[:1]),
            last_at=Subquery(machine.values("at")[:1]),
        )
        .prefetch_related("calendar__shifts")
        .order_by("line", "code")
    )
    states = {c.pk: CenterState(c) for c in centers}
    active = (
        WorkOrderOperation.objects.filter(status__in=ACTIVE)
        .select_related("work_order__item")
        .order_by("state_since")
    )
    for op in active:
        if op.work_center_id in states:
            states[op.work_center_id].operations.append(op)
    earliest = now
    for center in centers:
        state = states[center.pk]
        state.shift, state.shift_start = current_shift(list(center.calendar.shifts.all()), now)
        earliest = min(earliest, state.shift_start)
        _judge(state, center)
    reports = ProductionEvent.objects.filter(
        kind="report", at__gte=earliest, at__lte=now
    ).values_list("work_center_id", "at", "quantity")
    output: dict[int, list[tuple[dt.datetime, Decimal]]] = defaultdict(list)
    for center_id, at, quantity in reports:
        output[center_id].append((at, quantity))
    for state in states.values():
        start = state.shift_start or now
        state.output = sum(
            (q for at, q in output[state.work_center.pk] if at >= start), start=Decimal("0")
        )
        state.plan = _plan(state, start, now)
    return [states[c.pk] for c in centers]


def _judge(state: CenterState, center: WorkCenter) -> None:
    last_kind = getattr(center, "last_kind", None)
    if last_kind == "downtime_start":
        state.state = "down"
        state.reason = getattr(center, "last_reason", "") or ""
        state.since = getattr(center, "last_at", None)
        return
    if state.operations:
        first = min(state.operations, key=lambda o: RANK[o.status])
        state.state, state.reason, state.since = first.status, first.state_reason, first.state_since


def _plan(state: CenterState, start: dt.datetime, now: dt.datetime) -> Decimal | None:
    running = [o for o in state.operations if o.status in ("running", "down", "paused")]
    if not running or state.shift is None or running[0].run_minutes_per_unit <= 0:
        return None
    elapsed = Decimal((now - start).total_seconds()) / 60
    rate = Decimal(state.work_center.capacity) / running[0].run_minutes_per_unit
    return (elapsed * rate).quantize(Decimal("1"))
