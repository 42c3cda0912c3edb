"""Read the shop-floor ledger and the calendars into the KPI engine's columnar input.

The KPI engine wants time elements (what a work center did from when to when) and planned busy
time as arrays. Execution stores neither: it stores events. So the elements are folded here from
the events with production's own `timeline.apply`, the fold that derives every operation's
progress, so that an operation's time here is exactly the time its page shows. Each state the
fold passes through becomes one element: setup -> SETUP, running -> PRODUCTION (carrying the
quantities reported while it ran), paused -> DELAY, down -> planned or unplanned DOWNTIME by the
class of the downtime that started it. Machine-level downtime (not tied to an operation) becomes
DOWNTIME elements of its own; if it overlaps an operation's elements the engine counts the time
once and reports the overlap.

Planned busy time is the calendar's working time per shift (the calendar engine, the same answer
the scheduler gets), minus planned machine downtime (ISO 22400: PBT = POT - PDOT).

A fixed number of queries whatever the range: work centers, calendars with shifts and
exceptions, operations' events in the range, events of operations already running when it
starts, and machine-level events.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils import timezone

from andon.engines.calendar import ExtraWindow, WorkingCalendar, working_time
from andon.engines.kpi import (
    NONE,
    ElementKind,
    KpiData,
    PlannedBusyTime,
    PlannedRunTimes,
    TimeElements,
)
from andon.plant.calendars import shift_pattern
from andon.plant.models import Calendar, CalendarException, WorkCenter
from andon.production import timeline
from andon.production.models import ProductionEvent, WorkOrderOperation

STATE_KIND = {
    timeline.SETUP: ElementKind.SETUP,
    timeline.RUNNING: ElementKind.PRODUCTION,
    timeline.PAUSED: ElementKind.DELAY,
}
ZERO = Decimal("0")
EVENT_FIELDS = (
    "operation_id",
    "id",
    "kind",
    "at",
    "quantity",
    "scrap_quantity",
    "rework_quantity",
    "reason",
    "downtime_class",
    "work_center_id",
    "operation__work_order_id",
    "operation__work_order__item_id",
    "operation__run_minutes_per_unit",
)


@dataclass(frozen=True)
class Center:
    """A work center as the pages label it; `index` is its row in the engine's arrays."""

    index: int
    pk: int
    code: str
    name: str
    line: str


@dataclass(frozen=True, eq=False)
class Elements:
    """The engine's input for one range, and the labels behind its integer indexes."""

    data: KpiData
    start: dt.datetime
    end: dt.datetime
    utc_offset_seconds: int
    centers: list[Center]
    lines: list[str]
    shifts: list[tuple[int, str, str]]  # (pk, code, name) by shift index
    items: list[int]  # item pk by item index
    reasons: list[str]  # reason code by reason index


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


class _Builder:
    """Collects elements as plain lists; turned into arrays once at the end."""

    def __init__(self, start: int, end: int, windows: dict[int, np.ndarray]) -> None:
        self.start, self.end = start, end
        self.windows = windows
        self.cols: dict[str, list[Any]] = defaultdict(list)
        self.reasons: dict[str, int] = {}
        self.items: dict[int, int] = {}
        self.orders: dict[int, int] = {}
        self.pru: dict[tuple[int, int], float] = {}

    def reason(self, code: str) -> int:
        if not code:
            return NONE
        return self.reasons.setdefault(code, len(self.reasons))

    def add(
        self,
        wc: int,
        start: int,
        end: int,
        kind: ElementKind,
        item: int = NONE,
        order: int = NONE,
        reason: int = NONE,
        quantities: tuple[Decimal, Decimal, Decimal] = (ZERO, ZERO, ZERO),
    ) -> int:
        good, scrap, rework = (float(q) for q in quantities)
        c = self.cols
        c["work_center"].append(wc)
        c["start"].append(start)
        c["end"].append(max(end, start))
        c["kind"].append(int(kind))
        c["item"].append(item)
        c["order"].append(order)
        c["reason"].append(reason)
        c["good"].append(good)
        c["scrap"].append(scrap)
        c["rework"].append(rework)
        return len(c["start"]) - 1

    def shift_end(self, wc: int, at: int, until: int) -> int:
        """Where a state still open is counted to: the end of the working window it is in.

        The ledger does not say when an operation left running really stopped; counting it
        through nights and weekends would report production no one confirmed, so an open state
        counts to the end of its shift (or not at all outside the shifts)."""
        windows = self.windows.get(wc)
        if windows is None or not windows.shape[0]:
            return at
        n = int(np.searchsorted(windows[:, 0], at, side="right")) - 1
        if n < 0 or windows[n, 1] <= at:
            return at
        return int(min(windows[n, 1], until))

    def give(self, row: int, quantities: list[Decimal]) -> None:
        """Add quantities reported after their production element was closed."""
        for name, q in zip(("good", "scrap", "rework"), quantities, strict=True):
            self.cols[name][row] += float(q)


