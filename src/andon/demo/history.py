"""The demo plant's past: weeks of work orders run on every work center, as shop-floor events.

The KPI pages and the andon board need something to show on the first start, and what they show
must be what Andon itself would have derived, so the history is not a table of made-up KPIs but
the raw ledger: setups, starts, reports of good and scrap with reason codes, pauses, planned and
unplanned downtime (many short stops, a few long breakdowns), completions. Every figure on the
KPI pages is then computed from these events the same way as from a real floor.

How it is laid out, deterministically for the seed and `today`:

* Work centers work only inside their calendar's working intervals (shifts split by their break,
  holidays closed). Back-to-back intervals with at most an hour between them (a break, a shift
  change) form a block: an operation may run across them, and across a break it stops with a
  planned downtime `BREAK`, as an operator records it. ISO 22400 counts breaks as planned
  downtime, outside planned busy time, so the break costs no availability. An operation never
  spans a night or a weekend: order quantities are sized to fit a block.
* Each work center is a queue, served first come first served as it falls free, like a real
  floor with work in progress between machines: an order's next operation joins the queue of
  its next work center when the previous one completes, so no two operations overlap on a
  machine and the routing's order holds. A work center that starts routings takes a new order
  when its queue is empty; one that only finishes them pulls an order into its feeders.
* Each work center has a target load (busy 75-95 % of its planned time, the lathes and
  machining centers most), kept by idle gaps between operations; losses come on top: setups,
  short stops and pauses, a few long breakdowns (most on one problem machine), a slower cycle
  than the routing's, and scrap, mostly at start-up. So OEE lands mostly between 55 and 80 %.
* The last working block before today leaves one operation open on most work centers (running,
  in setup, or down with a breakdown) so that the supervisor board and the andon board show a
  live floor. Its events lie before today: the generator never reads the clock.

The history does not move stock: the opening balances are the stock after the history.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
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
# Weighted: on a real floor one or two reasons dominate each Pareto.
SCRAP_REASONS = ("DIM-OOT", "DIM-OOT", "DIM-OOT", "SURFACE", "SURFACE", "MATERIAL", "BURR")
PAUSE_REASONS = ("WAIT-MATERIAL", "WAIT-MATERIAL", "WAIT-MATERIAL", "QUALITY-CHECK", "NO-OPERATOR")
SHORT_STOP_REASONS = ("JAM", "JAM", "JAM", "JAM", "TOOL-CHANGE", "TOOL-CHANGE", "SENSOR")
BREAKDOWN_REASONS = ("HYDRAULICS", "HYDRAULICS", "SPINDLE", "ELECTRICAL", "COOLANT", "CONTROLLER")
PLANNED_REASONS = ("PREVENTIVE-MAINT", "CLEANING")
BREAK = "BREAK"
# The codes above as the plant's master data (kind, code, label, downtime class, loss), so the
# terminal offers them and the Pareto reads them; the standard list already holds the rest.
REASON_CODES = (
    ("scrap", "DIM-OOT", "Dimension out of tolerance", "", "process_defect"),
    ("scrap", "MATERIAL", "Material flaw", "", "process_defect"),
    ("scrap", "BURR", "Burr left on part", "", "process_defect"),
    ("pause", "WAIT-MATERIAL", "Waiting for material", "", "minor_stop"),
    ("pause", "QUALITY-CHECK", "Waiting for quality check", "", "minor_stop"),
    ("pause", "NO-OPERATOR", "No operator", "", "minor_stop"),
    ("downtime", "JAM", "Part jammed", "unplanned", "minor_stop"),
    ("downtime", "TOOL-CHANGE", "Tool change", "unplanned", "setup_adjustment"),
    ("downtime", "SENSOR", "Sensor fault", "unplanned", "minor_stop"),
    ("downtime", "HYDRAULICS", "Hydraulic fault", "unplanned", "equipment_failure"),
    ("downtime", "SPINDLE", "Spindle fault", "unplanned", "equipment_failure"),
    ("downtime", "ELECTRICAL", "Electrical fault", "unplanned", "equipment_failure"),
    ("downtime", "COOLANT", "Coolant system fault", "unplanned", "equipment_failure"),
    ("downtime", "CONTROLLER", "Controller fault", "unplanned", "equipment_failure"),
    ("downtime", "PREVENTIVE-MAINT", "Preventive maintenance", "planned", ""),
    ("downtime", "BREAK", "Break", "planned", ""),
)
SCRAP_RATE = 0.015
STARTUP_SCRAP_RATE = 0.06
MINUTE = dt.timedelta(minutes=1)
LONGEST_GAP = dt.timedelta(hours=1)  # work carries on across a break or a shift change
LONGEST_OPERATION = 8 * 60.0  # minutes: what one order's operation may take at most
LOSS_FACTOR = 1.2  # run time with its stops and slower cycles, to see whether work fits
# Busy share of planned time each kind of work center aims at; the rest is idle.
TARGET_LOAD = {"lathe": (0.9, 0.97), "mc": (0.9, 0.97)}
DEFAULT_LOAD = (0.8, 0.95)
BACKLOG_DAYS = 3.0  # work waiting at a work center before its feeders stop starting more
PULLED_AT_ONCE = 6  # hot orders a starving work center may have on their way to it

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


class _Shifts:
    """One work center's working intervals, grouped into blocks that work carries across."""

    def __init__(self, intervals: list[Interval]) -> None:
        self.intervals = intervals
        self.starts = [s for s, _ in intervals]
        self.ends = [e for _, e in intervals]
        # cum[i]: working seconds before interval i; block_last[i]: last interval of i's block.
        self.cum = [0.0]
        for s, e in intervals:
            self.cum.append(self.cum[-1] + (e - s).total_seconds())
        self.block_last = list(range(len(intervals)))
        for i in range(len(intervals) - 2, -1, -1):
            if intervals[i + 1][0] - intervals[i][1] <= LONGEST_GAP:
                self.block_last[i] = self.block_last[i + 1]
        lengths = sorted(
            self.cum[self.block_last[i] + 1] - self.cum[i]
            for i in range(len(intervals))
            if i == 0 or self.block_last[i - 1] != self.block_last[i]
        )
        # A usual block (a day, or a week of three shifts), not the stub the history ends with.
        self.block_minutes = lengths[len(lengths) // 2] / 60 if lengths else 0.0

    def at(self, t: dt.datetime) -> tuple[int, dt.datetime] | None:
        """The interval working at or after `t`, and when work can start in it."""
        i = bisect.bisect_right(self.ends, t)
        if i >= len(self.intervals):
            return None
        return i, max(t, self.starts[i])

    def room(self, i: int, t: dt.datetime) -> float:
        """Working minutes from `t` (inside interval i) to the end of its block."""
        left = (self.ends[i] - t).total_seconds()
        return (left + self.cum[self.block_last[i] + 1] - self.cum[i + 1]) / 60

    def block_end(self, i: int) -> dt.datetime:
        return self.ends[self.block_last[i]]


@dataclass
class _Order:
    """An order on its way through its routing; numbered when its first operation starts."""

    item: str
    route: list[OperationSpec]
    quantity: int
    number: str = ""
    released: dt.datetime | None = None
    done: int = 0  # good units the last completed operation passed on
    completed_at: dt.datetime | None = None
    open: bool = False
    pulled_by: str = ""


@dataclass(order=True)
class _Job:
    """An operation waiting in its work center's queue; pulled (hot) orders go first."""

    cold: bool
    ready: dt.datetime
    seq: int
    order: _Order = field(compare=False)
    step: int = field(compare=False)


class _Floor:
    """The history being written: work center clocks and queues, orders and events."""

    def __init__(self, plant: DemoPlant, rng: random.Random, first: dt.date, today: dt.date):
        self.plant, self.rng, self.today = plant, rng, today
        self.end = dt.datetime.combine(today, dt.time())
        by_calendar = _intervals(plant, first, today - dt.timedelta(days=1))
        self.shifts = {w.code: _Shifts(by_calendar[w.calendar]) for w in plant.work_centers}
        self.kind = {w.code: w.kind for w in plant.work_centers}
        self.cursor = {w.code: dt.datetime.combine(first, dt.time()) for w in plant.work_centers}
        self.queue: dict[str, list[_Job]] = defaultdict(list)
        # Minutes of work waiting in each work center's queue, so that no feeder snows it under.
        self.backlog: dict[str, float] = defaultdict(float)
        self.pulled: dict[str, int] = defaultdict(int)  # orders pulled, not yet arrived
        self.orders: list[_Order] = []
        self.count = 0
        self.seq = 0
        self.last_item: dict[str, str] = {}  # the item each machine ran last
        self.load = {
            w.code: rng.uniform(*TARGET_LOAD.get(w.kind, DEFAULT_LOAD)) for w in plant.work_centers
        }
        # One machine with chronic breakdowns: what the KPI pages should make plain.
        self.problem = rng.choice(sorted({o.work_center for o in plant.operations}))

    def event(self, kind: str, at: dt.datetime, wc: str, **fields: object) -> None:
        self.plant.events.append(EventSpec(kind=kind, at=at, work_center=wc, **fields))  # type: ignore[arg-type]

    def is_last_block(self, wc: str, i: int) -> bool:
        shifts = self.shifts[wc]
        return shifts.block_last[i] == len(shifts.intervals) - 1

    def day(self, wc: str) -> float:
        """Working minutes of a work center's usual day (a week's block counts as two shifts)."""
        return min(self.shifts[wc].block_minutes, 900.0)

    def open_to(self, wc: str) -> bool:
        """Whether more work may be sent on its way to `wc`."""
        return self.backlog[wc] < BACKLOG_DAYS * self.day(wc)

    def fit(self, op: OperationSpec) -> float:
        """How many units one operation of an order may hold on its work center."""
        minutes = min(0.45 * self.shifts[op.work_center].block_minutes, LONGEST_OPERATION)
        run = max(float(op.run_minutes_per_unit), 0.05) * LOSS_FACTOR
        return (minutes - float(op.setup_minutes)) / run

    def release(
        self, item: str, route: list[OperationSpec], at: dt.datetime, most: float, pull: str = ""
    ) -> _Order:
        """A new order of `item`, its first operation queued at its first work center; `pull`
        names the work center downstream waiting for it, which makes it a hot order."""
        fit = min(min(self.fit(op) for op in route), most, 400)
        quantity = max(1, self.rng.randint(max(1, int(fit * 0.6)), max(1, int(fit))))
        order = _Order(item=item, route=route, quantity=quantity, done=quantity, pulled_by=pull)
        if pull:
            self.pulled[pull] += 1
        self.orders.append(order)
        self.enqueue(order, 0, at)
        return order

    def enqueue(self, order: _Order, step: int, ready: dt.datetime) -> None:
        self.seq += 1
        op = order.route[step]
        hot = bool(order.pulled_by)
        self.queue[op.work_center].append(_Job(not hot, ready, self.seq, order, step))
        self.backlog[op.work_center] += _needed(op, order.done)
        if order.pulled_by == op.work_center:
            self.pulled[op.work_center] -= 1
            order.pulled_by = ""


def _seconds(at: dt.datetime, seconds: float) -> dt.datetime:
    return at + dt.timedelta(seconds=round(seconds))


def _split(rng: random.Random, units: int, rate: float) -> int:
    return sum(1 for _ in range(units) if rng.random() < rate)


def _needed(op: OperationSpec, quantity: int) -> float:
    """Minutes an operation is expected to take with its losses, to see whether it fits."""
    return float(op.setup_minutes) + quantity * float(op.run_minutes_per_unit) * LOSS_FACTOR


class _Run:
    """One operation running on its machine: time moves on across breaks inside one block."""

    def __init__(self, floor: _Floor, order: _Order, op: OperationSpec, i: int) -> None:
        self.floor, self.op, self.wc = floor, op, op.work_center
        self.shifts = floor.shifts[self.wc]
        self.i = i
        self.ev = {"order": order.number, "operation": op.sequence}

    @property
    def limit(self) -> dt.datetime:
        return self.shifts.ends[self.i]

    def cross(self, t: dt.datetime) -> dt.datetime | None:
        """At the end of an interval: on into the next one of the block (a break is recorded
        as planned downtime), or None at the end of the block."""
        if self.i >= self.shifts.block_last[self.i]:
            return None
        t = min(t, self.limit)
        nxt = self.shifts.starts[self.i + 1]
        if nxt > t:
            self.floor.event(
                "downtime_start", t, self.wc, reason=BREAK, downtime_class="planned", **self.ev
            )
            self.floor.event("downtime_end", nxt, self.wc, downtime_class="planned", **self.ev)
        self.i += 1
        return nxt

    def advance(self, t: dt.datetime, seconds: float) -> dt.datetime:
        """`seconds` of working time from t, across breaks; stops at the end of the block."""
        while seconds > 0:
            step = min(seconds, (self.limit - t).total_seconds())
            t = min(_seconds(t, step), self.limit)
            seconds -= step
            if seconds > 0:
                nxt = self.cross(t)
                if nxt is None:
                    return t
                t = nxt
        return t


def _run_operation(
    floor: _Floor,
    order: _Order,
    op: OperationSpec,
    i: int,
    begin: dt.datetime,
    stop_at: dt.datetime | None,
) -> tuple[int, dt.datetime, bool]:
    """Simulate one operation from `begin`: (good made, when it ended, completed?).

    With `stop_at`, the history ends while it runs: it is left open there, running, in setup
    or down, for the live boards."""
    rng, wc = floor.rng, op.work_center
    run = _Run(floor, order, op, i)
    final = rng.choice(("running", "running", "running", "setup", "down")) if stop_at else ""
    ev = run.ev
    t = begin
    quantity = order.done
    # The same item again on this machine needs only a short adjustment, not a changeover.
    repeat = floor.last_item.get(wc) == order.item
    floor.last_item[wc] = order.item
    if op.setup_minutes > 0:
        floor.event("setup_start", t, wc, **ev)
        if final == "setup":
            return 0, t, False
        share = rng.uniform(0.1, 0.2) if repeat else rng.uniform(0.7, 1.1)
        t = run.advance(t, float(op.setup_minutes) * 60 * share)
        floor.event("setup_end", t, wc, **ev)
    floor.event("start", t, wc, **ev)
    weak = wc == floor.problem
    cycle = float(op.run_minutes_per_unit) * 60 * rng.uniform(1.02, 1.12)
    good = made = 0
    carry = 0.0
    first_segment = True
    while made < quantity:
        limit = min(run.limit, stop_at) if stop_at else run.limit
        if t >= limit - MINUTE:
            if stop_at and t >= stop_at - MINUTE:
                break
            nxt = run.cross(t)
            if nxt is None:
                break  # the block ends: the order is short of what it was released for
            t = nxt
            continue
        until_stop = rng.expovariate(1 / (3600 if weak else 5400))
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
            continue
        draw = rng.random()
        if draw < 0.3:
            kind, reason, minutes = "pause", rng.choice(PAUSE_REASONS), rng.uniform(2, 10)
        elif draw < (0.85 if weak else 0.96):
            kind, reason, minutes = "stop", rng.choice(SHORT_STOP_REASONS), rng.uniform(0.5, 4)
        else:
            # The problem machine's hydraulics keep failing, and take long to fix.
            reason = "HYDRAULICS" if weak else rng.choice(BREAKDOWN_REASONS)
            kind, minutes = "down", rng.uniform(40, 120) if weak else rng.uniform(15, 75)
        back = min(_seconds(t, minutes * 60), limit - MINUTE)
        if back <= t:
            continue
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


def _maintenance(floor: _Floor, wc: str, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """Planned maintenance at the start of a working interval, at machine level."""
    rng = floor.rng
    back = min(_seconds(start, rng.uniform(30, 90) * 60), end - MINUTE)
    reason = rng.choice(PLANNED_REASONS)
    floor.event("downtime_start", start, wc, reason=reason, downtime_class="planned")
    floor.event("downtime_end", back, wc, downtime_class="planned")
    return back


def _start(floor: _Floor, job: _Job, i: int, begin: dt.datetime) -> None:
    """Run the job's operation from `begin` and queue what follows it."""
    rng, order, op = floor.rng, job.order, job.order.route[job.step]
    wc = op.work_center
    if not order.number:
        floor.count += 1
        order.number = f"WO-{floor.count:05d}"
        order.released = begin - dt.timedelta(hours=rng.randint(4, 72))
    floor.backlog[wc] -= _needed(op, order.done)
    shifts = floor.shifts[wc]
    stop_at = None
    if floor.is_last_block(wc, i) and (
        rng.random() < 0.85 or shifts.room(i, begin) < _needed(op, order.done)
    ):
        last = shifts.intervals[-1]
        stop_at = max(begin, last[1] - (last[1] - last[0]) * rng.uniform(0.1, 0.6))
    made, ended, completed = _run_operation(floor, order, op, i, begin, stop_at)
    if not completed:
        order.open = True
        floor.cursor[wc] = floor.end  # it holds the machine until today
        return
    busy = (ended - begin).total_seconds()
    idle = busy * (1 / floor.load[wc] - 1) * rng.uniform(0.3, 1.7)
    if any(not waiting.cold for waiting in floor.queue[wc]):
        idle = 0.0  # a hot order waits: no slack now
    floor.cursor[wc] = _seconds(ended, idle)
    order.done = made
    if job.step == len(order.route) - 1:
        order.completed_at = ended
    else:
        floor.enqueue(order, job.step + 1, ended + rng.uniform(0, 30) * MINUTE)


def _step(
    floor: _Floor,
    wc: str,
    starting: list[str],
    through: list[str],
    routes: dict[str, list[OperationSpec]],
) -> None:
    """The work center `wc` falls free: it starts the next job that fits, or waits."""
    rng, shifts = floor.rng, floor.shifts[wc]
    found = shifts.at(floor.cursor[wc])
    if found is None or found[1] >= floor.end:
        floor.cursor[wc] = floor.end
        return
    i, t = found
    if t == shifts.starts[i] and rng.random() < 0.04 and not floor.is_last_block(wc, i):
        floor.cursor[wc] = _maintenance(floor, wc, t, shifts.ends[i])
        return
    room = shifts.room(i, t)
    queue = floor.queue[wc]
    queue.sort()
    ready = [job for job in queue if job.ready <= t]
    for job in ready:
        if _needed(job.order.route[job.step], job.order.done) <= room or floor.is_last_block(wc, i):
            queue.remove(job)
            _start(floor, job, i, t)
            return
    # A new order only when the work centers after this one are not already snowed under.
    open_to = [
        item for item in starting if all(floor.open_to(op.work_center) for op in routes[item][1:])
    ]
    if open_to and room >= 45:
        # Work for the starving work centers downstream first, as a dispatcher would send it.
        weights = [
            1
            + sum(
                3 * max(0.0, 1 - floor.backlog[op.work_center] / floor.day(op.work_center))
                for op in routes[item][1:]
            )
            for item in open_to
        ]
        item = rng.choices(open_to, weights=weights)[0]
        if floor.last_item.get(wc) in open_to and rng.random() < 0.3:
            item = floor.last_item[wc]  # another batch of the same: hardly any setup
        route = routes[item]
        first = route[0]
        most = (
            (room - float(first.setup_minutes))
            / LOSS_FACTOR
            / max(float(first.run_minutes_per_unit), 0.05)
        )
        if most >= 1:
            order = floor.release(item, route, t, most)
            job = floor.queue[wc].pop()
            assert job.order is order
            _start(floor, job, i, t)
            return
    if ready or room < 45:
        # What waits does not fit before the block ends: the machine stands until the next one.
        floor.cursor[wc] = shifts.block_end(i) + MINUTE
        return
    if queue:
        floor.cursor[wc] = min(min(j.ready for j in queue), shifts.block_end(i) + MINUTE)
        return
    pullable = [
        item
        for item in through
        if routes[item][0].work_center != wc
        and all(floor.open_to(op.work_center) for op in routes[item][1:])
    ]
    if pullable and floor.pulled[wc] < PULLED_AT_ONCE:
        # Nothing comes this way: pull an order through this machine into its feeders.
        item = rng.choice(pullable)
        floor.release(item, routes[item], t, 400, pull=wc)
    floor.cursor[wc] = t + rng.randint(20, 60) * MINUTE


def _record(floor: _Floor) -> None:
    """The orders that reached the floor, with due dates that make most of them on time."""
    rng = floor.rng
    for order in floor.orders:
        if not order.number:
            continue  # it never reached the floor
        assert order.released is not None
        if order.completed_at is not None:
            # About one order in ten finishes after its due date.
            late = rng.random() < 0.1
            days = -rng.randint(1, 4) if late else rng.choice((0, 1, 1, 2, 3, 5, 8))
            due = order.completed_at.date() + dt.timedelta(days=days)
            status = "completed"
        else:
            late = rng.random() < 0.08
            due = floor.today + dt.timedelta(
                days=-rng.randint(1, 3) if late else rng.randint(1, 10)
            )
            status = "in_progress"
        floor.plant.work_orders.append(
            HistoryOrderSpec(
                number=order.number,
                item=order.item,
                quantity=Decimal(order.quantity),
                due_date=due,
                status=status,
                released_at=order.released,
                completed_at=order.completed_at,
                operations=[
                    HistoryOperationSpec(
                        sequence=op.sequence,
                        name=op.name,
                        work_center=op.work_center,
                        setup_minutes=op.setup_minutes,
                        run_minutes_per_unit=op.run_minutes_per_unit,
                    )
                    for op in order.route
                ],
            )
        )
    floor.plant.work_orders.sort(key=lambda o: o.number)


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
    active = sorted(wc for wc in through if floor.shifts[wc].intervals)
    while active:
        wc = min(active, key=lambda code: (floor.cursor[code], code))
        _step(floor, wc, starting[wc], through[wc], routes)
        if floor.cursor[wc] >= floor.end:
            active.remove(wc)
    _record(floor)
    plant.events.sort(key=lambda e: e.at)  # stable: one operation's events keep their order
