"""The KPI engine's columnar input for one range: time elements and planned busy time.

The KPI engine wants time elements (what a work center did from when to when) and planned busy
time as arrays. Execution stores events; the element store (`store.py`) folds them into elements
with production's own fold (`fold.py`) as they arrive, so a range is read here as columns in a
handful of queries and never replayed event by event. `replay.py` keeps the direct replay of the
events as the reference the store is tested against.

A state still open (an operation running now, a machine down now) counts to the end of the
working window it is in, and not beyond the range or now: the ledger does not say when it really
stopped. Planned busy time is the calendar's working time per shift (the calendar engine, the
same answer the scheduler gets), minus planned machine downtime (ISO 22400: PBT = POT - PDOT).
Elements are cut to the range; quantities are shared in proportion to the time kept.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
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
from andon.performance import store
from andon.performance.fold import epoch as _epoch
from andon.plant.calendars import shift_pattern
from andon.plant.models import Calendar, CalendarException, WorkCenter

COLUMNS = ("work_center", "start", "end", "kind", "item", "order", "reason")
QUANTITIES = ("good", "scrap", "rework")


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


@dataclass(frozen=True, eq=False)
class Plant:
    """What a range needs besides the elements: work centers, shifts and working windows."""

    start: dt.datetime
    end: dt.datetime
    lo: int
    hi: int
    until: int  # planned time and open states end here: the range's end or now
    centers: list[Center]
    calendar_of: list[int | None]  # calendar pk by center index
    lines: list[str]
    shifts: list[tuple[int, str, str]]
    by_calendar: dict[int, list[tuple[int, int, int]]]  # (start, end, shift) per calendar
    windows: dict[int, np.ndarray]  # sorted (start, end) working windows by center index

    def shift_end(self, wc: int, at: int) -> int:
        """Where a state still open is counted to: the end of the working window it is in.

        Counting an open state through nights and weekends would report production no one
        confirmed, so it counts to the end of its shift (or not at all outside the shifts)."""
        until = max(self.until, at)
        windows = self.windows.get(wc)
        if windows is None or not windows.shape[0]:
            return at
        n = int(np.searchsorted(windows[:, 0], at, side="right")) - 1
        if n < 0 or windows[n, 1] <= at:
            return at
        return int(min(windows[n, 1], until))


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


@dataclass(frozen=True, eq=False)
class Base:
    """Work centers and calendars: read once per request, whatever ranges it asks for."""

    centers: list[dict[str, Any]]
    calendars: list[Calendar]


def base() -> Base:
    """Work centers and calendars with their shifts and exceptions: three queries."""
    return Base(
        centers=[
            dict(c)
            for c in WorkCenter.objects.order_by("line", "code").values(
                "pk", "code", "name", "line", "calendar_id"
            )
        ],
        calendars=list(Calendar.objects.prefetch_related("shifts", "exceptions")),
    )


def plant(
    start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None, read: Base | None = None
) -> Plant:
    """Work centers, shifts and working windows for [start, end)."""
    now = now or timezone.now()
    lo, hi = _epoch(start), _epoch(end)
    read = read or base()
    centers_qs, calendars = read.centers, read.calendars
    lines = sorted({c["line"] for c in centers_qs if c["line"]})
    centers = [
        Center(n, c["pk"], c["code"], c["name"], c["line"]) for n, c in enumerate(centers_qs)
    ]
    shifts = sorted({(s.pk, s.code, s.name) for cal in calendars for s in cal.shifts.all()})
    shift_index = {pk: n for n, (pk, _, _) in enumerate(shifts)}
    first_day = timezone.localtime(start).date()
    last_day = timezone.localtime(end - dt.timedelta(microseconds=1)).date()
    by_calendar = {
        cal.pk: _calendar_windows(cal, first_day, last_day, shift_index) for cal in calendars
    }
    windows: dict[int, np.ndarray] = {}
    for c, raw in zip(centers, centers_qs, strict=True):
        spans = sorted((s, e) for s, e, _ in by_calendar.get(raw["calendar_id"], []))
        windows[c.index] = np.array(spans, dtype=np.int64).reshape(-1, 2)
    return Plant(
        start=start,
        end=end,
        lo=lo,
        hi=hi,
        until=min(hi, _epoch(now)),
        centers=centers,
        calendar_of=[c["calendar_id"] for c in centers_qs],
        lines=lines,
        shifts=shifts,
        by_calendar=by_calendar,
        windows=windows,
    )


def assemble(
    p: Plant,
    cols: dict[str, np.ndarray],
    items: list[int],
    reasons: list[str],
    pru: dict[tuple[int, int], float],
) -> Elements:
    """Elements (work center, item, order and reason as indexes) cut to the range, with the
    planned busy time, as the engine's input."""
    lo, hi, until = p.lo, p.hi, p.until
    elements = _clip(cols, lo, hi)
    planned_cuts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in np.flatnonzero(elements["kind"] == ElementKind.DOWNTIME_PLANNED):
        planned_cuts[int(elements["work_center"][row])].append(
            (int(elements["start"][row]), int(elements["end"][row]))
        )
    pbt: list[tuple[int, int, int, int]] = []
    for c in p.centers:
        calendar = p.calendar_of[c.index]
        raw = p.by_calendar.get(calendar, []) if calendar is not None else []
        # Planned time ends now: the rest of today is not lost yet.
        windows = [(max(s, lo), min(e, until), sh) for s, e, sh in raw]
        windows = [w for w in windows if w[1] > w[0]]
        for s, e, sh in _minus(windows, planned_cuts.get(c.index, [])):
            pbt.append((c.index, s, e, sh))
    pbt.sort()
    pbt_arr = np.array(pbt, dtype=np.int64).reshape(-1, 4)
    elements["shift"] = _shift_of(elements, pbt_arr)
    line_index = {name: n for n, name in enumerate(p.lines)}
    pru_keys = sorted(pru)
    data = KpiData(
        elements=TimeElements(**elements),
        planned_busy_time=PlannedBusyTime(
            work_center=pbt_arr[:, 0], start=pbt_arr[:, 1], end=pbt_arr[:, 2], shift=pbt_arr[:, 3]
        ),
        planned_run_times=PlannedRunTimes(
            item=np.array([k[0] for k in pru_keys], dtype=np.int64),
            work_center=np.array([k[1] for k in pru_keys], dtype=np.int64),
            seconds_per_unit=np.array([pru[k] for k in pru_keys], dtype=np.float64),
        ),
        line_of_work_center=np.array(
            [line_index.get(c.line, NONE) for c in p.centers], dtype=np.int64
        ),
    )
    offset = timezone.localtime(p.start).utcoffset() or dt.timedelta()
    return Elements(
        data=data,
        start=p.start,
        end=p.end,
        utc_offset_seconds=int(offset.total_seconds()),
        centers=p.centers,
        lines=p.lines,
        shifts=p.shifts,
        items=items,
        reasons=reasons,
    )