def _fold_operation(b: _Builder, wc: int, rows: list[dict[str, Any]], until: int) -> None:
    """One operation's events into elements, through production's own fold."""
    first = rows[0]
    item = b.items.setdefault(first["operation__work_order__item_id"], len(b.items))
    order = b.orders.setdefault(first["operation__work_order_id"], len(b.orders))
    b.pru.setdefault((item, wc), float(first["operation__run_minutes_per_unit"]) * 60)
    state = timeline.State()
    pending = [ZERO, ZERO, ZERO]
    last_production = -1
    down_class = ""

    def close(status: str, since: dt.datetime, at: int, reason: str) -> None:
        nonlocal last_production
        if status == timeline.DOWN:
            kind = (
                ElementKind.DOWNTIME_PLANNED
                if down_class == "planned"
                else ElementKind.DOWNTIME_UNPLANNED
            )
        else:
            kind = STATE_KIND[status]
        quantities = (pending[0], pending[1], pending[2]) if status == timeline.RUNNING else None
        row = b.add(
            wc,
            _epoch(since),
            at,
            kind,
            item,
            order,
            b.reason(reason),
            quantities or (ZERO, ZERO, ZERO),
        )
        if quantities is not None:
            pending[:] = [ZERO, ZERO, ZERO]
            last_production = row

    for r in rows:
        kind = r["kind"]
        status, since, reason = state.status, state.since, state.reason
        fact = timeline.Fact(
            kind=kind,
            at=r["at"],
            seq=r["id"],
            good=r["quantity"] if kind == "report" else ZERO,
            scrap=r["scrap_quantity"],
            rework=r["rework_quantity"],
            reason=r["reason"],
        )
        timeline.apply(state, fact)
        if kind == "report":
            pending[0] += fact.good
            pending[1] += fact.scrap
            pending[2] += fact.rework
        if (state.status, state.since) != (status, since):
            if status in timeline.BUCKET and since is not None:
                close(status, since, _epoch(r["at"]), reason)
            if state.status == timeline.DOWN:
                down_class = r["downtime_class"]
        if kind == "report" and state.status != timeline.RUNNING and last_production >= 0:
            b.give(last_production, pending)
            pending[:] = [ZERO, ZERO, ZERO]
    if state.status in timeline.BUCKET and state.since is not None:
        opened = _epoch(state.since)
        close(state.status, state.since, b.shift_end(wc, opened, max(until, opened)), state.reason)
    if any(pending):
        if last_production >= 0:
            b.give(last_production, pending)
        else:
            at = _epoch(rows[-1]["at"])
            b.add(wc, at, at, ElementKind.PRODUCTION, item, order, NONE, tuple(pending))  # type: ignore[arg-type]


def _fold_machine(b: _Builder, wc: int, rows: list[dict[str, Any]], until: int) -> None:
    """Machine-level downtime: start/end pairs; an end first means down since before the range."""
    since: int | None = None
    reason, klass = "", ""
    for position, r in enumerate(rows):
        at = _epoch(r["at"])
        if r["kind"] == "downtime_start" and since is None:
            since, reason, klass = at, r["reason"], r["downtime_class"]
        elif r["kind"] == "downtime_end":
            if since is None and position == 0:
                since, klass = b.start, r["downtime_class"]
            if since is not None:
                kind = (
                    ElementKind.DOWNTIME_PLANNED
                    if klass == "planned"
                    else ElementKind.DOWNTIME_UNPLANNED
                )
                b.add(wc, since, at, kind, reason=b.reason(reason))
                since = None
    if since is not None:
        kind = (
            ElementKind.DOWNTIME_PLANNED if klass == "planned" else ElementKind.DOWNTIME_UNPLANNED
        )
        b.add(wc, since, b.shift_end(wc, since, max(until, since)), kind, reason=b.reason(reason))


