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
import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from andon.engines.scheduling.problem import (
    CrewRequirement,
    Operation,
    Problem,
    Qualification,
    Window,
)
from andon.engines.scheduling.result import Assignment, Schedule

NEVER = 1 << 60


@dataclass
class _Lane:
    """One unit of capacity: sorted busy spans (start, end, operation).

    Without setups the lane also keeps its free time (working windows less busy spans) as one
    sorted list, so that a fit is one bisection and a short walk; with setups the gap between
    two operations depends on both, and the busy spans are walked instead.
    """

    windows: tuple[Window, ...] | None
    setups: bool
    busy: list[tuple[int, int, str]] = field(default_factory=list)
    longest: int = field(init=False)
    free: list[Window] = field(init=False)

    def __post_init__(self) -> None:
        # An operation longer than every window would otherwise be tried against each window
        # to the end of the horizon, for every worker whose shift is too short for it.
        self.longest = max((b - a for a, b in self.windows or ()), default=0)
        self.free = list(self.windows) if self.windows is not None else [(-NEVER, NEVER)]

    def _free_fit(self, ready: int, duration: int) -> int | None:
        free = self.free
        for k in range(max(bisect.bisect_right(free, (ready, NEVER)) - 1, 0), len(free)):
            a, b = free[k]
            begin = a if a > ready else ready
            if begin + duration <= b:
                return begin
        return None

    def fit(
        self, problem: Problem, op: Operation, ready: int, duration: int, calendar: bool = True
    ) -> int | None:
        """Earliest start >= ready where op fits a gap (and a working window, with `calendar`).

        Locked operations are facts, exempt from the resource's calendar (a job started on the
        night shift's last minutes is still running now); they still need a free lane.
        """
        windows = self.windows if calendar else None
        if windows is not None and duration > self.longest:
            return None
        if calendar and not self.setups:
            return self._free_fit(ready, duration)
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
            start = _window_fit(windows, lo, duration, hi)
            if start is not None:
                return start
            prev = nxt
        return None

    def add(self, start: int, end: int, name: str) -> None:
        bisect.insort(self.busy, (start, end, name))
        if self.setups:
            return
        free = self.free
        k = max(bisect.bisect_right(free, (start, NEVER)) - 1, 0)
        while k < len(free) and free[k][0] < end:
            a, b = free[k]
            if b <= start:
                k += 1
                continue
            pieces = [p for p in ((a, start), (end, b)) if p[0] < p[1]]
            free[k : k + 1] = pieces
            k += len(pieces)


def _window_fit(windows: tuple[Window, ...] | None, lo: int, duration: int, hi: int) -> int | None:
    if windows is None:
        return lo if lo + duration <= hi else None
    # Indexing, not a slice: a slice copies the rest of a 60-day calendar at every call.
    for k in range(max(bisect.bisect_right(windows, (lo, NEVER)) - 1, 0), len(windows)):
        a, b = windows[k]
        begin = max(a, lo)
        if begin + duration > hi:
            return None
        if begin + duration <= b:
            return begin
    return None


