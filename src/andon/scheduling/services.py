"""Scheduling use cases: run, publish, reschedule, lock and move.

A run is recorded first (status running, in its own short transaction), then solved outside any
transaction, then published in one transaction that writes all its placed operations and makes
it the schedule in force. A run that fails (bad data, no schedule found) or dies half-way writes
no placed operations, so the previous schedule stays in force: that is the whole of the
"published atomically" guarantee, and it holds whatever process runs the task. The publishing
transaction also publishes `SchedulePublished`, which the contexts that follow the schedule in
force (customer notices) hear once it has committed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from andon.core import audit
from andon.core.errors import Conflict, ValidationFailed
from andon.core.events import publish
from andon.engines.scheduling import (
    Assignment,
    CheckerError,
    ProblemError,
    Result,
    Schedule,
    Status,
    reschedule,
    solve,
)
from andon.plant.models import WorkCenter
from andon.scheduling import changes
from andon.scheduling.domain_events import SchedulePublished
from andon.scheduling.downtime import record_downtime
from andon.scheduling.inputs import Built, build_problem, schedule_origin
from andon.scheduling.models import ScheduledOperation, ScheduleRun

log = logging.getLogger(__name__)
Progress = Callable[[int, int | None], None]

DEFAULT_TIME_LIMIT = float(getattr(settings, "ANDON_SCHEDULE_TIME_LIMIT", 10.0))
DEFAULT_HORIZON_DAYS = int(getattr(settings, "ANDON_SCHEDULE_HORIZON_DAYS", 60))
# A run that finds no schedule within its horizon tries again with twice the days, up to a year:
# an overloaded plant gets a schedule with late orders, not a failed run. On the small demo plant
# with work orders for every open sales line, the test station was booked beyond 60 days.
MAX_HORIZON_DAYS = 366
SOLVER_WORKERS = int(getattr(settings, "ANDON_SCHEDULE_WORKERS", 2))
# A reschedule starts from the schedule in force repaired, so it needs less search than a new
# schedule, and the floor is waiting for it: half the time limit by default.
RESCHEDULE_TIME_LIMIT = float(
    getattr(settings, "ANDON_RESCHEDULE_TIME_LIMIT", min(DEFAULT_TIME_LIMIT, 5.0))
)
# Minutes of start shift weighed as one minute of objective when rescheduling: moving work on
# the floor is a cost in itself.
STABILITY = 1
AUTOMATIC_REASON = "orders changed (automatic)"
# A run still "running" this long after its time limit died with its process.
STALE_AFTER = dt.timedelta(minutes=10)


def expire_stale_runs() -> int:
    """Mark runs whose process died as failed, so no page waits for them forever."""
    count = 0
    for run in ScheduleRun.objects.filter(status=ScheduleRun.Status.RUNNING):
        if timezone.now() - run.created_at > dt.timedelta(seconds=run.time_limit) + STALE_AFTER:
            _fail(run, "interrupted: the run's process stopped before it finished")
            count += 1
    return count


@transaction.atomic
def create_run(
    user: Any,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    kind: str = ScheduleRun.Kind.SCHEDULE,
    reason: str = "",
) -> ScheduleRun:
    """Record a run about to start (nothing in force changes yet)."""
    if not 0 < time_limit <= 3600:
        raise ValidationFailed(
            "The time limit must be between 0 and 3600 seconds.", code="time_limit"
        )
    if not 1 <= horizon_days <= 366:
        raise ValidationFailed("The horizon must be 1 to 366 days.", code="horizon")
    run = ScheduleRun.objects.create(
        kind=kind,
        time_limit=time_limit,
        horizon_days=horizon_days,
        reason=reason[:200],
        created_by=user if getattr(user, "pk", None) else None,
    )
    audit.record(user, "create", run, audit.snapshot(run))
    return run


def start_run(
    user: Any,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    kind: str = ScheduleRun.Kind.SCHEDULE,
    reason: str = "",
) -> ScheduleRun:
    """Record a run and hand it to the task queue (runs in-process with the immediate backend)."""
    from andon.scheduling.tasks import run_schedule

    expire_stale_runs()
    run = create_run(
        user, time_limit=time_limit, horizon_days=horizon_days, kind=kind, reason=reason
    )
    run_schedule.enqueue(run.pk)
    run.refresh_from_db()
    return run


def lengthened_horizon(days: int) -> int | None:
    """The next horizon to try when the orders do not fit in `days` (None: a year was tried)."""
    return min(2 * days, MAX_HORIZON_DAYS) if days < MAX_HORIZON_DAYS else None


def execute_run(
    run_id: int, *, on_progress: Progress | None = None, origin: dt.datetime | None = None
) -> ScheduleRun:
    """Build, solve and publish one recorded run; never raises for bad plant data."""
    run = ScheduleRun.objects.get(pk=run_id)
    began = time.perf_counter()
    # Saved before anything is read: a run with an origin has started reading the plant, so an
    # order change committed later needs another run (`reschedule_after_order_change`).
    origin = origin or schedule_origin()
    _save(run, origin=origin)
    while True:
        try:
            built = build_problem(origin=origin, horizon_days=run.horizon_days)
        except ProblemError as exc:
            return _fail(run, str(exc))
        _log_problem(run, built, began)
        if not built.problem.operations:
            return _publish(run, built, Result(Status.OPTIMAL, Schedule(()), 0, 0), began)
        try:
            previous = None
            if run.kind == ScheduleRun.Kind.RESCHEDULE:
                previous = previous_schedule(built, ScheduleRun.current())
            result = _solve(run, built, previous, began, on_progress)
        except CheckerError as exc:  # a modelling bug: never publish an unchecked schedule
            log.exception("schedule run %s: checker rejected the solver's schedule", run.pk)
            return _fail(run, f"internal error, nothing published: {exc}")
        if result.schedule is not None:
            break
        if not _lengthened(run, result, began):
            return _fail(run, f"no schedule ({result.status.value}): {result.message}")
    try:
        return _publish(run, built, result, began)
    except Superseded as exc:
        return _fail(run, str(exc))


def _log_problem(run: ScheduleRun, built: Built, began: float) -> None:
    """What the run is about to solve, in its log (kept across horizons it tries)."""
    problem = built.problem
    lines = [
        *([run.log] if run.log else []),
        f"{len(problem.operations)} operations of {len(problem.jobs)} work orders on "
        f"{len(problem.resources)} work centers, {len(problem.workers)} workers, "
        f"{run.horizon_days} days; built in {time.perf_counter() - began:.2f} s",
        *built.notes,
    ]
    _save(run, origin=built.origin, log="\n".join(lines), operation_count=len(problem.operations))


def _lengthened(run: ScheduleRun, result: Result, began: float) -> bool:
    """Whether the run tries again with a longer horizon after finding no schedule.

    Another try must end before the run would count as interrupted (`expire_stale_runs`)."""
    longer = lengthened_horizon(run.horizon_days)
    if longer is None or time.perf_counter() - began > STALE_AFTER.total_seconds() / 2:
        return False
    _save(
        run,
        horizon_days=longer,
        log=f"{run.log}\nno schedule within {run.horizon_days} days ({result.message}): "
        f"the open orders may need more working time than the calendars hold; "
        f"trying {longer} days",
    )
    return True


class Superseded(Conflict):
    """A run started later was published first: it read newer orders, so it stays in force."""


def _save(run: ScheduleRun, **fields: Any) -> None:
    # Outside any transaction, so that a page polling the run sees each step at once.
    for name, value in fields.items():
        setattr(run, name, value)
    ScheduleRun.objects.filter(pk=run.pk).update(**fields)


def _solve(
    run: ScheduleRun,
    built: Built,
    previous: Schedule | None,
    began: float,
    on_progress: Progress | None,
) -> Result:
    """One engine call for the whole time limit; each better schedule it reports on the way is
    a point of the run's progress, so the page shows the first schedule within seconds."""
    problem = built.problem
    points: list[list[float]] = []
    solving = time.perf_counter()
    limit = run.time_limit

    def record(objective: int | None, percent: int) -> None:
        if objective is not None and (not points or points[-1][1] != objective):
            points.append([round(time.perf_counter() - solving, 2), objective])
        _save(run, progress=list(points), percent=percent)
        if on_progress is not None:
            on_progress(percent, objective)

    def found(objective: int) -> None:
        record(objective, min(99, round(100 * (time.perf_counter() - solving) / limit)))

    if previous is not None:
        result = reschedule(
            problem, previous, limit, SOLVER_WORKERS, seed=0, stability=STABILITY,
            on_solution=found,
        )  # fmt: skip
    else:
        result = solve(problem, limit, SOLVER_WORKERS, seed=0, on_solution=found)
    record(result.objective, 100)
    if result.message:
        _save(run, log=f"{run.log}\n{result.message}".strip())
    return result