def _calendar_windows(
    calendar: Calendar, first: dt.date, last: dt.date, shift_index: dict[int, int]
) -> list[tuple[int, int, int]]:
    """(start, end, shift) in UTC seconds for one calendar over the days, per shift."""
    exceptions = [
        e for e in calendar.exceptions.all() if first - dt.timedelta(days=1) <= e.date <= last
    ]
    closed = frozenset(e.date for e in exceptions if e.kind == CalendarException.Kind.CLOSED)
    out: list[tuple[int, int, int]] = []
    for shift in calendar.shifts.all():
        engine = WorkingCalendar(shifts=(shift_pattern(shift),), closed_dates=closed)
        for i in working_time(engine, first, last).intervals:
            out.append(
                (
                    _epoch(timezone.make_aware(i.start)),
                    _epoch(timezone.make_aware(i.end)),
                    shift_index[shift.pk],
                )
            )
    windows = tuple(
        ExtraWindow(day=e.date, start=e.start_time, end=e.end_time)
        for e in exceptions
        if e.kind == CalendarException.Kind.WORKING and e.start_time and e.end_time
    )
    if windows:
        engine = WorkingCalendar(extra_windows=windows)
        for i in working_time(engine, first, last).intervals:
            out.append(
                (_epoch(timezone.make_aware(i.start)), _epoch(timezone.make_aware(i.end)), NONE)
            )
    return out


def _minus(
    windows: list[tuple[int, int, int]], cuts: list[tuple[int, int]]
) -> list[tuple[int, int, int]]:
    """Working windows with the planned downtime cut out (PBT = POT - PDOT)."""
    for cut_start, cut_end in cuts:
        kept: list[tuple[int, int, int]] = []
        for s, e, shift in windows:
            if cut_end <= s or cut_start >= e:
                kept.append((s, e, shift))
                continue
            if s < cut_start:
                kept.append((s, cut_start, shift))
            if cut_end < e:
                kept.append((cut_end, e, shift))
        windows = kept
    return windows


