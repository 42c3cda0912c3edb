"""Build the scheduling engine's `Problem` from the plant's records, in a handful of queries.

What goes in:

- every operation not yet completed of the planned, released and in-progress work orders, chained
  by sequence within its order; durations are setup + run x quantity at the work center's
  efficiency, on the primary work center or any alternative (at its own run rate);
- work centers as resources with their capacity and the working intervals of their calendar over
  the horizon (from `engines.calendar`), less recorded downtime;
- crews: an operation with a skill or certification needs `crew_size` workers holding the skill at
  the operation's level (and the certificate, valid until its expiry); workers are present during
  their shift;
- operations already started are fixed from minute 0 (now) for their remaining time; operations a
  planner locked in the schedule in force are fixed where they were locked;
- jobs: release at the order's release (never before now), due at the end of the due date, and a
  tardiness weight from the customer's priority.

Setup families: an operation with a family pays its setup only when the machine changes family
(a `Changeover` into the family, the longest setup of its operations), so the solver can group a
family's runs; without a family the setup is part of the operation's duration.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from andon.catalog.models import AlternativeWorkCenter
from andon.engines.calendar import WorkingCalendar, working_time
from andon.engines.scheduling import (
    Changeover,
    CrewRequirement,
    Job,
    Mode,
    Objective,
    Operation,
    Problem,
    ProblemError,
    Qualification,
    Resource,
    Worker,
)
from andon.people.models import Worker as WorkerRecord
from andon.plant.calendars import shift_pattern, working_calendar
from andon.plant.models import Calendar, WorkCenter
from andon.production.models import WorkOrder, WorkOrderOperation
from andon.scheduling.models import Downtime, ScheduledOperation, ScheduleRun

SCHEDULED_STATUSES = (
    WorkOrder.Status.PLANNED,
    WorkOrder.Status.RELEASED,
    WorkOrder.Status.IN_PROGRESS,
)
STARTED = {
    WorkOrderOperation.Status.SETUP,
    WorkOrderOperation.Status.RUNNING,
    WorkOrderOperation.Status.PAUSED,
    WorkOrderOperation.Status.DOWN,
}
# Lateness costs this much per minute per unit of customer priority, against 1 per minute of
# makespan: being late for a customer matters more than finishing everything early.
TARDINESS_WEIGHT = 5


@dataclass(frozen=True)
class PlacedOperation:
    """What the app needs to turn an engine operation back into records."""

    id: int
    work_order_id: int
    work_order: str
    sequence: int
    work_center_id: int
    started: bool
    locked: bool
    piece: int = 0


@dataclass
class Built:
    """The problem, the clock it is expressed in, and the names back to records."""

    problem: Problem
    origin: dt.datetime
    local_origin: dt.datetime
    horizon_days: int
    operations: dict[str, PlacedOperation]
    work_centers: dict[str, int]
    due: dict[str, dt.date] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def minutes(self, moment: dt.datetime) -> int:
        """Whole minutes from the origin to an aware moment (rounded down)."""
        return math.floor((moment - self.origin).total_seconds() / 60)

    def moment(self, minutes: int) -> dt.datetime:
        return self.origin + dt.timedelta(minutes=minutes)


def operation_name(work_order: str, sequence: int) -> str:
    return f"{work_order}/{sequence}"


def schedule_origin(now: dt.datetime | None = None) -> dt.datetime:
    """Now, rounded up to the next whole minute: minute 0 of a run."""
    now = now or timezone.now()
    floor = now.replace(second=0, microsecond=0)
    return floor if floor == now else floor + dt.timedelta(minutes=1)


def _minutes(value: Decimal | float | int) -> int:
    return max(1, math.ceil(float(value)))


def _clip(windows: tuple[tuple[int, int], ...], end: int) -> list[tuple[int, int]]:
    return [(max(a, 0), min(b, end)) for a, b in windows if b > 0 and a < end]


def _subtract(
    windows: list[tuple[int, int]], holes: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Working windows less downtime windows (both sorted lists of half-open minute ranges)."""
    result = windows
    for h0, h1 in sorted(holes):
        next_result: list[tuple[int, int]] = []
        for a, b in result:
            if h1 <= a or b <= h0:
                next_result.append((a, b))
                continue
            if a < h0:
                next_result.append((a, h0))
            if h1 < b:
                next_result.append((h1, b))
        result = next_result
    return result


