"""A fast constructive schedule: serial schedule generation with dispatching rules.

It exists for two reasons: a complete solution hint lets CP-SAT start from a good schedule instead
of searching for a first one (which on a 100x20 shop can take most of the time limit), and a
huge instance still gets a valid schedule in milliseconds when the solver has no time.

Operations are taken one at a time, each among those whose predecessors are placed, chosen by a
priority rule; each goes to the alternative resource and crew that finish it first, into the
earliest gap (insertion, so later operations can fill holes left earlier) that fits inside one
working interval of the machine and of every worker, with setup times on either side. A resource
of capacity c is c lanes, which keeps its load within capacity without a profile.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from andon.engines.scheduling.problem import Operation, Problem, Window
from andon.engines.scheduling.result import Assignment, Schedule

NEVER = 1 << 60


@dataclass
class _Lane:
    """One unit of capacity: sorted busy spans (start, end, operation)."""

    windows: tuple[Window, ...] | None
    setups: bool
    busy: list[tuple[int, int, str]] = field(default_factory=list)

    def fit(self, problem: Problem, op: Operation, ready: int, duration: int) -> int | None:
        """Earliest start >= ready where op fits a gap and a working window."""
        ops = problem.operation_by_name
        k = bisect.bisect_left(self.busy, (ready, -NEVER, "")) - 1
        k = max(k, 0)
        prev = self.busy[k - 1] if k > 0 else None
        for i in range(k, len(self.busy) + 1):
            nxt = self.busy[i] if i < len(self.busy) else None
            lo = ready
            if prev is not None:
                lo = max(
                    lo, prev[1] + (problem.setup_between(ops[prev[2]], op) if self.setups else 0)
                )
            hi = NEVER
            if nxt is not None:
                hi = nxt[0] - (problem.setup_between(op, ops[nxt[2]]) if self.setups else 0)
            start = _window_fit(self.windows, lo, duration, hi)
            if start is not None:
                return start
            prev = nxt
        return None

    def add(self, start: int, end: int, name: str) -> None:
        bisect.insort(self.busy, (start, end, name))


def _window_fit(windows: tuple[Window, ...] | None, lo: int, duration: int, hi: int) -> int | None:
    if windows is None:
        return lo if lo + duration <= hi else None
    k = max(bisect.bisect_right(windows, (lo, NEVER)) - 1, 0)
    for a, b in windows[k:]:
        begin = max(a, lo)
        if begin + duration > hi:
            return None
        if begin + duration <= b:
            return begin
    return None


Rule = Callable[[Operation], tuple[int, ...]]


def _rules(problem: Problem) -> dict[str, Rule]:
    """Priority keys (smaller first): the classic dispatching rules."""
    work = {o.name: min(m.duration for m in o.modes) for o in problem.operations}
    tail: dict[str, int] = {}
    successors: dict[str, list[str]] = {o.name: [] for o in problem.operations}
    for op in problem.operations:
        for p in set(problem.all_predecessors(op)):
            successors[p].append(op.name)
    for op in reversed(problem.topological_order):
        tail[op.name] = work[op.name] + max((tail[s] for s in successors[op.name]), default=0)
    due = {j.name: (j.due if j.due is not None else NEVER) for j in problem.jobs}
    weight = {j.name: max(j.weight, 1) for j in problem.jobs}
    return {
        "most_work_remaining": lambda o: (-tail[o.name], work[o.name]),
        "shortest_processing_time": lambda o: (work[o.name], -tail[o.name]),
        "earliest_due_date": lambda o: (due[o.job], -tail[o.name]),
        "minimum_slack": lambda o: ((due[o.job] - tail[o.name]) // weight[o.job], -tail[o.name]),
    }


class _Builder:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.lanes = {
            r.name: [_Lane(r.calendar, r.capacity == 1) for _ in range(r.capacity)]
            for r in problem.resources
        }
        self.people = {w.name: _Lane(w.shifts, False) for w in problem.workers}
        self.placed: dict[str, Assignment] = {}

    def ready(self, op: Operation) -> int:
        start = 0 if op.locked else self.problem.job_by_name[op.job].release
        for p in self.problem.all_predecessors(op):
            start = max(start, self.placed[p].end)
        return start

    def _crew_at(self, op: Operation, start: int, end: int) -> tuple[int, tuple[str, ...]] | None:
        """Crew for op starting at `start` or the earliest later start a crew allows."""
        chosen: list[str] = []
        latest = start
        for req in op.crew:
            options: list[tuple[int, str]] = []
            for w in self.problem.candidates(op, req):
                q = w.qualified(req.skill, req.min_level)
                if w.name in chosen or q is None:
                    continue
                if q.valid_until is not None and q.valid_until < end:
                    continue
                at = self.people[w.name].fit(self.problem, op, start, end - start)
                if at is not None and (q.valid_until is None or at + end - start <= q.valid_until):
                    options.append((at, w.name))
            if len(options) < req.count:
                return None
            options.sort()
            for at, name in options[: req.count]:
                chosen.append(name)
                latest = max(latest, at)
        return latest, tuple(chosen)

    def place(self, op: Operation, ready: int) -> Assignment | None:
        best: tuple[int, int, int, str, tuple[str, ...]] | None = None
        modes = op.modes
        if op.fixed_resource is not None and op.fixed_start is not None:
            modes = tuple(m for m in op.modes if m.resource == op.fixed_resource)
            ready = op.fixed_start
        for mode in modes:
            t = ready
            for _ in range(1000):
                lane_fits = [
                    (at, i)
                    for i, lane in enumerate(self.lanes[mode.resource])
                    if (at := lane.fit(self.problem, op, t, mode.duration)) is not None
                ]
                if not lane_fits:
                    break
                at, lane = min(lane_fits)
                crew = self._crew_at(op, at, at + mode.duration)
                if crew is None:
                    break
                if crew[0] == at:
                    cand = (at + mode.duration, mode.duration, lane, mode.resource, crew[1])
                    if best is None or cand[:2] < best[:2]:
                        best = cand
                    break
                t = crew[0]
        if best is None:
            return None
        end, duration, lane, resource, workers = best
        if op.fixed_start is not None and end - duration != op.fixed_start:
            return None
        self.lanes[resource][lane].add(end - duration, end, op.name)
        for w in workers:
            self.people[w].add(end - duration, end, op.name)
        return Assignment(op.name, resource, end - duration, end, workers)


def construct(problem: Problem, rule: Rule, ready_first: bool) -> Schedule | None:
    """One schedule built with one priority rule (None if the rule paints itself in a corner).

    With `ready_first`, the operation that can start first is taken (the rule breaks ties): the
    Giffler-Thompson flavour, good for makespan. Without, the rule alone decides.
    """
    builder = _Builder(problem)
    waiting = {o.name: len(set(problem.all_predecessors(o))) for o in problem.operations}
    successors: dict[str, list[str]] = {o.name: [] for o in problem.operations}
    for op in problem.operations:
        for p in set(problem.all_predecessors(op)):
            successors[p].append(op.name)
    ops = problem.operation_by_name
    # Locked operations are facts: they go first where they are, then the rest fit around them.
    for op in sorted((o for o in problem.operations if o.locked), key=lambda o: o.fixed_start or 0):
        if waiting[op.name] == 0:
            a = builder.place(op, op.fixed_start or 0)
            if a is None:
                return None
            builder.placed[op.name] = a
    eligible = [
        (rule(o), o.name)
        for o in problem.operations
        if waiting[o.name] == 0 and o.name not in builder.placed
    ]
    for name in builder.placed:
        for s in successors[name]:
            waiting[s] -= 1
            if waiting[s] == 0 and s not in builder.placed:
                eligible.append((rule(ops[s]), s))
    ready_at: dict[str, int] = {}
    while eligible:
        if ready_first:
            # An eligible operation's predecessors are all placed, so its ready time is fixed:
            # computed once, not at every step (which made this quadratic on large shops).
            for _, name in eligible:
                if name not in ready_at:
                    ready_at[name] = builder.ready(ops[name])
            best_i = min(
                range(len(eligible)),
                key=lambda i: (ready_at[eligible[i][1]], eligible[i][0]),
            )
        else:
            best_i = min(range(len(eligible)), key=lambda i: eligible[i][0])
        _, name = eligible.pop(best_i)
        op = ops[name]
        if name not in builder.placed:
            a = builder.place(op, builder.ready(op))
            if a is None:
                return None
            builder.placed[name] = a
        for s in successors[name]:
            waiting[s] -= 1
            if waiting[s] == 0 and s not in builder.placed:
                eligible.append((rule(ops[s]), s))
    if len(builder.placed) != len(problem.operations):
        return None
    return Schedule(tuple(builder.placed[o.name] for o in problem.operations))


def rule_names(problem: Problem) -> Sequence[str]:
    return tuple(_rules(problem))


def best_constructive(
    problem: Problem, evaluate: Callable[[Schedule], int | None]
) -> tuple[Schedule, int] | None:
    """The best schedule over all rules, by `evaluate` (None: reject, e.g. a violation)."""
    best: tuple[Schedule, int] | None = None
    for rule in _rules(problem).values():
        for ready_first in (True, False):
            schedule = construct(problem, rule, ready_first)
            if schedule is None:
                continue
            value = evaluate(schedule)
            if value is not None and (best is None or value < best[1]):
                best = (schedule, value)
    return best
