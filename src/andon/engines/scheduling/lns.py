"""Large-neighbourhood search: free a part of the schedule, keep the rest, re-solve, keep gains.

On a 30x20 or 100x20 shop the full model spends a 60 s limit mostly in propagation over the whole
horizon; a sub-problem of ~100 operations with everything else held solves in a fraction of a
second, so many small exact steps beat one large inexact one. A neighbourhood is either a time
window (the operations starting inside it), a few resources, or a few jobs. Outside it each
operation keeps its resource and crew, and on each unit resource and each worker the kept
operations keep their order; they may still slide in time, so a gain inside the window can
propagate to the end of the schedule. The incumbent always satisfies the sub-problem, so a step
never makes things worse.

Time is the solver's own: the loop spends the sum of the sub-solves' wall times, no clock.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from andon.engines.scheduling.model import Model
from andon.engines.scheduling.result import Assignment, Schedule


@dataclass(frozen=True)
class Outcome:
    """What the search ends with and the solver time it used."""

    schedule: Schedule
    objective: int
    seconds: float
    steps: int
    improvements: int
    proved_optimal: bool


def _neighbourhood(model: Model, incumbent: Schedule, size: int, rng: random.Random) -> set[str]:
    assignments = list(incumbent.assignments)
    if size >= len(assignments):
        return {a.operation for a in assignments}
    kind = rng.random()
    if kind < 0.5:
        ordered = sorted(assignments, key=lambda a: a.start)
        first = rng.randrange(0, len(ordered) - size + 1)
        return {a.operation for a in ordered[first : first + size]}
    key_of = (
        (lambda a: a.resource)
        if kind < 0.8
        else (lambda a: model.problem.operation_by_name[a.operation].job)
    )
    groups: dict[str, list[str]] = defaultdict(list)
    for a in assignments:
        groups[key_of(a)].append(a.operation)
    names = list(groups)
    rng.shuffle(names)
    chosen: set[str] = set()
    for name in names:
        if len(chosen) >= size:
            break
        chosen.update(groups[name])
    return chosen


def _restrict(model: Model, cp: Any, incumbent: Schedule, free: set[str]) -> None:
    get_int = cp.get_int_var_from_proto_index
    get_bool = cp.get_bool_var_from_proto_index
    lanes: dict[str, list[Assignment]] = defaultdict(list)
    # Everything that ends before the first freed operation starts stays exactly where it is:
    # it cannot gain anything and pinning it shrinks the sub-problem the solver propagates over.
    frozen_until = min(incumbent.by_operation[name].start for name in free)
    for a in incumbent.assignments:
        if a.operation in free:
            continue
        if a.end <= frozen_until and not model.moved:
            cp.add(get_int(model.ops[a.operation].start.index) == a.start)
        v = model.ops[a.operation]
        for resource, lit in v.presence.items():
            if not isinstance(lit, int):
                cp.add(get_bool(lit.index) == int(resource == a.resource))
        for (_, worker), lit in v.crew.items():
            cp.add(get_bool(lit.index) == int(worker in a.workers))
        if model.problem.resource_by_name[a.resource].capacity == 1:
            lanes[a.resource].append(a)
        for worker in a.workers:
            lanes["\0" + worker].append(a)
    for items in lanes.values():
        items.sort(key=lambda x: x.start)
        for x, y in itertools.pairwise(items):
            end = get_int(model.ops[x.operation].end.index)
            start = get_int(model.ops[y.operation].start.index)
            cp.add(end <= start)


def improve(
    model: Model,
    incumbent: Schedule,
    value: int,
    time_limit: float,
    workers: int,
    seed: int,
) -> Outcome:
    """Improve `incumbent` (objective `value`) for `time_limit` seconds of solver time."""
    rng = random.Random(seed)
    n = len(model.ops)
    size = min(n, 40)
    spent = 0.0
    steps = improvements = 0
    proved = False
    model.cp.minimize(model.objective_expr())
    while time_limit - spent > 0.05:
        steps += 1
        free = _neighbourhood(model, incumbent, size, rng)
        cp = model.cp.clone()
        _restrict(model, cp, incumbent, free)
        model.hint(cp, incumbent)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = min(time_limit - spent, 0.5)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = rng.randrange(1 << 30)
        solver.parameters.cp_model_presolve = False
        status = solver.solve(cp)
        spent += solver.wall_time
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = round(solver.objective_value)
            if found <= value:
                improvements += found < value
                incumbent, value = model.read(solver, cp), found
        # Grow the neighbourhood while sub-problems are proved quickly, shrink it otherwise.
        if status == cp_model.OPTIMAL:
            size = min(n, int(size * 1.15) + 1)
        else:
            size = max(10, int(size / 1.2))
        if len(free) >= n and status == cp_model.OPTIMAL:
            proved = True
            break
    return Outcome(incumbent, value, spent, steps, improvements, proved)