def previous_schedule(built: Built, run: ScheduleRun | None) -> Schedule | None:
    """The schedule in force, in the minutes of a newly built problem (what can still move)."""
    if run is None:
        return None
    problem = built.problem
    by_id = {(p.id, p.piece): name for name, p in built.operations.items()}
    codes = {pk: code for code, pk in built.work_centers.items()}
    assignments = []
    for op_id, piece, center_id, start, workers in ScheduledOperation.objects.filter(
        run=run
    ).values_list("operation_id", "piece", "work_center_id", "start", "workers"):
        name = by_id.get((op_id, piece))
        if name is None:
            continue
        op = problem.operation_by_name[name]
        minute = built.minutes(start)
        resource = codes.get(center_id, "")
        if op.locked or minute < 0 or resource not in op.resources:
            continue
        crew = tuple(w for w in workers.split(",") if w)
        end = minute + op.duration_on(resource)
        assignments.append(Assignment(name, resource, minute, end, crew))
    return Schedule(tuple(assignments))


@transaction.atomic
def _publish(run: ScheduleRun, built: Built, result: Result, began: float) -> ScheduleRun:
    """Write the run's placed operations and make it the schedule in force, all or nothing."""
    run = ScheduleRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ScheduleRun.Status.RUNNING:
        raise Conflict(f"Schedule run {run.pk} is {run.status}, not running.", code="not_running")
    # Two publishers queue on the schedule in force, so the second sees what the first did.
    ScheduleRun.objects.select_for_update().filter(status=ScheduleRun.Status.PUBLISHED).order_by(
        "-published_at", "-id"
    ).first()
    current = ScheduleRun.current()
    if current is not None and current.pk > run.pk:
        raise Superseded(
            f"superseded, nothing published: run {current.pk}, started after this one, read "
            "newer orders and was published first",
            code="superseded",
        )
    before: dict[tuple[int, int], tuple[dt.datetime, int]] = {}
    if current is not None:
        before = {
            (op_id, piece): (start, center_id)
            for op_id, piece, start, center_id in ScheduledOperation.objects.filter(
                run=current
            ).values_list("operation_id", "piece", "start", "work_center_id")
        }
    assert result.schedule is not None
    job_end: dict[str, int] = {}
    rows = []
    moved = 0
    for a in result.schedule.assignments:
        placed = built.operations[a.operation]
        job_end[placed.work_order] = max(job_end.get(placed.work_order, 0), a.end)
        start = built.moment(a.start)
        center_id = built.work_centers[a.resource]
        prior = before.get((placed.id, placed.piece))
        # A started operation is placed at "now" by every run: it runs on, it did not move.
        if prior is not None and not placed.started and (prior[0], prior[1]) != (start, center_id):
            moved += 1
        rows.append(
            ScheduledOperation(
                run=run,
                operation_id=placed.id,
                piece=placed.piece,
                work_center_id=center_id,
                start=start,
                end=built.moment(a.end),
                locked=placed.locked,
                started=placed.started,
                workers=",".join(a.workers)[:300],
                previous_start=prior[0] if prior else None,
                previous_work_center_id=prior[1] if prior else None,
            )
        )
    ScheduledOperation.objects.bulk_create(rows, batch_size=500)
    late = sum(
        1
        for job in built.problem.jobs
        if job.due is not None and job_end.get(job.name, 0) > job.due
    )
    now = timezone.now()
    fields = {
        "status": ScheduleRun.Status.PUBLISHED,
        "solver_status": result.status.value,
        "objective": result.objective,
        "lower_bound": result.lower_bound,
        "percent": 100,
        "moved_count": moved,
        "late_orders": late,
        "seconds": round(time.perf_counter() - began, 2),
        "finished_at": now,
        "published_at": now,
        "message": f"{len(rows)} operation{pluralize(len(rows))} placed, "
        f"{late} order{pluralize(late)} late" + (f", {moved} moved" if current is not None else ""),
    }
    _save(run, **fields)
    audit.record(run.created_by, "update", run, {k: str(v) for k, v in fields.items()})
    publish(
        SchedulePublished(
            run_id=run.pk,
            kind=run.kind,
            published_at=now,
            operations=len(rows),
            late_orders=late,
            moved=moved,
        )
    )
    return run


