"""Routing steps into the engine's jobs and operations: durations, locks, crews and pieces.

`build_problem` (inputs.py) reads the plant; this turns each open routing step into the
operations the engine schedules, and keeps the names that lead back to the records.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from andon.engines.scheduling import (
    Changeover,
    CrewRequirement,
    Job,
    Mode,
    Operation,
    ProblemError,
    Resource,
    Worker,
)
from andon.plant.models import WorkCenter
from andon.production.models import WorkOrderOperation
from andon.scheduling.clock import Clock
from andon.scheduling.crews import CrewWindows, crew_key

Alternatives = dict[int, list[tuple[int, Decimal | None]]]
"""Routing operation id -> (work center id, its own run minutes per unit or None) it may use."""

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


def operation_name(work_order: str, sequence: int) -> str:
    return f"{work_order}/{sequence}"


def _minutes(value: Decimal | float | int) -> int:
    return max(1, math.ceil(float(value)))


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


class RoutingSteps:
    """The engine's jobs and operations, built one routing step at a time.

    Steps come in work order and sequence order, so each is chained after the previous step of
    its order; an operation longer than every working window is cut into pieces (`_pieces`).
    """

    def __init__(
        self,
        clock: Clock,
        centers: dict[int, WorkCenter],
        alternatives: Alternatives,
        resources: list[Resource],
        workers: list[Worker],
        locks: dict[int, tuple[int, int]],
        notes: list[str],
    ) -> None:
        self.clock = clock
        self.centers = centers
        self.alternatives = alternatives
        self.locks = locks
        self.notes = notes
        self.longest = {
            r.name: max((b - a for a, b in r.calendar or ()), default=0) for r in resources
        }
        self.crew_windows = CrewWindows(workers, resources)
        self.family_setup: dict[str, int] = defaultdict(int)
        self.jobs: dict[str, Job] = {}
        self.due: dict[str, dt.date] = {}
        self.operations: list[Operation] = []
        self.placed: dict[str, PlacedOperation] = {}
        self.started: dict[int, list[tuple[dt.datetime, dict[str, Any]]]] = defaultdict(list)
        self.previous: dict[int, str] = {}

    def add(self, r: dict[str, Any]) -> None:
        """One routing step: its job, modes, what fixes it, its crew, and its pieces."""
        number = r["work_order__number"]
        self._job(r)
        name = operation_name(number, r["sequence"])
        primary = self.centers.get(r["work_center_id"])
        if primary is None:
            raise ProblemError(f"operation {name}: its work center is inactive")
        family, setup = self._setup(r)
        started = r["status"] in STARTED
        modes = self._modes(r, setup)
        fixed: tuple[int | None, str | None] = (None, None)
        if started:
            done = (r["setup_seconds"] + r["processing_seconds"]) / 60
            modes = [Mode(primary.code, _minutes(max(modes[0].duration - done, 1)))]
            self.started[r["work_center_id"]].append((r["actual_start"] or self.clock.origin, r))
        elif r["id"] in self.locks:
            fixed = self._lock(r["id"], name, modes)
        crew = self._crew(r, started)
        window = self._window(name, crew, modes)
        count = 1 if started or fixed[0] is not None else _pieces(modes, window)
        self._place(r, name, modes, count, family, crew, fixed, started)

    def _job(self, r: dict[str, Any]) -> None:
        """The step's work order as a job: released no earlier than now, weighted by priority."""
        number = r["work_order__number"]
        if number in self.jobs:
            return
        released = r["work_order__released_at"]
        release = max(0, self.clock.minutes(released)) if released else 0
        weight = r["work_order__sales_order_line__order__customer__priority"] or 1
        due = self.clock.day_end(r["work_order__due_date"])
        self.jobs[number] = Job(number, release, due, TARDINESS_WEIGHT * weight)
        self.due[number] = r["work_order__due_date"]

    def _setup(self, r: dict[str, Any]) -> tuple[str | None, Decimal]:
        """The step's setup family and the setup left in its duration (none with a family:
        the family's changeover pays it)."""
        family = r["routing_operation__setup_family"] or None
        setup = r["setup_minutes"]
        if family:
            self.family_setup[family] = max(
                self.family_setup[family], _minutes(setup) if setup else 0
            )
            setup = Decimal(0)
        return family, setup

    def _modes(self, r: dict[str, Any], setup: Decimal) -> list[Mode]:
        """The primary work center and each alternative, at its own rate and efficiency."""
        quantity = r["work_order__quantity"]
        modes = []
        for center_id, rate in [
            (r["work_center_id"], r["run_minutes_per_unit"]),
            *self.alternatives.get(r["routing_operation_id"], []),
        ]:
            wc = self.centers[center_id]
            run = r["run_minutes_per_unit"] if rate is None else rate
            work = (setup + run * quantity) * Decimal(100) / wc.efficiency_percent
            modes.append(Mode(wc.code, _minutes(work)))
        return modes

    def _lock(self, op_id: int, name: str, modes: list[Mode]) -> tuple[int | None, str | None]:
        """Where a planner locked the step, if its work center can still run it."""
        minute, center_id = self.locks[op_id]
        code = self.centers[center_id].code if center_id in self.centers else ""
        if any(m.resource == code for m in modes):
            return minute, code
        self.notes.append(f"lock on {name} dropped: {code} can no longer run it")
        return None, None

    def _crew(self, r: dict[str, Any], started: bool) -> tuple[CrewRequirement, ...]:
        """The crew a step not yet started needs (a started one has its people already)."""
        skill = r["routing_operation__skill__code"]
        key = crew_key(skill, r["routing_operation__certification__code"])
        if key is None or started:
            return ()
        level = r["routing_operation__skill_level"] if skill else 1
        return (CrewRequirement(key, level, r["routing_operation__crew_size"] or 1),)

    def _window(
        self, name: str, crew: tuple[CrewRequirement, ...], modes: list[Mode]
    ) -> dict[str, int]:
        """Per work center, the longest stretch the step can run without a break; an error
        naming the step when no crew is ever at work with any of its machines."""
        if not crew:
            return dict(self.longest)
        window = {m.resource: self.crew_windows.window(crew[0], m.resource) for m in modes}
        if not any(window.values()):
            raise ProblemError(
                f"operation {name}: no {crew[0].count} worker(s) qualified for "
                f"{crew[0].skill} at level {crew[0].min_level} or higher are on shift while "
                f"{', '.join(m.resource for m in modes)} works"
            )
        return window

    def _place(
        self,
        r: dict[str, Any],
        name: str,
        modes: list[Mode],
        count: int,
        family: str | None,
        crew: tuple[CrewRequirement, ...],
        fixed: tuple[int | None, str | None],
        started: bool,
    ) -> None:
        """The step as `count` operations chained in order, and their names back to records."""
        number = r["work_order__number"]
        predecessor = self.previous.get(r["work_order_id"])
        for piece in range(count):
            piece_name = name if count == 1 else f"{name}#{piece + 1}"
            self.operations.append(
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
            self.placed[piece_name] = PlacedOperation(
                r["id"],
                r["work_order_id"],
                number,
                r["sequence"],
                r["work_center_id"],
                started,
                fixed[0] is not None,
                piece,
            )
        self.previous[r["work_order_id"]] = predecessor or name

    def changeovers(self, rows: list[dict[str, Any]]) -> tuple[Changeover, ...]:
        """A changeover into each setup family: the longest setup of its operations."""
        families = {r["routing_operation__setup_family"] for r in rows} - {None, ""}
        return tuple(
            Changeover(family, self.family_setup[family])
            for family in sorted(families)
            if self.family_setup[family]
        )


def fix_started(
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