@dataclass(frozen=True)
class _Shift:
    """Qualified workers sharing one shift pattern, and its longest stretch of work."""

    shifts: tuple[Window, ...] | None
    longest: int
    members: tuple[tuple[str, Qualification], ...]


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
    def __init__(self, problem: Problem, before: Mapping[str, Assignment] | None = None) -> None:
        self.problem = problem
        # Where each operation was before (a repair): kept when still possible, crew included.
        self.before = before or {}
        self.lanes = {
            r.name: [_Lane(r.calendar, r.capacity == 1) for _ in range(r.capacity)]
            for r in problem.resources
        }
        self.people = {w.name: _Lane(w.shifts, False) for w in problem.workers}
        self.placed: dict[str, Assignment] = {}
        self._qualified: dict[tuple[str, int], list[_Shift]] = {}
        self._turn: dict[tuple[str, int, int], int] = {}
        self._able: dict[tuple[str, int], dict[str, Qualification]] = {}

    def qualified(self, req: CrewRequirement) -> list[_Shift]:
        """Workers able to fill a requirement, grouped by shift: computed once per (skill,
        level) rather than once per operation over the whole workforce."""
        key = (req.skill, req.min_level)
        if key not in self._qualified:
            groups: dict[tuple[Window, ...] | None, list[tuple[str, Qualification]]] = {}
            for w in self.problem.workers:
                q = w.qualified(req.skill, req.min_level)
                if q is not None:
                    groups.setdefault(w.shifts, []).append((w.name, q))
            self._qualified[key] = [
                _Shift(shifts, max((b - a for a, b in shifts or ()), default=NEVER), tuple(m))
                for shifts, m in groups.items()
            ]
        return self._qualified[key]

    def ready(self, op: Operation) -> int:
        start = 0 if op.locked else self.problem.job_by_name[op.job].release
        for p in self.problem.all_predecessors(op):
            start = max(start, self.placed[p].end)
        return start

    def _crew_at(self, op: Operation, start: int, end: int) -> tuple[int, tuple[str, ...]] | None:
        """Crew for op starting at `start` or the earliest later start a crew allows.

        No worker can start before their shift allows, so the shifts are tried in the order of
        their earliest fit, and the search stops once enough workers are found no later than
        the next shift's earliest fit: on a plant with a hundred or more workers per skill and
        a few shift patterns that keeps this near the crew size, not the workforce, and picks
        the same earliest start as trying everyone.
        """
        chosen: list[str] = []
        latest = start
        duration = end - start
        previous = self.before.get(op.name)
        before = previous.workers if previous is not None else ()
        for req in op.crew:
            kept = self._kept(op, req, before, chosen, start, end) if before else []
            if kept:
                chosen += kept
                continue
            shifts: list[tuple[int, int, _Shift]] = []
            for i, group in enumerate(self.qualified(req)):
                if duration > group.longest:
                    continue
                bound = _window_fit(group.shifts, start, duration, NEVER)
                if bound is not None:
                    shifts.append((bound, i, group))
            shifts.sort()
            options: list[tuple[int, str]] = []
            for bound, i, group in shifts:
                if len(options) >= req.count and options[req.count - 1][0] <= bound:
                    break
                # Round robin within the shift: the workers after the last one taken are the
                # likeliest to be free, so the search rarely walks past the busy ones.
                turn = self._turn.get((req.skill, req.min_level, i), 0)
                size = len(group.members)
                for j in range(size):
                    name, q = group.members[(turn + j) % size]
                    if name in chosen:
                        continue
                    if q.valid_until is not None and q.valid_until < end:
                        continue
                    at = self.people[name].fit(self.problem, op, bound, duration)
                    if at is None or (q.valid_until is not None and at + duration > q.valid_until):
                        continue
                    bisect.insort(options, (at, name))
                    if at == bound:
                        self._turn[req.skill, req.min_level, i] = (turn + j + 1) % size
                    if len(options) >= req.count and options[req.count - 1][0] <= bound:
                        break
            if len(options) < req.count:
                return None
            for at, name in options[: req.count]:
                chosen.append(name)
                latest = max(latest, at)
        return latest, tuple(chosen)

    def _kept(
        self,
        op: Operation,
        req: CrewRequirement,
        before: tuple[str, ...],
        chosen: list[str],
        start: int,
        end: int,
    ) -> list[str]:
        """The previous crew members who can still fill `req` at `start` (all of it, or none)."""
        key = (req.skill, req.min_level)
        able = self._able.get(key)
        if able is None:
            able = {name: q for group in self.qualified(req) for name, q in group.members}
            self._able[key] = able
        kept: list[str] = []
        for name in before:
            q = able.get(name)
            if q is None or name in chosen or name in kept:
                continue
            if q.valid_until is not None and q.valid_until < end:
                continue
            if self.people[name].fit(self.problem, op, start, end - start) == start:
                kept.append(name)
                if len(kept) == req.count:
                    return kept
        return []

    def keep(self, op: Operation, was: Assignment) -> Assignment | None:
        """Place `op` at its previous start on its previous machine, if both the machine and a
        crew (its previous one where possible) are free then; None otherwise. A changed quantity
        keeps the start and changes the end."""
        if was.resource not in op.resources:
            return None
        start = was.start
        duration = op.duration_on(was.resource)
        if start < self.problem.job_by_name[op.job].release:
            return None
        lanes = self.lanes[was.resource]
        lane = next(
            (i for i, x in enumerate(lanes) if x.fit(self.problem, op, start, duration) == start),
            None,
        )
        if lane is None:
            return None
        crew = self._crew_at(op, start, start + duration)
        if crew is None or crew[0] != start:
            return None
        lanes[lane].add(start, start + duration, op.name)
        for w in crew[1]:
            self.people[w].add(start, start + duration, op.name)
        return Assignment(op.name, was.resource, start, start + duration, crew[1])

    def place(self, op: Operation, ready: int) -> Assignment | None:
        best: tuple[int, int, int, str, tuple[str, ...]] | None = None
        modes = op.modes
        if op.fixed_resource is not None and op.fixed_start is not None:
            modes = tuple(m for m in op.modes if m.resource == op.fixed_resource)
            ready = op.fixed_start
        before = self.before.get(op.name)
        if before is not None:
            # A repair keeps an operation where it was whenever that is still possible, even if
            # an alternative would now finish earlier: a move on the floor is a cost.
            modes = tuple(sorted(modes, key=lambda m: m.resource != before.resource))
        for mode in modes:
            t = ready
            for _ in range(1000):
                lane_fits = [
                    (at, i)
                    for i, lane in enumerate(self.lanes[mode.resource])
                    if (at := lane.fit(self.problem, op, t, mode.duration, not op.locked))
                    is not None
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
            if (
                before is not None
                and best is not None
                and (best[3], best[0] - best[1]) == (before.resource, before.start)
            ):
                break
        if best is None:
            return None
        end, duration, lane, resource, workers = best
        if op.fixed_start is not None and end - duration != op.fixed_start:
            return None
        self.lanes[resource][lane].add(end - duration, end, op.name)
        for w in workers:
            self.people[w].add(end - duration, end, op.name)
        return Assignment(op.name, resource, end - duration, end, workers)


def construct(
    problem: Problem,
    rule: Rule,
    ready_first: bool,
    previous: Schedule | None = None,
    order: list[str] | None = None,
) -> Schedule | None:
    """One schedule built with one priority rule (None if the rule paints itself in a corner).

    `order`, if given, receives the operations in the order they were placed: as a priority
    list (without `ready_first`) it builds the same schedule again, which the start's own
    starts do not (an operation placed later may fill an earlier gap).

    With `ready_first`, the operation that can start first is taken (the rule breaks ties): the
    Giffler-Thompson flavour, good for makespan. Without, the rule alone decides. With a
    `previous` schedule (a repair after a change) every operation that can stay exactly where it
    was (machine, start, crew) stays; the others are placed after, none before its previous
    start (nothing jumps ahead), on its previous machine and with its previous crew where free.
    """
    builder = _Builder(problem, previous.by_operation if previous is not None else None)
    held = {a.operation: a.start for a in previous.assignments} if previous is not None else {}
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
    if previous is not None:
        # A repair first leaves where it was everything that can stay exactly there, in the
        # previous order; what cannot (and what follows it in its routing, if it must) is
        # placed afterwards around it. A pushed operation then never pushes another one off
        # its place, which a single right-shifting pass did: on an overloaded plant a 4-hour
        # breakdown moved a third of the schedule by a day and more.
        for was in sorted(previous.assignments, key=lambda a: a.start):
            staying = ops.get(was.operation)
            if staying is None or staying.locked or staying.name in builder.placed:
                continue
            if any(
                p not in builder.placed or builder.placed[p].end > was.start
                for p in problem.all_predecessors(staying)
            ):
                continue
            kept = builder.keep(staying, was)
            if kept is not None:
                builder.placed[staying.name] = kept
    # An eligible operation's predecessors are all placed, so its ready time and its rule key
    # are fixed when it becomes eligible: a heap takes the next one in log time (a scan of the
    # eligible list at every step was quadratic, seconds on a plant of 6,000 operations).
    eligible: list[tuple[int, tuple[int, ...], str]] = []

    def push(name: str) -> None:
        ready = max(builder.ready(ops[name]), held.get(name, 0)) if ready_first else 0
        heapq.heappush(eligible, (ready, rule(ops[name]), name))

    for o in problem.operations:
        if waiting[o.name] == 0 and o.name not in builder.placed:
            push(o.name)
    for name in builder.placed:
        for s in successors[name]:
            waiting[s] -= 1
            if waiting[s] == 0 and s not in builder.placed:
                push(s)
    while eligible:
        ready, _, name = heapq.heappop(eligible)
        op = ops[name]
        if name not in builder.placed:
            at = ready if ready_first else max(builder.ready(op), held.get(name, 0))
            a = builder.place(op, at)
            if a is None:
                return None
            builder.placed[name] = a
        for s in successors[name]:
            waiting[s] -= 1
            if waiting[s] == 0 and s not in builder.placed:
                push(s)
    if len(builder.placed) != len(problem.operations):
        return None
    if order is not None:
        order[:] = builder.placed  # a dict keeps the order its keys were placed in
    return Schedule(tuple(builder.placed[o.name] for o in problem.operations))


def rule_names(problem: Problem) -> Sequence[str]:
    return tuple(_rules(problem))


def best_constructive(
    problem: Problem,
    evaluate: Callable[[Schedule], int | None],
    *,
    previous: Schedule | None = None,
    stop: Callable[[], bool] | None = None,
    found: Callable[[Schedule, int], None] | None = None,
    placed_in: list[str] | None = None,
) -> tuple[Schedule, int] | None:
    """The best schedule over all rules, by `evaluate` (None: reject, e.g. a violation).

    With a `previous` schedule the first try is its repair: operations in their previous order,
    none earlier than before. Once `stop()` says the time is up, no further rule is tried (the
    first schedule found is always finished: on a plant of thousands of operations one rule
    takes seconds). `found` hears of each new best as it comes; `placed_in` receives the order
    the best one's operations were placed in (see `construct`).
    """
    tries: list[tuple[Rule, bool, Schedule | None]] = []
    if previous is not None:
        starts = {a.operation: a.start for a in previous.assignments}
        tail = _rules(problem)["most_work_remaining"]

        def in_previous_order(o: Operation) -> tuple[int, ...]:
            return (starts.get(o.name, NEVER), *tail(o))

        tries.append((in_previous_order, True, previous))
    for rule in _rules(problem).values():
        tries += [(rule, True, None), (rule, False, None)]
    best: tuple[Schedule, int] | None = None
    for rule, ready_first, guide in tries:
        if best is not None and stop is not None and stop():
            break
        placed: list[str] = []
        schedule = construct(problem, rule, ready_first, guide, placed)
        if schedule is None:
            continue
        value = evaluate(schedule)
        if value is not None and (best is None or value < best[1]):
            best = (schedule, value)
            if placed_in is not None:
                # A repair's placement follows the previous schedule, not a list: none then.
                placed_in[:] = placed if guide is None else []
            if found is not None:
                found(schedule, value)
    return best