def load(
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
    read: Base | None = None,
    refresh: bool = True,
) -> Elements:
    """Time elements and planned busy time of every work center in [start, end).

    Brings the element store up to the ledger first (unless the caller just did), then reads
    the range's elements as columns: a fixed number of queries whatever the range."""
    if refresh:
        store.refresh()
    p = plant(start, end, now, read)
    raw = store.read(p.lo, p.hi)
    pks = np.array([c.pk for c in p.centers], dtype=np.int64)
    order = np.argsort(pks)
    at = np.clip(np.searchsorted(pks[order], raw["work_center"]), 0, max(len(pks) - 1, 0))
    known = (pks[order][at] == raw["work_center"]) if len(pks) else np.zeros(0, dtype=bool)
    raw = {k: v[known] for k, v in raw.items()}
    wc = order[at[known]].astype(np.int64) if len(pks) else np.zeros(0, dtype=np.int64)
    end_s = raw["end"].copy()
    for row in np.flatnonzero(raw["open"]):
        end_s[row] = p.shift_end(int(wc[row]), int(raw["start"][row]))
    items, item = _index(raw["item"])
    _, order_index = _index(raw["order"])
    reason_ids, reason = _index(raw["reason"])
    codes = store.reason_codes(reason_ids)
    cols = {
        "work_center": wc,
        "start": raw["start"],
        "end": end_s,
        "kind": raw["kind"],
        "item": item,
        "order": order_index,
        "reason": reason,
        "good": raw["good"],
        "scrap": raw["scrap"],
        "rework": raw["rework"],
    }
    # PRU per (item, work center) from the earliest operation that ran it there.
    pru: dict[tuple[int, int], float] = {}
    has = np.flatnonzero(item >= 0)
    if has.shape[0]:
        first = has[np.lexsort((raw["operation"][has], wc[has], item[has]))]
        keys = item[first] * (len(p.centers) + 1) + wc[first]
        _, at_first = np.unique(keys, return_index=True)
        for row in first[at_first]:
            pru[(int(item[row]), int(wc[row]))] = float(raw["seconds_per_unit"][row])
    return assemble(p, cols, items, [codes[r] for r in reason_ids], pru)


def _index(keys: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Dense indexes for database keys (NONE stays NONE), and the keys by index."""
    present = keys >= 0
    distinct, inverse = np.unique(keys[present], return_inverse=True)
    out = np.full(keys.shape[0], NONE, dtype=np.int64)
    out[present] = inverse
    return [int(k) for k in distinct], out


def _clip(c: dict[str, Any], lo: int, hi: int) -> dict[str, Any]:
    """Elements cut to [lo, hi); quantities shared in proportion to the time kept."""
    start = np.asarray(c["start"], dtype=np.int64)
    end = np.asarray(c["end"], dtype=np.int64)
    s, e = np.maximum(start, lo), np.minimum(end, hi)
    point = end == start
    keep = (e > s) | (point & (start >= lo) & (start < hi))
    length = np.where(point, 1, end - start)
    share = np.where(point, 1.0, (e - s) / length)
    out: dict[str, Any] = {
        "work_center": np.asarray(c["work_center"], dtype=np.int64)[keep],
        "start": s[keep],
        "end": e[keep],
        "kind": np.asarray(c["kind"], dtype=np.int64)[keep],
        "item": np.asarray(c["item"], dtype=np.int64)[keep],
        "order": np.asarray(c["order"], dtype=np.int64)[keep],
        "reason": np.asarray(c["reason"], dtype=np.int64)[keep],
    }
    good = np.asarray(c["good"], dtype=np.float64) * share
    scrap = np.asarray(c["scrap"], dtype=np.float64) * share
    rework = np.asarray(c["rework"], dtype=np.float64) * share
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
