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
from andon.engines.scheduling import Objective, Problem, Resource
from andon.plant.models import WorkCenter
from andon.production.models import WorkOrder, WorkOrderOperation
from andon.scheduling.clock import Clock, Windows, longest_overlap, subtract
from andon.scheduling.crews import Need, crew_key, read_workers
from andon.scheduling.models import Downtime, ScheduledOperation, ScheduleRun
from andon.scheduling.routing_steps import (
    Alternatives,
    PlacedOperation,
    RoutingSteps,
    fix_started,
    operation_name,
)

__all__ = [
    "Built",
    "PlacedOperation",
    "build_problem",
    "longest_overlap",
    "operation_name",
    "schedule_origin",
]

SCHEDULED_STATUSES = (
    WorkOrder.Status.PLANNED,
    WorkOrder.Status.RELEASED,
    WorkOrder.Status.IN_PROGRESS,
)


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


def schedule_origin(now: dt.datetime | None = None) -> dt.datetime:
    """Now, rounded up to the next whole minute: minute 0 of a run."""
    now = now or timezone.now()
    floor = now.replace(second=0, microsecond=0)
    return floor if floor == now else floor + dt.timedelta(minutes=1)


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
    `ProblemError` naming the operation (or the calendar or shift) when no schedule can exist.
    """
    origin = origin or schedule_origin()
    clock = Clock(origin, horizon_days)
    notes: list[str] = []
    rows = _open_operations(clock, work_order_ids, extra)
    centers = _work_centers()
    alternatives, used_centers = _alternatives(rows, centers)
    downtime = _downtime(clock, origin, horizon_days)
    resources = _resources(clock, centers, used_centers, downtime)
    workers = read_workers(clock, _crew_needs(rows))
    locks = _locks(ScheduleRun.current() if keep_locks else None, clock, notes)
    shop = RoutingSteps(clock, centers, alternatives, resources, workers, locks, notes)
    for row in rows:
        shop.add(row)
    changeovers = shop.changeovers(rows)
    problem = Problem(
        jobs=tuple(shop.jobs.values()),
        operations=tuple(fix_started(shop.operations, shop.started, centers)),
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
        operations=shop.placed,
        work_centers={wc.code: wc.pk for wc in centers.values()},
        due=shop.due,
        notes=notes,
    )


def _open_operations(
    clock: Clock, work_order_ids: list[int] | None, extra: tuple[str, int, Decimal] | None
) -> list[dict[str, Any]]:
    """The operations to schedule: the open work orders', and a would-be order's if asked."""
    rows = _rows(work_order_ids)
    if extra is not None:
        rows += _routing_rows(extra[0], extra[1], extra[2], clock.first_day - dt.timedelta(days=1))
    return rows


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


def _locks(
    current: ScheduleRun | None, clock: Clock, notes: list[str]
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


def _work_centers() -> dict[int, WorkCenter]:
    """The active work centers with their calendars, by id."""
    return {
        wc.pk: wc
        for wc in WorkCenter.objects.filter(active=True)
        .select_related("calendar")
        .prefetch_related("calendar__shifts", "calendar__exceptions")
    }


def _alternatives(
    rows: list[dict[str, Any]], centers: dict[int, WorkCenter]
) -> tuple[Alternatives, set[int]]:
    """The active alternatives of the routing steps to schedule, and every center they use."""
    used_centers: set[int] = {r["work_center_id"] for r in rows}
    routing_ids = {r["routing_operation_id"] for r in rows if r["routing_operation_id"]}
    alternatives: Alternatives = defaultdict(list)
    if routing_ids:
        for op_id, center_id, rate in AlternativeWorkCenter.objects.values_list(
            "operation_id", "work_center_id", "run_minutes_per_unit"
        ):
            if op_id in routing_ids and center_id in centers:
                alternatives[op_id].append((center_id, rate))
                used_centers.add(center_id)
    return alternatives, used_centers


def _downtime(clock: Clock, origin: dt.datetime, horizon_days: int) -> dict[int, Windows]:
    """Recorded downtime over the horizon, per work center id, in minutes."""
    downtime: dict[int, Windows] = defaultdict(list)
    horizon_end = origin + dt.timedelta(days=horizon_days + 1)
    for center_id, start, end in Downtime.objects.filter(
        end__gt=origin, start__lt=horizon_end
    ).values_list("work_center_id", "start", "end"):
        downtime[center_id].append((clock.minutes(start), math.ceil(clock.minutes(end))))
    return downtime


def _resources(
    clock: Clock,
    centers: dict[int, WorkCenter],
    used_centers: set[int],
    downtime: dict[int, Windows],
) -> list[Resource]:
    """The work centers in use as resources: their calendar's working time less downtime."""
    resources = []
    for center_id in sorted(used_centers):
        wc = centers.get(center_id)
        if wc is None:
            continue
        windows = subtract(clock.calendar(wc.calendar), downtime.get(center_id, []))
        resources.append(Resource(wc.code, wc.capacity, tuple(windows)))
    return resources


def _crew_needs(rows: list[dict[str, Any]]) -> set[Need]:
    """The (skill, certification) pairs the operations ask of a crew."""
    needs = {
        (r["routing_operation__skill__code"], r["routing_operation__certification__code"])
        for r in rows
    }
    return {(skill, cert) for skill, cert in needs if crew_key(skill, cert)}