class _Clock:
    """Turns calendars and shifts into minute windows over the horizon, computing each once."""

    def __init__(self, origin: dt.datetime, horizon_days: int) -> None:
        self.local = timezone.localtime(origin).replace(tzinfo=None)
        self.first_day = self.local.date()
        self.last_day = self.first_day + dt.timedelta(days=horizon_days)
        self.end = math.floor(
            (
                dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time()) - self.local
            ).total_seconds()
            / 60
        )
        self.origin = origin
        self._calendars: dict[int, list[tuple[int, int]]] = {}

    def calendar(self, calendar: Calendar) -> list[tuple[int, int]]:
        if calendar.pk not in self._calendars:
            engine = working_calendar(calendar, self.first_day, self.last_day)
            self._calendars[calendar.pk] = self._windows(engine)
        return self._calendars[calendar.pk]

    def _windows(self, engine: WorkingCalendar) -> list[tuple[int, int]]:
        found = working_time(engine, self.first_day, self.last_day)
        return _clip(found.minutes_from(self.local), self.end)

    def shift(self, shift: Any) -> list[tuple[int, int]]:
        return self._windows(WorkingCalendar(shifts=(shift_pattern(shift),)))

    def minutes(self, moment: dt.datetime) -> int:
        return math.floor((moment - self.origin).total_seconds() / 60)

    def day_end(self, day: dt.date) -> int:
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        return math.floor((midnight - self.local).total_seconds() / 60)


def _rows(work_order_ids: list[int] | None) -> list[dict[str, Any]]:
    query = WorkOrderOperation.objects.filter(work_order__status__in=SCHEDULED_STATUSES).exclude(
        status=WorkOrderOperation.Status.COMPLETED
    )
    if work_order_ids is not None:
        query = query.filter(work_order_id__in=work_order_ids)
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in query.order_by("work_order_id", "sequence").values(
            "id",
            "sequence",
            "status",
            "work_center_id",
            "routing_operation_id",
            "setup_minutes",
            "run_minutes_per_unit",
            "setup_seconds",
            "processing_seconds",
            "actual_start",
            "work_order_id",
            "work_order__number",
            "work_order__quantity",
            "work_order__due_date",
            "work_order__released_at",
            "work_order__sales_order_line__order__customer__priority",
            "routing_operation__setup_family",
            "routing_operation__skill__code",
            "routing_operation__skill_level",
            "routing_operation__crew_size",
            "routing_operation__certification__code",
        )
    ]
    return rows


def _routing_rows(name: str, item_id: int, quantity: Decimal, due: dt.date) -> list[dict[str, Any]]:
    """A would-be work order's operations, read from the item's routing (for capable-to-promise)."""
    from andon.catalog.models import Operation as RoutingOperation

    rows = []
    for r in RoutingOperation.objects.filter(item_id=item_id).order_by("sequence").values(
        "id", "sequence", "work_center_id", "setup_minutes", "run_minutes_per_unit",
        "setup_family", "skill__code", "skill_level", "crew_size", "certification__code",
    ):  # fmt: skip
        rows.append(
            {
                "id": -r["id"],
                "sequence": r["sequence"],
                "status": WorkOrderOperation.Status.PENDING,
                "work_center_id": r["work_center_id"],
                "routing_operation_id": r["id"],
                "setup_minutes": r["setup_minutes"],
                "run_minutes_per_unit": r["run_minutes_per_unit"],
                "setup_seconds": 0,
                "processing_seconds": 0,
                "actual_start": None,
                "work_order_id": -1,
                "work_order__number": name,
                "work_order__quantity": quantity,
                "work_order__due_date": due,
                "work_order__released_at": None,
                "work_order__sales_order_line__order__customer__priority": None,
                "routing_operation__setup_family": r["setup_family"],
                "routing_operation__skill__code": r["skill__code"],
                "routing_operation__skill_level": r["skill_level"],
                "routing_operation__crew_size": r["crew_size"],
                "routing_operation__certification__code": r["certification__code"],
            }
        )
    return rows


def _pieces(modes: list[Mode], window: dict[str, int]) -> int:
    """Into how many pieces an operation longer than every working window is cut.

    The engine never lets an operation cross non-working time, which is right for a setup or a
    short run, but a 40-hour run of 2,000 parts simply carries on next shift: it becomes pieces
    that each fit a window, chained in order on the same routing step. `window` is, per work
    center, the longest stretch the operation can run there without a break: the machine's own
    window, or for an operation with a crew the longest time the machine and enough qualified
    workers are at work together (their breaks need not line up).
    """
    count = 1
    for m in modes:
        usable = window.get(m.resource, 0)
        if usable and m.duration > usable:
            count = max(count, math.ceil(m.duration / usable))
    return count


