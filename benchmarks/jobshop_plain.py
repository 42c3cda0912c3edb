"""The textbook CP-SAT job-shop model, the yardstick the engine is measured against.

One interval per operation, a no-overlap per machine, the routing's precedences, minimise the
latest end: nothing else, so the comparison shows what the engine's warm start and
large-neighbourhood search add on the same solver, time limit and cores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from benchmarks.jobshop_instances import JobShop


@dataclass(frozen=True)
class PlainResult:
    makespan: int | None
    lower_bound: int | None
    status: str
    starts: tuple[tuple[int, ...], ...]


def solve_plain(shop: JobShop, time_limit: float, workers: int, seed: int) -> PlainResult:
    """Solve `shop` with the plain model; starts[j][k] is when job j's k-th operation starts."""
    horizon = sum(d for job in shop.jobs for _, d in job)
    model = cp_model.CpModel()
    starts = []
    ends = []
    per_machine: list[list[Any]] = [[] for _ in range(shop.machines)]
    for j, job in enumerate(shop.jobs):
        row: list[tuple[Any, int]] = []
        for k, (machine, duration) in enumerate(job):
            start = model.new_int_var(0, horizon, f"s{j}_{k}")
            per_machine[machine].append(model.new_fixed_size_interval_var(start, duration, ""))
            if k:
                model.add(row[-1][0] + row[-1][1] <= start)
            row.append((start, duration))
        starts.append(row)
        ends.append(row[-1][0] + row[-1][1])
    for intervals in per_machine:
        model.add_no_overlap(intervals)
    makespan = model.new_int_var(0, horizon, "makespan")
    model.add_max_equality(makespan, ends)
    model.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return PlainResult(None, None, solver.status_name(status).lower(), ())
    return PlainResult(
        int(solver.value(makespan)),
        round(solver.best_objective_bound),
        solver.status_name(status).lower(),
        tuple(tuple(int(solver.value(s)) for s, _ in row) for row in starts),
    )