def _fail(run: ScheduleRun, message: str) -> ScheduleRun:
    """Record why a run failed; the schedule in force is not touched."""
    with transaction.atomic():
        fields = {
            "status": ScheduleRun.Status.FAILED,
            "message": message[:2000],
            "finished_at": timezone.now(),
        }
        _save(run, **fields)
        audit.record(run.created_by, "update", run, {"status": "failed", "message": message})
    return run


# --- changes on the floor ---------------------------------------------------------------------


def work_center_down(
    user: Any,
    work_center: WorkCenter,
    start: dt.datetime,
    end: dt.datetime,
    *,
    reason: str = "",
    time_limit: float = RESCHEDULE_TIME_LIMIT,
) -> ScheduleRun:
    """Record that a work center cannot work from `start` to `end`, and reschedule around it.

    Started and locked operations stay where they are; everything else moves as little as the
    objective allows (see `engines.scheduling.reschedule`).
    """
    record_downtime(user, work_center, start, end, reason=reason)
    local = timezone.localtime
    return start_run(
        user,
        time_limit=time_limit,
        kind=ScheduleRun.Kind.RESCHEDULE,
        reason=f"{work_center.code} down {local(start):%d %b %H:%M}-{local(end):%d %b %H:%M}"
        + (f": {reason}" if reason else ""),
    )