def longest_overlap(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> int:
    """The longest stretch inside both sorted, non-overlapping window lists."""
    i = j = best = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        best = max(best, end - start)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return best


class _CrewWindows:
    """Per crew requirement and work center: how long a crew can work there without a break.

    The count-th longest overlap among the qualified workers, so that a piece of that length fits
    the machine's and each chosen worker's working time at once. Zero means no crew can ever run
    the operation there, which is reported, naming the operation, before any solving.
    """

    def __init__(self, workers: list[Worker], resources: list[Resource]) -> None:
        self.workers = workers
        self.calendars = {r.name: tuple(r.calendar or ()) for r in resources}
        self.cache: dict[tuple[str, int, int, str], int] = {}
        self.qualified: dict[tuple[str, int], list[Worker]] = {}
        # Workers of one shift share its windows (see `_workers`), so the overlap with a
        # machine is computed once per (machine, shift), not once per worker.
        self.overlaps: dict[tuple[str, int], int] = {}

    def window(self, req: CrewRequirement, resource: str) -> int:
        key = (req.skill, req.min_level, req.count, resource)
        if key not in self.cache:
            able = self.qualified.get((req.skill, req.min_level))
            if able is None:
                able = [w for w in self.workers if w.qualified(req.skill, req.min_level)]
                self.qualified[req.skill, req.min_level] = able
            overlaps = sorted((self._overlap(resource, w) for w in able), reverse=True)
            self.cache[key] = overlaps[req.count - 1] if len(overlaps) >= req.count else 0
        return self.cache[key]

    def _overlap(self, resource: str, worker: Worker) -> int:
        key = (resource, id(worker.shifts))
        if key not in self.overlaps:
            machine = self.calendars.get(resource, ())
            self.overlaps[key] = longest_overlap(machine, tuple(worker.shifts or ()))
        return self.overlaps[key]


def _crew_key(skill: str | None, certification: str | None) -> str | None:
    if skill and certification:
        return f"{skill}+{certification}"
    if certification:
        return f"cert:{certification}"
    return skill or None


def _workers(clock: _Clock, keys: set[tuple[str | None, str | None]]) -> list[Worker]:
    """Workers on a shift with the qualifications the operations ask for."""
    if not keys:
        return []
    records = (
        WorkerRecord.objects.filter(active=True, shift__isnull=False)
        .select_related("shift")
        .prefetch_related("skill_levels__skill", "certifications__certification")
    )
    shifts: dict[int, tuple[tuple[int, int], ...]] = {}
    result = []
    for w in records:
        shift_id = w.shift_id or 0
        if shift_id not in shifts:
            shifts[shift_id] = tuple(clock.shift(w.shift))
        if not shifts[shift_id]:
            continue
        levels = {s.skill.code: s.level for s in w.skill_levels.all()}
        certificates: dict[str, int | None] = {}
        for c in w.certifications.all():
            if c.issued_on > clock.last_day or (
                c.expires_on is not None and c.expires_on < clock.first_day
            ):
                continue
            until = None if c.expires_on is None else clock.day_end(c.expires_on)
            code = c.certification.code
            if code not in certificates or until is None or (certificates[code] or 0) < until:
                certificates[code] = until
        quals = []
        for skill, certification in keys:
            key = _crew_key(skill, certification)
            if key is None or (skill and skill not in levels):
                continue
            if certification and certification not in certificates:
                continue
            level = levels[skill] if skill else 1
            valid = certificates[certification] if certification else None
            quals.append(Qualification(key, level, valid))
        if quals:
            # One tuple per shift, shared by its workers: `_CrewWindows` relies on it.
            result.append(Worker(w.code, tuple(quals), shifts[shift_id]))
    return result


def _locks(
    current: ScheduleRun | None, clock: _Clock, notes: list[str]
) -> dict[int, tuple[int, int]]:
    """Operation id -> (start minute, work center id) of planner locks in the schedule in force."""
    if current is None:
        return {}
    locks = {}
    rows = ScheduledOperation.objects.filter(run=current, locked=True, piece=0).values_list(
        "operation_id", "start", "work_center_id", "operation__work_order__number",
        "operation__sequence",
    )  # fmt: skip
    for op_id, start, center_id, number, sequence in rows:
        minute = clock.minutes(start)
        if minute < 0:
            notes.append(
                f"lock on {operation_name(number, sequence)} dropped: its start has passed"
            )
            continue
        locks[op_id] = (minute, center_id)
    return locks


def build_problem(
    *,
    origin: dt.datetime | None = None,
    horizon_days: int = 60,
    work_order_ids: list[int] | None = None,
    keep_locks: bool = True,
    extra: tuple[str, int, Decimal] | None = None,
) -> Built:
    """The engine's problem for the open work orders, from `origin` (default: now) on.

    `extra` = (job name, item id, quantity) adds a would-be order from the item's routing, due
    at once (capable-to-promise asks how early it could finish). Raises the engine's
    `ProblemError` naming the operation when no schedule can exist.
    """
    origin = origin or schedule_origin()
    clock = _Clock(origin, horizon_days)
    notes: list[str] = []
    rows = _rows(work_order_ids)
    if extra is not None:
        rows += _routing_rows(extra[0], extra[1], extra[2], clock.first_day - dt.timedelta(days=1))
    centers = {
        wc.pk: wc
        for wc in WorkCenter.objects.filter(active=True)
        .select_related("calendar")
        .prefetch_related("calendar__shifts", "calendar__exceptions")
    }
    used_centers: set[int] = {r["work_center_id"] for r in rows}
    routing_ids = {r["routing_operation_id"] for r in rows if r["routing_operation_id"]}
    alternatives: dict[int, list[tuple[int, Decimal | None]]] = defaultdict(list)
    if routing_ids:
        for op_id, center_id, rate in AlternativeWorkCenter.objects.values_list(
            "operation_id", "work_center_id", "run_minutes_per_unit"
        ):
            if op_id in routing_ids and center_id in centers:
                alternatives[op_id].append((center_id, rate))
                used_centers.add(center_id)
    downtime: dict[int, list[tuple[int, int]]] = defaultdict(list)
    horizon_end = origin + dt.timedelta(days=horizon_days + 1)
    for center_id, start, end in Downtime.objects.filter(
        end__gt=origin, start__lt=horizon_end
    ).values_list("work_center_id", "start", "end"):
        downtime[center_id].append((clock.minutes(start), math.ceil(clock.minutes(end))))
    resources = []
    for center_id in sorted(used_centers):
        wc = centers.get(center_id)
        if wc is None:
            continue
        windows = _subtract(clock.calendar(wc.calendar), downtime.get(center_id, []))
        resources.append(Resource(wc.code, wc.capacity, tuple(windows)))
    longest = {r.name: max((b - a for a, b in r.calendar or ()), default=0) for r in resources}
    needs = {
        (r["routing_operation__skill__code"], r["routing_operation__certification__code"])
        for r in rows
    }
    crew_keys = {(skill, cert) for skill, cert in needs if _crew_key(skill, cert)}
    workers = _workers(clock, crew_keys)
    crew_windows = _CrewWindows(workers, resources)
    families = {r["routing_operation__setup_family"] for r in rows} - {None, ""}
    family_setup: dict[str, int] = defaultdict(int)
    current = ScheduleRun.current() if keep_locks else None
    locks = _locks(current, clock, notes)

    jobs: dict[str, Job] = {}
    due: dict[str, dt.date] = {}
    operations: list[Operation] = []
    placed: dict[str, PlacedOperation] = {}
    started_by_center: dict[int, list[tuple[dt.datetime, dict[str, Any]]]] = defaultdict(list)
    previous: dict[int, str] = {}
    for r in rows:
        number = r["work_order__number"]
        if number not in jobs:
            released = r["work_order__released_at"]
            release = max(0, clock.minutes(released)) if released else 0
            weight = r["work_order__sales_order_line__order__customer__priority"] or 1
            jobs[number] = Job(
                number, release, clock.day_end(r["work_order__due_date"]), TARDINESS_WEIGHT * weight
            )
            due[number] = r["work_order__due_date"]
        quantity = r["work_order__quantity"]
        primary = centers.get(r["work_center_id"])
        if primary is None:
            raise ProblemError(
                f"operation {operation_name(number, r['sequence'])}: its work center is inactive"
            )
        family = r["routing_operation__setup_family"] or None
        setup = r["setup_minutes"]
        if family:
            family_setup[family] = max(family_setup[family], _minutes(setup) if setup else 0)
            setup = Decimal(0)
        name = operation_name(number, r["sequence"])
        started = r["status"] in STARTED
        modes = []
        for center_id, rate in [
            (r["work_center_id"], r["run_minutes_per_unit"]),
            *alternatives.get(r["routing_operation_id"], []),
        ]:
            wc = centers[center_id]
            run = r["run_minutes_per_unit"] if rate is None else rate
            work = (setup + run * quantity) * Decimal(100) / wc.efficiency_percent
            modes.append(Mode(wc.code, _minutes(work)))
        fixed: tuple[int | None, str | None] = (None, None)
        if started:
            done = (r["setup_seconds"] + r["processing_seconds"]) / 60
            modes = [Mode(primary.code, _minutes(max(modes[0].duration - done, 1)))]
            started_by_center[r["work_center_id"]].append((r["actual_start"] or origin, r))
        elif r["id"] in locks:
            minute, center_id = locks[r["id"]]
            code = centers[center_id].code if center_id in centers else ""
            if any(m.resource == code for m in modes):
                fixed = (minute, code)
            else:
                notes.append(f"lock on {name} dropped: {code} can no longer run it")
        skill = r["routing_operation__skill__code"]
        certification = r["routing_operation__certification__code"]
        key = _crew_key(skill, certification)
        crew: tuple[CrewRequirement, ...] = ()
        if key is not None and not started:
            level = r["routing_operation__skill_level"] if skill else 1
            crew = (CrewRequirement(key, level, r["routing_operation__crew_size"] or 1),)
        predecessor = previous.get(r["work_order_id"])
        window = dict(longest)
        if crew:
            window = {m.resource: crew_windows.window(crew[0], m.resource) for m in modes}
            if not any(window.values()):
                raise ProblemError(
                    f"operation {name}: no {crew[0].count} worker(s) qualified for "
                    f"{crew[0].skill} at level {crew[0].min_level} or higher are on shift while "
                    f"{', '.join(m.resource for m in modes)} works"
                )
        count = 1 if started or fixed[0] is not None else _pieces(modes, window)
        for piece in range(count):
            piece_name = name if count == 1 else f"{name}#{piece + 1}"
            operations.append(
                Operation(
                    piece_name,
                    number,
                    tuple(Mode(m.resource, _minutes(m.duration / count)) for m in modes),
                    predecessors=(predecessor,) if predecessor else (),
                    setup_family=family,
                    crew=crew,
                    fixed_start=fixed[0],
                    fixed_resource=fixed[1],
                )
            )
            predecessor = piece_name
            placed[piece_name] = PlacedOperation(
                r["id"],
                r["work_order_id"],
                number,
                r["sequence"],
                r["work_center_id"],
                started,
                fixed[0] is not None,
                piece,
            )
        previous[r["work_order_id"]] = predecessor or name
    operations = _fix_started(operations, started_by_center, centers)
    changeovers = tuple(
        Changeover(family, family_setup[family])
        for family in sorted(families)
        if family_setup[family]
    )
    problem = Problem(
        jobs=tuple(jobs.values()),
        operations=tuple(operations),
        resources=tuple(resources),
        workers=tuple(workers),
        changeovers=changeovers,
        objective=Objective(makespan=1, tardiness=1, setup=1 if changeovers else 0),
    )
    return Built(
        problem=problem,
        origin=origin,
        local_origin=clock.local,
        horizon_days=horizon_days,
        operations=placed,
        work_centers={wc.code: wc.pk for wc in centers.values()},
        due=due,
        notes=notes,
    )


def _fix_started(
    operations: list[Operation],
    started: dict[int, list[tuple[dt.datetime, dict[str, Any]]]],
    centers: dict[int, WorkCenter],
) -> list[Operation]:
    """Started operations hold their machine from now for their remaining time.

    More started operations than a center has machines (the floor reported two jobs on one
    machine) queue in the order they started, rather than making the problem unsolvable.
    """
    fixes: dict[str, int] = {}
    by_name = {o.name: o for o in operations}
    for center_id, items in started.items():
        lanes = [0] * centers[center_id].capacity
        for _, r in sorted(items, key=lambda x: x[0]):
            name = operation_name(r["work_order__number"], r["sequence"])
            lane = min(range(len(lanes)), key=lambda i: lanes[i])
            fixes[name] = lanes[lane]
            lanes[lane] += by_name[name].modes[0].duration
    if not fixes:
        return operations
    result = []
    for op in operations:
        if op.name in fixes:
            op = Operation(
                op.name,
                op.job,
                op.modes,
                predecessors=(),
                setup_family=op.setup_family,
                fixed_start=fixes[op.name],
                fixed_resource=op.modes[0].resource,
            )
        result.append(op)
    return result