def load(start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> Elements:
    """Time elements and planned busy time of every work center in [start, end)."""
    now = now or timezone.now()
    lo, hi = _epoch(start), _epoch(end)
    until = min(hi, _epoch(now))
    centers_qs = list(
        WorkCenter.objects.order_by("line", "code").values(
            "pk", "code", "name", "line", "calendar_id"
        )
    )
    lines = sorted({c["line"] for c in centers_qs if c["line"]})
    line_index = {name: n for n, name in enumerate(lines)}
    centers = [
        Center(n, c["pk"], c["code"], c["name"], c["line"]) for n, c in enumerate(centers_qs)
    ]
    wc_index = {c.pk: c.index for c in centers}
    calendars = list(Calendar.objects.prefetch_related("shifts", "exceptions"))
    shifts = sorted({(s.pk, s.code, s.name) for cal in calendars for s in cal.shifts.all()})
    shift_index = {pk: n for n, (pk, _, _) in enumerate(shifts)}

    first_day = timezone.localtime(start).date()
    last_day = timezone.localtime(end - dt.timedelta(microseconds=1)).date()
    by_calendar = {
        cal.pk: _calendar_windows(cal, first_day, last_day, shift_index) for cal in calendars
    }
    centre_windows: dict[int, np.ndarray] = {}
    for c, raw in zip(centers, centers_qs, strict=True):
        spans = sorted((s, e) for s, e, _ in by_calendar.get(raw["calendar_id"], []))
        centre_windows[c.index] = np.array(spans, dtype=np.int64).reshape(-1, 2)
    b = _Builder(lo, hi, centre_windows)
    in_range = list(
        ProductionEvent.objects.filter(operation__isnull=False, at__gte=start, at__lt=end)
        .order_by("operation_id", "at", "id")
        .values(*EVENT_FIELDS)
    )
    running = WorkOrderOperation.objects.filter(
        Q(actual_end__isnull=True) | Q(actual_end__gte=start)
    ).exclude(status=WorkOrderOperation.Status.PENDING)
    before = list(
        ProductionEvent.objects.filter(operation__in=running.values("pk"), at__lt=start)
        .order_by("operation_id", "at", "id")
        .values(*EVENT_FIELDS)
    )
    by_operation: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in before:
        by_operation[r["operation_id"]].append(r)
    for r in in_range:
        by_operation[r["operation_id"]].append(r)
    for rows in by_operation.values():
        wc = wc_index.get(rows[0]["work_center_id"])
        if wc is not None:
            _fold_operation(b, wc, rows, until)
    machine: dict[int, list[Any]] = defaultdict(list)
    for r in (
        ProductionEvent.objects.filter(
            operation__isnull=True,
            kind__in=("downtime_start", "downtime_end"),
            at__gte=start,
            at__lt=end,
        )
        .order_by("work_center_id", "at", "id")
        .values("work_center_id", "kind", "at", "reason", "downtime_class")
    ):
        machine[r["work_center_id"]].append(r)
    for pk, rows in machine.items():
        if pk in wc_index:
            _fold_machine(b, wc_index[pk], rows, until)

    elements = _clip(b, lo, hi)
    planned_cuts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    kinds = elements["kind"]
    for row in np.flatnonzero(kinds == ElementKind.DOWNTIME_PLANNED):
        planned_cuts[int(elements["work_center"][row])].append(
            (int(elements["start"][row]), int(elements["end"][row]))
        )
    pbt: list[tuple[int, int, int, int]] = []
    for c, raw in zip(centers, centers_qs, strict=True):
        # Planned time ends now: the rest of today is not lost yet.
        windows = [
            (max(s, lo), min(e, until), sh) for s, e, sh in by_calendar.get(raw["calendar_id"], [])
        ]
        windows = [w for w in windows if w[1] > w[0]]
        for s, e, sh in _minus(windows, planned_cuts.get(c.index, [])):
            pbt.append((c.index, s, e, sh))
    pbt.sort()
    pbt_arr = np.array(pbt, dtype=np.int64).reshape(-1, 4)
    elements["shift"] = _shift_of(elements, pbt_arr)
    pru_keys = sorted(b.pru)
    data = KpiData(
        elements=TimeElements(**elements),
        planned_busy_time=PlannedBusyTime(
            work_center=pbt_arr[:, 0], start=pbt_arr[:, 1], end=pbt_arr[:, 2], shift=pbt_arr[:, 3]
        ),
        planned_run_times=PlannedRunTimes(
            item=np.array([k[0] for k in pru_keys], dtype=np.int64),
            work_center=np.array([k[1] for k in pru_keys], dtype=np.int64),
            seconds_per_unit=np.array([b.pru[k] for k in pru_keys], dtype=np.float64),
        ),
        line_of_work_center=np.array(
            [line_index.get(c.line, NONE) for c in centers], dtype=np.int64
        ),
    )
    offset = timezone.localtime(start).utcoffset() or dt.timedelta()
    return Elements(
        data=data,
        start=start,
        end=end,
        utc_offset_seconds=int(offset.total_seconds()),
        centers=centers,
        lines=lines,
        shifts=shifts,
        items=list(b.items),
        reasons=list(b.reasons),
    )


def _clip(b: _Builder, lo: int, hi: int) -> dict[str, Any]:
    """Elements cut to [lo, hi); quantities shared in proportion to the time kept."""
    c = b.cols
    start = np.array(c["start"], dtype=np.int64)
    end = np.array(c["end"], dtype=np.int64)
    s, e = np.maximum(start, lo), np.minimum(end, hi)
    point = end == start
    keep = (e > s) | (point & (start >= lo) & (start < hi))
    length = np.where(point, 1, end - start)
    share = np.where(point, 1.0, (e - s) / length)
    out: dict[str, Any] = {
        "work_center": np.array(c["work_center"], dtype=np.int64)[keep],
        "start": s[keep],
        "end": e[keep],
        "kind": np.array(c["kind"], dtype=np.int64)[keep],
        "item": np.array(c["item"], dtype=np.int64)[keep],
        "order": np.array(c["order"], dtype=np.int64)[keep],
        "reason": np.array(c["reason"], dtype=np.int64)[keep],
    }
    good = np.array(c["good"], dtype=np.float64) * share
    scrap = np.array(c["scrap"], dtype=np.float64) * share
    rework = np.array(c["rework"], dtype=np.float64) * share
    out["good"], out["scrap"], out["rework"] = good[keep], scrap[keep], rework[keep]
    out["produced"] = out["good"] + out["scrap"] + out["rework"]
    order = np.lexsort((out["start"], out["work_center"]))
    return {k: v[order] for k, v in out.items()}


def _shift_of(elements: dict[str, Any], pbt: np.ndarray) -> np.ndarray:
    """The shift whose planned interval holds each element's start (NONE outside shifts)."""
    n = elements["start"].shape[0]
    if not n or not pbt.shape[0]:
        return np.full(n, NONE, dtype=np.int64)
    big = np.int64(1) << 40
    keys = pbt[:, 0] * big + pbt[:, 1]
    order = np.argsort(keys, kind="stable")
    keys, ends, shifts, wcs = keys[order], pbt[order, 2], pbt[order, 3], pbt[order, 0]
    probe = elements["work_center"] * big + elements["start"]
    at = np.searchsorted(keys, probe, side="right") - 1
    valid = at >= 0
    at = np.clip(at, 0, None)
    inside = valid & (wcs[at] == elements["work_center"]) & (elements["start"] < ends[at])
    return np.where(inside, shifts[at], NONE).astype(np.int64)
