"""The CP-SAT model of a problem: interval variables, alternatives, calendars, crews, setups.

Calendars: an operation runs inside one working interval; it never pauses over a break. The start
variable of each (operation, resource) pair gets the domain of starts that fit, which CP-SAT
propagates for free, and a planner reading the schedule never sees a half-machined part left over a
weekend. Operations longer than any window are rejected by validation with their name.

Worker shifts use the other classic encoding, fixed "off shift" intervals in each worker's
no-overlap, because the duration of an operation depends on which alternative resource runs it.

OR-Tools has no type stubs, so its objects are `Any` here and nowhere else in the engine.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from andon.engines.scheduling.problem import Operation, Problem, Window
from andon.engines.scheduling.result import Assignment, Schedule


def _starts_domain(windows: tuple[Window, ...] | None, lo: int, hi: int, duration: int) -> Any:
    if windows is None:
        return cp_model.Domain(lo, hi)
    spans = [[max(a, lo), min(b - duration, hi)] for a, b in windows]
    return cp_model.Domain.from_intervals([s for s in spans if s[0] <= s[1]])


def horizon(problem: Problem, known: Schedule | None = None) -> int:
    """A time by which some schedule surely ends: everything one after another."""
    start = max((j.release for j in problem.jobs), default=0)
    for op in problem.operations:
        if op.fixed_start is not None and op.fixed_resource is not None:
            start = max(start, op.fixed_start + op.duration_on(op.fixed_resource))
    total = sum(
        max(m.duration for m in op.modes) + problem.longest_setup for op in problem.operations
    )
    ends = [start + total]
    ends += [r.calendar[-1][1] for r in problem.resources if r.calendar]
    if known is not None:
        ends.append(known.makespan)
    return max(ends)


def model_size(problem: Problem) -> int:
    """How many alternatives the full model would carry: an interval per (operation, resource),
    a literal per (operation, qualified worker), and an arc per ordered pair of operations on a
    resource where setup families meet (its setup circuit). Its build time grows with this."""
    size = sum(
        len(op.modes) + sum(len(problem.candidates(op, req)) for req in op.crew)
        for op in problem.operations
    )
    if problem.has_setups:
        on: Counter[str] = Counter()
        families: dict[str, int] = Counter()
        for op in problem.operations:
            for mode in op.modes:
                on[mode.resource] += 1
                families[mode.resource] += op.setup_family is not None
        size += sum(n * n for resource, n in on.items() if families[resource] > 1)
    return size


@dataclass
class _OpVars:
    start: Any
    end: Any
    size: Any
    presence: dict[str, Any]  # resource -> literal (or True when there is one mode)
    crew: dict[tuple[int, str], Any]  # (requirement index, worker) -> literal


class Model:
    """A CP-SAT model of `problem` and the variables needed to hint and read it."""

    def __init__(self, problem: Problem, horizon_end: int) -> None:
        self.problem = problem
        self.horizon = horizon_end
        self.cp = cp_model.CpModel()
        self.ops: dict[str, _OpVars] = {}
        self.job_end: dict[str, Any] = {}
        self.arcs: dict[tuple[str, str, str], Any] = {}  # (resource, before, after) -> literal
        # resource -> ({operation: (runs first, runs last)}, runs nothing): the circuit's ends
        self.circuit_ends: dict[str, tuple[dict[str, tuple[Any, Any]], Any]] = {}
        self.terms: list[tuple[int, Any]] = []
        self.makespan: Any = None
        self.late: dict[str, Any] = {}
        self.used: dict[tuple[str, str], Any] = {}  # (operation, worker) -> literal
        self.moved: dict[str, tuple[Any, int]] = {}  # operation -> (shift variable, old start)
        self.off_shift = 0  # fixed "off shift" intervals in the workers' no-overlaps
        self._build()

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        p = self.problem
        m = self.cp
        by_resource: dict[str, list[tuple[Operation, Any, Any]]] = defaultdict(list)
        by_worker: dict[str, list[Any]] = defaultdict(list)
        for op in p.operations:
            release = 0 if op.locked else p.job_by_name[op.job].release
            start = m.new_int_var(release, self.horizon, f"s_{op.name}")
            end = m.new_int_var(release, self.horizon, f"e_{op.name}")
            presence: dict[str, Any] = {}
            size_terms = []
            for mode in op.modes:
                if op.fixed_resource is not None and mode.resource != op.fixed_resource:
                    continue
                lit = m.new_bool_var(f"p_{op.name}_{mode.resource}") if len(op.modes) > 1 else 1
                presence[mode.resource] = lit
                calendar = None if op.locked else p.resource_by_name[mode.resource].calendar
                domain = _starts_domain(calendar, release, self.horizon, mode.duration)
                if len(op.modes) > 1:
                    m.add_linear_expression_in_domain(start, domain).only_enforce_if(lit)
                    interval = m.new_optional_fixed_size_interval_var(
                        start, mode.duration, lit, f"i_{op.name}_{mode.resource}"
                    )
                else:
                    m.add_linear_expression_in_domain(start, domain)
                    interval = m.new_fixed_size_interval_var(
                        start, mode.duration, f"i_{op.name}_{mode.resource}"
                    )
                size_terms.append(mode.duration * lit)
                by_resource[mode.resource].append((op, lit, interval))
            if len(presence) > 1:
                m.add_exactly_one(presence.values())
            elif len(op.modes) > 1:
                m.add(next(iter(presence.values())) == 1)
            durations = [mode.duration for mode in op.modes]
            size = m.new_int_var(min(durations), max(durations), f"d_{op.name}")
            m.add(size == sum(size_terms))
            m.add(end == start + size)
            if op.fixed_start is not None:
                m.add(start == op.fixed_start)
            crew = self._crew(op, start, size, end, by_worker)
            self.ops[op.name] = _OpVars(start, end, size, presence, crew)
        for job in p.jobs:
            self.job_end[job.name] = m.new_int_var(job.release, self.horizon, f"c_{job.name}")
            for op in p.job_operations[job.name]:
                m.add(self.job_end[job.name] >= self.ops[op.name].end)
        for op in p.operations:
            for pred in op.predecessors:
                m.add(self.ops[pred].end <= self.ops[op.name].start)
            for component in op.components:
                m.add(self.job_end[component] <= self.ops[op.name].start)
        for name, items in by_resource.items():
            self._resource(name, items)
        for worker in p.workers:
            off = self._off_shift(worker.shifts)
            self.off_shift += len(off)
            m.add_no_overlap(by_worker[worker.name] + off)
        self._objective()

    def _crew(
        self, op: Operation, start: Any, size: Any, end: Any, by_worker: dict[str, list[Any]]
    ) -> dict[tuple[int, str], Any]:
        m = self.cp
        crew: dict[tuple[int, str], Any] = {}
        per_worker: dict[str, list[Any]] = defaultdict(list)
        for r, req in enumerate(op.crew):
            lits = []
            for w in self.problem.candidates(op, req):
                lit = m.new_bool_var(f"w_{op.name}_{r}_{w.name}")
                q = w.qualified(req.skill, req.min_level)
                if q is not None and q.valid_until is not None:
                    m.add(end <= q.valid_until).only_enforce_if(lit)
                crew[r, w.name] = lit
                per_worker[w.name].append(lit)
                lits.append(lit)
            m.add(sum(lits) == req.count)
        for name, lits in per_worker.items():
            # A worker fills at most one requirement of an operation; `used` says they are on it.
            used = m.new_bool_var(f"u_{op.name}_{name}")
            m.add(sum(lits) == used)
            self.used[op.name, name] = used
            by_worker[name].append(
                m.new_optional_interval_var(start, size, end, used, f"wi_{op.name}_{name}")
            )
        return crew

    def _off_shift(self, shifts: tuple[Window, ...] | None) -> list[Any]:
        if shifts is None:
            return []
        gaps: list[Window] = []
        cursor = 0
        for a, b in shifts:
            if a > cursor:
                gaps.append((cursor, a))
            cursor = b
        if cursor < self.horizon:
            gaps.append((cursor, self.horizon))
        return [self.cp.new_fixed_size_interval_var(a, b - a, "off") for a, b in gaps]

    def _resource(self, name: str, items: list[tuple[Operation, Any, Any]]) -> None:
        m = self.cp
        resource = self.problem.resource_by_name[name]
        if resource.capacity > 1:
            m.add_cumulative([i for _, _, i in items], [1] * len(items), resource.capacity)
            return
        m.add_no_overlap([i for _, _, i in items])
        setups = {
            (a.name, b.name): t
            for a, _, _ in items
            for b, _, _ in items
            if a is not b and (t := self.problem.setup_between(a, b))
        }
        if not setups:
            return
        # Sequence-dependent setups: a circuit through the operations on this resource; an
        # absent (alternative elsewhere) operation takes its self-loop.
        arcs: list[tuple[int, int, Any]] = []
        ends: dict[str, tuple[Any, Any]] = {}
        for i, (a, lit, _) in enumerate(items, start=1):
            first = m.new_bool_var("")
            last = m.new_bool_var("")
            arcs += [(0, i, first), (i, 0, last)]
            ends[a.name] = (first, last)
            if not isinstance(lit, int):
                arcs.append((i, i, ~lit))
            for j, (b, _, _) in enumerate(items, start=1):
                if i == j:
                    continue
                arc = m.new_bool_var("")
                arcs.append((i, j, arc))
                setup = setups.get((a.name, b.name), 0)
                m.add(self.ops[a.name].end + setup <= self.ops[b.name].start).only_enforce_if(arc)
                self.arcs[name, a.name, b.name] = arc
                if setup:
                    self.terms.append((setup * self.problem.objective.setup, arc))
        idle = m.new_bool_var("")
        arcs.append((0, 0, idle))  # allows a resource that runs nothing
        m.add_circuit(arcs)
        self.circuit_ends[name] = (ends, idle)

    def _objective(self) -> None:
        p = self.problem
        m = self.cp
        weights = p.objective
        if weights.makespan:
            self.makespan = m.new_int_var(0, self.horizon, "makespan")
            m.add_max_equality(self.makespan, list(self.job_end.values()))
            self.terms.append((weights.makespan, self.makespan))
        if weights.tardiness:
            for job in p.jobs:
                if job.due is None or job.weight == 0:
                    continue
                late = m.new_int_var(0, self.horizon, f"t_{job.name}")
                m.add(late >= self.job_end[job.name] - job.due)
                self.late[job.name] = late
                self.terms.append((weights.tardiness * job.weight, late))
        self.terms = [(w, x) for w, x in self.terms if w]

    def add_stability(self, previous: Schedule, weight: int) -> None:
        """Penalise moving an operation's start away from where `previous` had it."""
        for name, a in previous.by_operation.items():
            if name not in self.ops or weight <= 0:
                continue
            shift = self.cp.new_int_var(0, self.horizon, f"d_{name}")
            self.cp.add_abs_equality(shift, self.ops[name].start - a.start)
            self.moved[name] = (shift, a.start)
            self.terms.append((weight, shift))

    def objective_expr(self) -> Any:
        return sum(w * x for w, x in self.terms)

    # -- hints and solutions --------------------------------------------------------------
    def hint(self, cp: Any, schedule: Schedule) -> None:
        """A complete hint from a schedule, so CP-SAT starts from it.

        Complete means every variable, objective terms included: CP-SAT takes a complete,
        feasible hint as its first solution at once, but may fail to finish an incomplete one.
        """
        cp.clear_hints()
        get_int = cp.get_int_var_from_proto_index
        get_bool = cp.get_bool_var_from_proto_index
        by_resource: dict[str, list[Assignment]] = defaultdict(list)
        job_end: dict[str, int] = {}
        for a in schedule.assignments:
            job = self.problem.operation_by_name[a.operation].job
            job_end[job] = max(job_end.get(job, 0), a.end)
        for job, var in self.job_end.items():
            cp.add_hint(get_int(var.index), job_end.get(job, 0))
        if self.makespan is not None:
            cp.add_hint(get_int(self.makespan.index), max(job_end.values(), default=0))
        for job, var in self.late.items():
            due = self.problem.job_by_name[job].due or 0
            cp.add_hint(get_int(var.index), max(0, job_end[job] - due))
        for name, (var, old) in self.moved.items():
            cp.add_hint(get_int(var.index), abs(schedule.by_operation[name].start - old))
        for name, v in self.ops.items():
            a = schedule.by_operation[name]
            by_resource[a.resource].append(a)
            cp.add_hint(get_int(v.start.index), a.start)
            cp.add_hint(get_int(v.end.index), a.end)
            cp.add_hint(get_int(v.size.index), a.end - a.start)
            for resource, lit in v.presence.items():
                if not isinstance(lit, int):
                    cp.add_hint(get_bool(lit.index), resource == a.resource)
            taken: set[tuple[int, str]] = set()
            for r, req in enumerate(self.problem.operation_by_name[name].crew):
                # The same greedy split of the crew over requirements as the heuristic makes.
                for worker in a.workers:
                    placed = sum(1 for k in taken if k[0] == r)
                    if (
                        placed < req.count
                        and (r, worker) in v.crew
                        and worker not in {w for _, w in taken}
                    ):
                        taken.add((r, worker))
            for key, lit in v.crew.items():
                cp.add_hint(get_bool(lit.index), key in taken)
        for (op_name, worker), lit in self.used.items():
            cp.add_hint(get_bool(lit.index), worker in schedule.by_operation[op_name].workers)
        # Each arc once (it was once per resource): every arc of an unused resource is hinted
        # too, as not taken, which keeps the hint complete.
        pairs: set[tuple[str, str, str]] = set()
        for resource, items in by_resource.items():
            items.sort(key=lambda x: x.start)
            pairs.update((resource, x.operation, y.operation) for x, y in itertools.pairwise(items))
        for arc, lit in self.arcs.items():
            cp.add_hint(get_bool(lit.index), arc in pairs)
        for resource, (ends, idle) in self.circuit_ends.items():
            items = by_resource.get(resource, [])
            cp.add_hint(get_bool(idle.index), not items)
            for name, (first, last) in ends.items():
                cp.add_hint(get_bool(first.index), bool(items) and items[0].operation == name)
                cp.add_hint(get_bool(last.index), bool(items) and items[-1].operation == name)

    def read(self, solver: Any, cp: Any) -> Schedule:
        """The schedule in the solver's current solution of `cp` (this model or a clone)."""
        get_int = cp.get_int_var_from_proto_index
        get_bool = cp.get_bool_var_from_proto_index
        out = []
        for name, v in self.ops.items():
            resource = next(
                r
                for r, lit in v.presence.items()
                if isinstance(lit, int) or solver.boolean_value(get_bool(lit.index))
            )
            workers = tuple(
                sorted(
                    {
                        w
                        for (_, w), lit in v.crew.items()
                        if solver.boolean_value(get_bool(lit.index))
                    }
                )
            )
            start = int(solver.value(get_int(v.start.index)))
            end = int(solver.value(get_int(v.end.index)))
            out.append(Assignment(name, resource, start, end, workers))
        return Schedule(tuple(out))