def reschedule_now(
    user: Any, *, reason: str = "", time_limit: float = RESCHEDULE_TIME_LIMIT
) -> ScheduleRun:
    """After an order changed: a new schedule that keeps the floor as stable as it can.

    Started and locked operations stay put; every other operation weighs each minute it moves
    against the objective, and the first schedule tried is the one in force repaired, so only
    what the change pushes moves. A failing reschedule publishes nothing.
    """
    if not reason:
        numbers = sorted({c.work_order for c in changes.since(ScheduleRun.current())})
        reason = "orders changed" + (f": {', '.join(numbers[:8])}" if numbers else "")
        reason += f" and {len(numbers) - 8} more" if len(numbers) > 8 else ""
    return start_run(
        user,
        time_limit=time_limit,
        kind=ScheduleRun.Kind.RESCHEDULE,
        reason=reason,
    )


def reschedule_after_order_change() -> ScheduleRun | None:
    """The automatic reschedule queued once an order change has committed.

    Nothing without a schedule in force (the first schedule is the planner's call), and nothing
    while a run is queued that has not started reading the plant: it will see this change too.
    A run already reading may have missed it, so another is queued; should the two finish out of
    order, the older one is not published (`Superseded`).
    """
    if ScheduleRun.current() is None:
        return None
    waiting = ScheduleRun.objects.filter(status=ScheduleRun.Status.RUNNING, origin__isnull=True)
    if waiting.exists():
        return None
    return start_run(
        None,
        time_limit=RESCHEDULE_TIME_LIMIT,
        kind=ScheduleRun.Kind.RESCHEDULE,
        reason=AUTOMATIC_REASON,
    )


def current_row(pk: int) -> ScheduledOperation:
    """A placed operation of the schedule in force, or a clear refusal."""
    current = ScheduleRun.current()
    row = (
        ScheduledOperation.objects.select_related("operation__work_order", "work_center", "run")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise ValidationFailed(f"There is no scheduled operation {pk}.", code="unknown_operation")
    if current is None or row.run_id != current.pk:
        raise Conflict(
            f"{row.operation} belongs to schedule run {row.run_id}, not the one in force.",
            code="not_current",
        )
    return row


@transaction.atomic
def set_lock(user: Any, pk: int, locked: bool) -> ScheduledOperation:
    """Lock (or free) an operation where it is: the next run keeps it there."""
    row = current_row(pk)
    if row.started:
        raise Conflict(f"{row.operation} has started on the floor; it is fixed anyway.",
                       code="started")  # fmt: skip
    before = row.locked
    ScheduledOperation.objects.filter(pk=row.pk).update(locked=locked)
    row.locked = locked
    if before != locked:
        audit.record(user, "update", row, {"locked": [before, locked]})
    return row
