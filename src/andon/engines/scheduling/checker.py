"""An independent feasibility checker: the oracle for every test and every benchmark run.

It shares no code with the model or the heuristic beyond the problem data, so a bug in how the
solver encodes a rule shows up here as a violation instead of as a wrong schedule on the floor.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from andon.engines.scheduling.problem import Operation, Problem, Window, Worker
from andon.engines.scheduling.result import Assignment, Schedule


@dataclass(frozen=True)
class Violation:
    """One broken rule: `kind` is stable for code, `detail` is for people."""

    kind: str
    operation: str
    detail: str


def _inside(windows: tuple[Window, ...] | None, start: int, end: int) -> bool:
    if windows is None:
        return True
    return any(a <= start and end <= b for a, b in windows)


def _check_one(
    problem: Problem, op: Operation, a: Assignment, workers: dict[str, Worker]
) -> list[Violation]:
    found: list[Violation] = []
    if a.resource not in op.resources:
        return [Violation("resource", op.name, f"{a.resource} cannot run {op.name}")]
    duration = op.duration_on(a.resource)
    if a.end - a.start != duration:
        found.append(Violation("duration", op.name, f"lasts {a.end - a.start}, not {duration}"))
    if op.locked and (a.start, a.resource) != (op.fixed_start, op.fixed_resource):
        found.append(Violation("locked", op.name, "moved although locked"))
    if not op.locked:
        job = problem.job_by_name[op.job]
        if a.start < job.release:
            found.append(Violation("release", op.name, f"starts {a.start} < {job.release}"))
        calendar = problem.resource_by_name[a.resource].calendar
        if not _inside(calendar, a.start, a.end):
            found.append(
                Violation("calendar", op.name, f"crosses non-working time of {a.resource}")
            )
    if len(set(a.workers)) != len(a.workers) or any(w not in workers for w in a.workers):
        found.append(Violation("crew", op.name, "unknown or repeated worker"))
        return found
    slots = [
        (req, i) for req in op.crew for i in range(req.count)
    ]  # one slot per required person; the crew is valid if a matching fills every slot
    owner: dict[int, str] = {}

    def fits(name: str, slot: int) -> bool:
        req = slots[slot][0]
        q = workers[name].qualified(req.skill, req.min_level)
        return q is not None and (q.valid_until is None or q.valid_until >= a.end)

    def augment(name: str, seen: set[int]) -> bool:
        for slot in range(len(slots)):
            if slot in seen or not fits(name, slot):
                continue
            seen.add(slot)
            if slot not in owner or augment(owner[slot], seen):
                owner[slot] = name
                return True
        return False

    for name in a.workers:
        augment(name, set())
    if len(owner) < len(slots):
        found.append(Violation("crew", op.name, f"crew fills {len(owner)}/{len(slots)} places"))
    for name in a.workers:
        if not _inside(workers[name].shifts, a.start, a.end):
            found.append(Violation("shift", op.name, f"{name} is not on shift"))
    return found


def _check_capacity(problem: Problem, schedule: Schedule) -> list[Violation]:
    found: list[Violation] = []
    usage: dict[str, list[Assignment]] = defaultdict(list)
    worker_usage: dict[str, list[Assignment]] = defaultdict(list)
    for a in schedule.assignments:
        usage[a.resource].append(a)
        for w in a.workers:
            worker_usage[w].append(a)
    ops = problem.operation_by_name
    for name, items in usage.items():
        resource = problem.resource_by_name.get(name)
        if resource is None:
            continue
        events = sorted([(x.start, 1, x.operation) for x in items if x.end > x.start])
        events += [(x.end, -1, x.operation) for x in items if x.end > x.start]
        running = 0
        for _, delta, op_name in sorted(events):
            running += delta
            if running > resource.capacity:
                found.append(Violation("overlap", op_name, f"{name} over capacity"))
        if resource.capacity == 1:
            ordered = sorted(items, key=lambda x: x.start)
            for first, second in itertools.pairwise(ordered):
                setup = problem.setup_between(ops[first.operation], ops[second.operation])
                if first.end + setup > second.start and first.end <= second.start:
                    found.append(
                        Violation(
                            "setup", second.operation, f"needs {setup} min after {first.operation}"
                        )
                    )
    for name, items in worker_usage.items():
        ordered = sorted(items, key=lambda x: x.start)
        for first, second in itertools.pairwise(ordered):
            if first.end > second.start:
                found.append(Violation("overlap", second.operation, f"worker {name} double-booked"))
    return found


def check(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every rule the schedule breaks; an empty list means it can be released to the floor."""
    found: list[Violation] = []
    placed = schedule.by_operation
    workers = {w.name: w for w in problem.workers}
    if len(placed) != len(schedule.assignments):
        found.append(Violation("duplicate", "", "an operation is scheduled twice"))
    for name in placed:
        if name not in problem.operation_by_name:
            found.append(Violation("unknown", name, "not an operation of the problem"))
    for op in problem.operations:
        a = placed.get(op.name)
        if a is None:
            found.append(Violation("missing", op.name, "not scheduled"))
            continue
        found.extend(_check_one(problem, op, a, workers))
        for pred in problem.all_predecessors(op):
            before = placed.get(pred)
            if before is not None and before.end > a.start:
                found.append(Violation("precedence", op.name, f"starts before {pred} ends"))
    found.extend(_check_capacity(problem, schedule))
    return found


def evaluate(problem: Problem, schedule: Schedule) -> int:
    """The objective of a schedule under the problem's weights (same formula as the model)."""
    ops = problem.operation_by_name
    makespan = schedule.makespan
    tardiness = 0
    ends: dict[str, int] = defaultdict(int)
    for a in schedule.assignments:
        job_name = ops[a.operation].job
        ends[job_name] = max(ends[job_name], a.end)
    for job in problem.jobs:
        if job.due is not None:
            tardiness += job.weight * max(0, ends[job.name] - job.due)
    return (
        problem.objective.makespan * makespan
        + problem.objective.tardiness * tardiness
        + problem.objective.setup * total_setup(problem, schedule)
    )


def total_setup(problem: Problem, schedule: Schedule) -> int:
    """Setup minutes implied by the sequence on each unit-capacity resource."""
    ops = problem.operation_by_name
    by_resource: dict[str, list[Assignment]] = defaultdict(list)
    for a in schedule.assignments:
        by_resource[a.resource].append(a)
    total = 0
    for name, items in by_resource.items():
        if problem.resource_by_name[name].capacity != 1:
            continue
        ordered = sorted(items, key=lambda x: x.start)
        for first, second in itertools.pairwise(ordered):
            total += problem.setup_between(ops[first.operation], ops[second.operation])
    return total
