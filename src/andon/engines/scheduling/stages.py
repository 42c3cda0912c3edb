"""The stages the scheduling pipeline is made of (solve.py's strategy table runs them).

CP-SAT watched for stalls on its own thread, fresh unhinted CP-SAT runs, the tabu search's walks
and the checker's last word. Each is a plain function of the problem and its limits, so a
strategy is a few lines that read and write the run's state.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from andon.engines.scheduling import tabu
from andon.engines.scheduling.checker import check, evaluate
from andon.engines.scheduling.model import Model, horizon
from andon.engines.scheduling.problem import Problem
from andon.engines.scheduling.result import Schedule


class CheckerError(AssertionError):
    """The solver returned a schedule the checker rejects: a modelling bug, never user error."""


class Deadline:
    """Whether another rule still fits the time limit, judged by the longest one so far.

    It is asked after each rule, so the time between two questions is one rule's work: on a
    plant of thousands of operations a second or more, which would otherwise overrun the limit.
    """

    def __init__(self, began: float, time_limit: float) -> None:
        self.began = began
        self.time_limit = time_limit
        self.last = began
        self.longest = 0.0

    def passing(self) -> bool:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now
        return now - self.began + self.longest > self.time_limit


class _Watch(cp_model.CpSolverSolutionCallback):
    """When CP-SAT last found a better schedule, so a stalled search can be stopped, and the
    objectives found since the caller last asked (CP-SAT calls this from its own threads, so
    the caller hears them on its thread, where it may write to a database)."""

    def __init__(self) -> None:
        super().__init__()
        self.last = time.perf_counter()
        self.found: deque[int] = deque()  # appends and pops are safe across threads

    def on_solution_callback(self) -> None:
        self.last = time.perf_counter()
        self.found.append(round(self.objective_value))

    def drain(self) -> list[int]:
        found = []
        while self.found:
            found.append(self.found.popleft())
        return found

    def stalled(self, seconds: float) -> bool:
        return time.perf_counter() - self.last >= seconds


def solve_until_stalled(
    solver: Any,
    cp: Any,
    patience: float | None,
    beside: Callable[[Callable[[], bool]], None] | None = None,
    on_better: Callable[[int], None] | None = None,
) -> Any:
    """CP-SAT's status after it ends or goes `patience` seconds without a better schedule.

    CP-SAT releases the interpreter while it searches, so `beside` runs on this thread
    meanwhile; it is given a function that tells whether CP-SAT has ended. `on_better` hears
    each better objective on this thread, within a tenth of a second."""
    watch = _Watch()
    statuses: list[Any] = []
    thread = threading.Thread(target=lambda: statuses.append(solver.solve(cp, watch)))
    thread.start()
    if beside is not None:
        beside(lambda: not thread.is_alive())
    while thread.is_alive():
        thread.join(0.1)
        if on_better is not None:
            for value in watch.drain():
                on_better(value)
        if patience is not None and watch.stalled(patience):
            solver.stop_search()
    if on_better is not None:
        for value in watch.drain():
            on_better(value)
    return statuses[0]


def fresh_looks(
    problem: Problem,
    best: tuple[Schedule, int],
    bound: int | None,
    time_limit: float,
    patience: float,
    workers: int,
    seed: int,
) -> tuple[tuple[Schedule, int], int | None]:
    """CP-SAT again and again on a small plain shop, unhinted, each with its own seed, until the
    time is up; the best schedule of all and the best bound.

    Which schedule CP-SAT settles on in its first seconds decides most of a run on these shops,
    and it is largely luck: on Taillard ta10 (optimum 1241) the hinted search settled at 1259 for
    the rest of the minute, unhinted runs with seeds 1 and 2 reached 1262 in 40 s and 1241 in
    4.5 s. Several short runs that each end when they stall are more sure than one long one.
    """
    began = time.perf_counter()
    runs = 0
    while True:
        left = time_limit - (time.perf_counter() - began)
        if left < 1.0 or (bound is not None and bound >= best[1]):
            return best, bound
        model = Model(problem, horizon(problem, best[0]))
        model.cp.minimize(model.objective_expr())
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed + 2 + runs
        solver.parameters.max_time_in_seconds = left
        runs += 1
        status = solve_until_stalled(solver, model.cp, patience)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        bound = max(bound or 0, round(solver.best_objective_bound))
        value = round(solver.objective_value)
        if value < best[1]:
            best = (model.read(solver, model.cp), value)


def search_to_the_end(
    problem: Problem,
    best: tuple[Schedule, int],
    bound: int | None,
    time_limit: float,
    seeds: list[int],
    pool: tabu.ElitePool | None,
    max_steps: int | None = None,
) -> tuple[tuple[Schedule, int], int | None]:
    """The tabu search from the best schedule, a walk per seed, for the time CP-SAT's stages
    left unused (and at most `max_steps` steps a walk, for a test that must not depend on the
    machine's speed; the pipeline gives none).

    On a small plain shop CP-SAT's stages end when they stall, often with a fifth of the limit
    left (ta25: 13 s of 60); the compiled search still finds better schedules there. With a
    `pool` (small shops) it goes on relinking from the earlier stages' elite schedules."""
    if time_limit < 0.1 or (bound is not None and bound >= best[1]):
        return best, bound
    outcome = walks(problem, best[0], time_limit, seeds, pool, max_steps=max_steps)
    value = evaluate(problem, outcome.schedule)
    if outcome.at_lower_bound:
        bound = max(bound or 0, value)
    return ((outcome.schedule, value) if value < best[1] else best), bound


def walks(
    problem: Problem,
    start: Schedule,
    time_limit: float,
    seeds: list[int],
    pool: tabu.ElitePool | None,
    stop: Callable[[], bool] | None = None,
    stall_seconds: float | None = None,
    max_steps: int | None = None,
) -> tabu.Outcome:
    """The tabu search, a walk per seed: relinking through `pool` when there is one (small
    shops, tabu.RELINK_UP_TO_OPERATIONS), independent walks otherwise."""
    if pool is not None:
        return tabu.search_with_relinking(
            problem, start, time_limit, seeds, stop, stall_seconds, pool, max_steps
        )
    return tabu.search_in_parallel(
        problem, start, time_limit, seeds, stop, stall_seconds, max_steps
    )


def checked(problem: Problem, schedule: Schedule) -> Schedule:
    violations = check(problem, schedule)
    if violations:
        raise CheckerError(f"{len(violations)} violation(s), first: {violations[0]}")
    return schedule
