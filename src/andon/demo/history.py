"""The demo plant's past: weeks of work orders run on every work center, as shop-floor events.

The KPI pages and the andon board need something to show on the first start, and what they show
must be what Andon itself would have derived, so the history is not a table of made-up KPIs but
the raw ledger: setups, starts, reports of good and scrap with reason codes, pauses, planned and
unplanned downtime (many short stops, a few long breakdowns), completions. Every figure on the
KPI pages is then computed from these events the same way as from a real floor.

How it is laid out, deterministically for the seed and `today`:

* Work centers work only inside their calendar's working intervals (shifts split by their break,
  holidays closed). An operation runs inside one working interval: it never spans a break or the
  night, so no event falls outside a shift.
* Orders are placed greedily: the work center whose time is least filled so far takes the next
  order of an item routed through it, and the order's operations follow the routing one after the
  other, each on its work center when that is free. So no two operations overlap on a machine.
* The last working interval before today leaves one operation open on most work centers (running,
  in setup, or down with a breakdown) so that the supervisor board and the andon board show a
  live floor. Its events lie before today: the generator never reads the clock.

The history does not move stock: the opening balances are the stock after the history.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from andon.demo.spec import (
    DemoPlant,
    EventSpec,
    HistoryOperationSpec,
    HistoryOrderSpec,
    OperationSpec,
)
from andon.engines.calendar import ShiftPattern, WorkingCalendar, working_time

if TYPE_CHECKING:
    from andon.demo.generator import Context

# Days of history by plant size: the large plant keeps its load time bounded.
HISTORY_DAYS = {"small": 42, "medium": 42, "large": 14}
SCRAP_REASONS = ("DIM-OOT", "SURFACE", "MATERIAL", "BURR")
PAUSE_REASONS = ("WAIT-MATERIAL", "WAIT-CRANE", "QUALITY-CHECK", "NO-OPERATOR")
# Weighted: on a real floor one or two reasons dominate the Pareto.
SHORT_STOP_REASONS = ("JAM", "JAM", "JAM", "JAM", "TOOL-CHANGE", "SENSOR", "CHIP-CLEARING")
BREAKDOWN_REASONS = ("HYDRAULICS", "HYDRAULICS", "SPINDLE", "ELECTRICAL", "COOLANT", "CONTROLLER")
PLANNED_REASONS = ("PREVENTIVE-MAINT", "CLEANING")
SCRAP_RATE = 0.02
STARTUP_SCRAP_RATE = 0.08
MINUTE = dt.timedelta(minutes=1)

Interval = tuple[dt.datetime, dt.datetime]


def _intervals(plant: DemoPlant, first: dt.date, last: dt.date) -> dict[str, list[Interval]]:
    """Working intervals of each calendar over the history, from the calendar engine."""
    shifts = {s.code: s for s in plant.shifts}
    found: dict[str, list[Interval]] = {}
    for calendar in plant.calendars:
        engine = WorkingCalendar(
            shifts=tuple(
                ShiftPattern(
                    start=shifts[code].start,
                    end=shifts[code].end,
                    weekdays=frozenset(int(d) for d in shifts[code].weekdays),
                    break_minutes=shifts[code].break_minutes,
                    code=code,
                )
                for code in calendar.shifts
            ),
            closed_dates=frozenset(day for day, _ in calendar.closed),
        )
        # Breaks are what split a shift; merged back-to-back shifts are split at shift changes
        # too, so an operation ends with its crew's shift.
        pieces: list[Interval] = []
        for interval in working_time(engine, first, last).intervals:
            start = interval.start
            while start < interval.end:
                boundary = min(
                    (
                        dt.datetime.combine(start.date(), shifts[c].end)
                        for c in calendar.shifts
                        if dt.datetime.combine(start.date(), shifts[c].end) > start
                    ),
                    default=interval.end,
                )
                end = min(boundary, interval.end)
                pieces.append((start, end))
                start = end
        found[calendar.code] = pieces
    return found


class _Floor:
    """The history being written: work center clocks, orders and events."""

    def __init__(self, plant: DemoPlant, rng: random.Random, first: dt.date, today: dt.date):
        self.plant, self.rng, self.today = plant, rng, today
        self.end = dt.datetime.combine(today, dt.time())
        by_calendar = _intervals(plant, first, today - dt.timedelta(days=1))
        self.intervals = {w.code: by_calendar[w.calendar] for w in plant.work_centers}
        self.cursor = {w.code: dt.datetime.combine(first, dt.time()) for w in plant.work_centers}
        self.open_left: set[str] = set()  # work centers whose last interval already has work
        self.count = 0
        self.last_item: dict[str, str] = {}  # the item each machine ran last
        # One machine with chronic breakdowns: what the KPI pages should make plain.
        self.problem = rng.choice(sorted({o.work_center for o in plant.operations}))

    def slot(
        self, wc: str, ready: dt.datetime, needed: float
    ) -> tuple[Interval, dt.datetime] | None:
        """The working interval an operation needing `needed` minutes starts in, and its start."""
        after = max(self.cursor[wc], ready)
        for start, end in self.intervals[wc]:
            if end <= after:
                continue
            begin = max(start, after)
            room = (end - begin).total_seconds() / 60
            if room >= needed or room >= 0.35 * (end - start).total_seconds() / 60:
                return (start, end), begin
        return None

    def is_last(self, wc: str, interval: Interval) -> bool:
        return interval == self.intervals[wc][-1]

    def event(self, kind: str, at: dt.datetime, wc: str, **fields: object) -> None:
        self.plant.events.append(EventSpec(kind=kind, at=at, work_center=wc, **fields))  # type: ignore[arg-type]


def _seconds(at: dt.datetime, seconds: float) -> dt.datetime:
    return at + dt.timedelta(seconds=round(seconds))


def _split(rng: random.Random, units: int, rate: float) -> int:
    return sum(1 for _ in range(units) if rng.random() < rate)


def _run_operation(
    floor: _Floor,
    order: str,
    item: str,
    op: OperationSpec,
    quantity: int,
    interval: Interval,
    begin: dt.datetime,
) -> tuple[int, dt.datetime, bool]:
    """Simulate one operation in its interval: (good made, when it ended, completed?)."""
    rng, wc = floor.rng, op.work_center
    limit = interval[1]
    leave_open = floor.is_last(wc, interval) and rng.random() < 0.85
    final = rng.choice(("running", "running", "running", "setup", "down")) if leave_open else ""
    if leave_open:
        limit = min(limit, _seconds(begin, rng.uniform(0.4, 0.9) * (limit - begin).total_seconds()))
    ev = {"order": order, "operation": op.sequence}
    t = begin
    # The same item again on this machine needs only a short adjustment, not a changeover.
    repeat = floor.last_item.get(wc) == item
    floor.last_item[wc] = item
    if op.setup_minutes > 0:
        floor.event("setup_start", t, wc, **ev)
        if final == "setup":
            return 0, t, False
        share = rng.uniform(0.1, 0.2) if repeat else rng.uniform(0.7, 1.1)
        t = min(_seconds(t, float(op.setup_minutes) * 60 * share), limit)
        floor.event("setup_end", t, wc, **ev)
    floor.event("start", t, wc, **ev)
    weak = wc == floor.problem
    cycle = float(op.run_minutes_per_unit) * 60 * rng.uniform(1.02, 1.15)
    good = made = 0
    carry = 0.0
    first_segment = True
    while made < quantity and t < limit:
        until_stop = rng.expovariate(1 / (1500 if weak else 4000))
        seg_end = min(
            _seconds(t, until_stop), _seconds(t, (quantity - made - carry) * cycle + 1), limit
        )
        carry += (seg_end - t).total_seconds() / cycle
        units = min(int(carry), quantity - made)
        carry -= units
        t = seg_end
        if units:
            scrap = _split(rng, units, STARTUP_SCRAP_RATE if first_segment else SCRAP_RATE)
            floor.event(
                "report",
                t,
                wc,
                good=Decimal(units - scrap),
                scrap=Decimal(scrap),
                reason=rng.choice(SCRAP_REASONS) if scrap else "",
                **ev,
            )
            good, made, first_segment = good + units - scrap, made + units, False
        if made >= quantity or t >= limit - MINUTE:
            break
        draw = rng.random()
        if draw < 0.25:
            kind, reason, minutes = "pause", rng.choice(PAUSE_REASONS), rng.uniform(2, 8)
        elif draw < (0.8 if weak else 0.95):
            kind, reason, minutes = "stop", rng.choice(SHORT_STOP_REASONS), rng.uniform(0.5, 4)
        else:
            # The problem machine's hydraulics keep failing, and take long to fix.
            reason = "HYDRAULICS" if weak else rng.choice(BREAKDOWN_REASONS)
            kind, minutes = "down", rng.uniform(40, 180) if weak else rng.uniform(15, 90)
        back = min(_seconds(t, minutes * 60), limit - MINUTE)
        if back <= t:
            break
        if kind == "pause":
            floor.event("pause", t, wc, reason=reason, **ev)
            floor.event("resume", back, wc, **ev)
        else:
            floor.event("downtime_start", t, wc, reason=reason, downtime_class="unplanned", **ev)
            floor.event("downtime_end", back, wc, **ev)
        t = back
    if final == "down":
        floor.event(
            "downtime_start",
            t,
            wc,
            reason=rng.choice(BREAKDOWN_REASONS),
            downtime_class="unplanned",
            **ev,
        )
    if final:
        return good, t, False
    if good == 0:  # the machine made nothing usable in its slot: one good unit closes it
        floor.event("report", t, wc, good=Decimal(1), **ev)
        good = 1
    floor.event("complete", t, wc, **ev)
    return good, t, True


def _maintenance(floor: _Floor, wc: str, interval: Interval) -> dt.datetime:
    """Planned maintenance at the start of a working interval, at machine level."""
    rng = floor.rng
    start = interval[0]
    end = min(_seconds(start, rng.uniform(30, 90) * 60), interval[1] - MINUTE)
    reason = rng.choice(PLANNED_REASONS)
    floor.event("downtime_start", start, wc, reason=reason, downtime_class="planned")
    floor.event("downtime_end", end, wc, downtime_class="planned")
    return end


def _place_order(floor: _Floor, item: str, route: list[OperationSpec]) -> None:
    rng = floor.rng
    shortest = min(
        (e - s).total_seconds() / 60 for op in route for s, e in floor.intervals[op.work_center][:1]
    )
    fit = min(
        (shortest * 0.85 - float(op.setup_minutes)) / max(float(op.run_minutes_per_unit), 0.1)
        for op in route
    )
    quantity = max(1, min(400, rng.randint(max(1, int(fit * 0.6)), max(1, int(fit)))))
    floor.count += 1
    number = f"WO-{floor.count:05d}"
    ready = floor.cursor[route[0].work_center] + rng.uniform(0, 90) * MINUTE
    released: dt.datetime | None = None
    done = quantity
    completed_at: dt.datetime | None = None
    status = "completed"
    for n, op in enumerate(route):
        needed = float(op.setup_minutes) + done * float(op.run_minutes_per_unit) * 1.2
        found = floor.slot(op.work_center, ready, needed)
        if found is None or found[1] >= floor.end:
            status = "in_progress"
            break
        interval, begin = found
        if (
            begin == interval[0]
            and rng.random() < 0.05
            and not floor.is_last(op.work_center, interval)
        ):
            begin = _maintenance(floor, op.work_center, interval)
        if released is None:
            released = begin - dt.timedelta(hours=rng.randint(4, 72))
        if floor.is_last(op.work_center, interval):
            floor.open_left.add(op.work_center)
        made, ended, completed = _run_operation(floor, number, item, op, done, interval, begin)
        floor.cursor[op.work_center] = ended
        if not completed:
            status = "in_progress"
            floor.cursor[op.work_center] = floor.end  # it holds the machine until today
            break
        done = made
        completed_at = ended
        ready = ended + rng.uniform(0, 30) * MINUTE
        if n == len(route) - 1:
            break
    if released is None:
        floor.count -= 1  # nothing ran: the order never reached the floor
        return
    if status == "completed":
        assert completed_at is not None
        # About one order in ten finishes after its due date.
        late = rng.random() < 0.1
        days = -rng.randint(1, 4) if late else rng.choice((0, 1, 1, 2, 3, 5, 8))
        due = completed_at.date() + dt.timedelta(days=days)
    else:
        completed_at = None
        late = rng.random() < 0.08
        due = floor.today + dt.timedelta(days=-rng.randint(1, 3) if late else rng.randint(1, 10))
    floor.plant.work_orders.append(
        HistoryOrderSpec(
            number=number,
            item=item,
            quantity=Decimal(quantity),
            due_date=due,
            status=status,
            released_at=released,
            completed_at=completed_at,
            operations=[
                HistoryOperationSpec(
                    sequence=op.sequence,
                    name=op.name,
                    work_center=op.work_center,
                    setup_minutes=op.setup_minutes,
                    run_minutes_per_unit=op.run_minutes_per_unit,
                )
                for op in route
            ],
        )
    )


def build_history(plant: DemoPlant, ctx: Context) -> None:
    """Weeks of completed work orders and their events, and a few still running today."""
    rng, today = ctx.rng, ctx.today
    first = today - dt.timedelta(days=HISTORY_DAYS.get(ctx.size.name, 42))
    routes: dict[str, list[OperationSpec]] = defaultdict(list)
    for op in plant.operations:
        routes[op.item].append(op)
    for route in routes.values():
        route.sort(key=lambda o: o.sequence)
    starting: dict[str, list[str]] = defaultdict(list)
    through: dict[str, list[str]] = defaultdict(list)
    for item, route in sorted(routes.items()):
        starting[route[0].work_center].append(item)
        for op in route:
            through[op.work_center].append(item)
    floor = _Floor(plant, rng, first, today)
    active = sorted(wc for wc in through if floor.intervals[wc])
    while active:
        wc = min(active, key=lambda code: (floor.cursor[code], code))
        if floor.cursor[wc] >= floor.end:
            break
        before = floor.cursor[wc]
        items = starting[wc] if starting[wc] and rng.random() < 0.8 else through[wc]
        item = rng.choice(items)
        _place_order(floor, item, routes[item])
        if floor.cursor[wc] <= before:
            # Nothing landed here (upstream busy): let this machine's clock move on a while.
            floor.cursor[wc] = before + dt.timedelta(minutes=rng.randint(10, 60))
        active = [c for c in active if floor.cursor[c] < floor.end]
    plant.events.sort(key=lambda e: e.at)  # stable: one operation's events keep their order
