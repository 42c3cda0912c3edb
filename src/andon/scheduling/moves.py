"""Move an operation by hand, checked by the engine's independent checker before it is saved.

The schedule in force was computed at an earlier minute 0 and the floor has moved on since, so it
may already break a rule or two (an operation started late). A move is judged by what it adds:
the violations of the moved schedule that the schedule in force did not already have.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db import transaction

from andon.core import audit
from andon.core.errors import Problem as Issue
from andon.core.errors import ValidationFailed
from andon.engines.scheduling import Assignment, Problem, ProblemError, Schedule, check
from andon.plant.models import WorkCenter
from andon.scheduling.inputs import Built, build_problem, operation_name
from andon.scheduling.models import ScheduledOperation
from andon.scheduling.services import current_row


@dataclasses.dataclass(frozen=True)
class MoveCheck:
    """The verdict on a proposed move: where it would land and what it would break."""

    operation: str
    work_center: str
    start: dt.datetime
    end: dt.datetime
    workers: tuple[str, ...]
    conflicts: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.conflicts


def _crew(
    problem: Problem, schedule: list[Assignment], name: str, start: int, end: int
) -> tuple[str, ...]:
    """Workers on shift and free for [start, end) who fill the operation's crew, if any."""
    op = problem.operation_by_name[name]
    busy = {
        w for a in schedule if a.operation != name and a.start < end and start < a.end
        for w in a.workers
    }  # fmt: skip
    chosen: list[str] = []
    for req in op.crew:
        needed = req.count
        for worker in problem.candidates(op, req):
            if needed == 0:
                break
            shifts = worker.shifts
            on_shift = shifts is None or any(a <= start and end <= b for a, b in shifts)
            if on_shift and worker.name not in busy and worker.name not in chosen:
                chosen.append(worker.name)
                needed -= 1
    return tuple(chosen)


def check_move(row: ScheduledOperation, work_center: WorkCenter, start: dt.datetime) -> MoveCheck:
    """What moving `row` to `work_center` at `start` would break; nothing is saved."""
    number, sequence = row.operation.work_order.number, row.operation.sequence
    name = operation_name(number, sequence)
    try:
        built: Built = build_problem(
            origin=row.run.origin or start, horizon_days=row.run.horizon_days
        )
    except ProblemError as exc:
        raise ValidationFailed(
            f"The plant data has a problem: {exc}", code="invalid_problem"
        ) from None
    problem = built.problem
    by_id = {(p.id, p.piece): n for n, p in built.operations.items()}
    name = by_id.get((row.operation_id, row.piece), name)
    if name not in problem.operation_by_name:
        raise ValidationFailed(f"{name} is no longer open for scheduling.", code="not_open")
    op = problem.operation_by_name[name]
    if work_center.code not in op.resources:
        raise ValidationFailed(
            f"{name} cannot run on {work_center.code}; it runs on {', '.join(op.resources)}.",
            code="wrong_work_center",
        )
    if op.locked:  # judged as a free operation at its new place, then saved locked there
        op = dataclasses.replace(op, fixed_start=None, fixed_resource=None)
        problem = dataclasses.replace(
            problem,
            operations=tuple(op if o.name == name else o for o in problem.operations),
        )
    codes = {pk: code for code, pk in built.work_centers.items()}
    base: list[Assignment] = []
    for op_id, piece, center_id, s, e, workers in ScheduledOperation.objects.filter(
        run=row.run
    ).values_list("operation_id", "piece", "work_center_id", "start", "end", "workers"):
        if (op_id, piece) in by_id:
            crew = tuple(w for w in workers.split(",") if w)
            base.append(
                Assignment(
                    by_id[(op_id, piece)],
                    codes.get(center_id, "?"),
                    built.minutes(s),
                    built.minutes(e),
                    crew,
                )
            )
    begin = built.minutes(start)
    finish = begin + op.duration_on(work_center.code)
    crew = _crew(problem, base, name, begin, finish)
    moved = [
        Assignment(name, work_center.code, begin, finish, crew) if a.operation == name else a
        for a in base
    ]
    known = {(v.kind, v.operation, v.detail) for v in check(problem, Schedule(tuple(base)))}
    conflicts = tuple(
        f"{v.operation}: {v.detail} ({v.kind})"
        for v in check(problem, Schedule(tuple(moved)))
        if (v.kind, v.operation, v.detail) not in known
    )
    if begin < 0:
        conflicts = (f"{name}: the new start is in the past", *conflicts)
    return MoveCheck(
        name, work_center.code, built.moment(begin), built.moment(finish), crew, conflicts
    )


def move_operation(
    user: Any, pk: int, work_center: WorkCenter, start: dt.datetime
) -> ScheduledOperation:
    """Move a placed operation and lock it there, if the checker finds nothing new broken."""
    row = current_row(pk)
    if row.started:
        raise ValidationFailed(f"{row.operation} has started on the floor and cannot move.",
                               code="started")  # fmt: skip
    verdict = check_move(row, work_center, start)
    if not verdict.ok:
        raise ValidationFailed(
            f"Moving {verdict.operation} would break: " + "; ".join(verdict.conflicts[:5]),
            [Issue(message=c) for c in verdict.conflicts],
            code="move_conflicts",
        )
    with transaction.atomic():
        row = current_row(pk)
        before = audit.snapshot(row)
        row.work_center = work_center
        row.start, row.end = verdict.start, verdict.end
        row.workers = ",".join(verdict.workers)
        row.locked = True
        row.save(update_fields=["work_center", "start", "end", "workers", "locked"])
        audit.record(user, "update", row, audit.diff(before, audit.snapshot(row)))
    return row
