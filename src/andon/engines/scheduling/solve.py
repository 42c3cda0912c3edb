"""`solve()` and `reschedule()`: the engine's two entry points.

Both run the same pipeline: a constructive schedule in milliseconds (the warm start); on a plain
makespan shop (`tabu.applies`) a tabu search on machine sequences, one walk per worker, for
part of the time limit (on shops of up to 300 operations most of it, the walks relinking
through an elite pool that the later stages go on from); the full CP-SAT model started
from the best of these, bounded by it (which proves optimality on small problems and gives
the lower bound on all), then
large-neighbourhood search for the remaining time when the full model has not closed the gap
on very large problems, or, on small plain shops, unhinted CP-SAT restarts once the hinted
search stalls and the tabu search again for whatever time is left. A problem too large for
the full model gets the dispatching rules and then a destroy-and-repair search with the same
builder (`reorder`). The time limit covers the whole pipeline. Every schedule that leaves this
module has passed the independent checker; a schedule that does not is a bug and raises,
rather than reaching the shop floor.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from andon.engines.scheduling import reorder, tabu
from andon.engines.scheduling.checker import check, evaluate
from andon.engines.scheduling.heuristic import best_constructive
from andon.engines.scheduling.lns import improve
from andon.engines.scheduling.model import Model, horizon, model_size
from andon.engines.scheduling.problem import Problem, ProblemError
from andon.engines.scheduling.result import Result, Schedule, Status

# Above this many operations the full model gets only part of the time and our own LNS the rest.
# Measured on Taillard 30x20 to 100x20 (docs/benchmarks.md): up to 2,000 operations, CP-SAT's own
# portfolio (which runs its LNS inside) started from our hint does better than our outer LNS, so
# the outer loop is kept for the larger plant-sized problems where the full model stalls.
LNS_ABOVE_OPERATIONS = 2500
FULL_MODEL_SHARE_WITH_LNS = 0.5
# Share of the time limit the tabu search gets alone on plain makespan shops (tabu.applies),
# before CP-SAT starts from its schedule, bounded by it, with the search going on beside it.
# Measured on a Taillard mix at 10 s (docs/benchmarks.md): 0.3 with the search beside CP-SAT
# did better than 0.5 or 0.6 with CP-SAT alone, and than the search alone, when the search ran
# interpreted; compiled (thirty times the steps), 0.5 did better on ta21 and ta25 at 60 s.
TABU_SHARE = 0.5
# The same share on shops small enough for path relinking (tabu.RELINK_UP_TO_OPERATIONS), where
# the search keeps the cores without handing over on a stall: its elite pool still finds better
# schedules after 15 s without one, and CP-SAT from its schedule rarely did. Taillard ta10, ta13,
# ta15 at 60 s: 1241, 1348, 1352 against 1241, 1351, 1372 with half the limit and the handover
# (docs/benchmarks.md).
RELINKING_SHARE = 0.8
# Up to this many operations CP-SAT with both cores closes on the optimum of a plain shop within
# a minute (Taillard 15x15 to 30x15), so the tabu search hands its cores over once it has gone
# STALL_SHARE of the time limit without a better schedule, in both stages, and takes the rest
# of the time back when CP-SAT stalls in turn. 0.05 was measured with the interpreted search
# (at 60 s on ta01 and ta10 it had kept the cores to the end and finished 0.8 % and 1.5 %
# behind plain CP-SAT); the compiled one still finds better schedules after 3 s without one,
# and 0.25 did better on ta21 and ta25 (docs/benchmarks.md).
SMALL_SHOP_OPERATIONS = 500
STALL_SHARE = 0.25
# Above this many alternatives (an interval per operation and resource it may run on, a literal
# per operation and qualified worker) the full model is not built: on a large demo plant of
# 5,900 operations, 4,600 of them with a crew drawn from 100 to 200 qualified workers, it had
# 1.2 million variables and took 17 s to build and 5 s to hint, more than the whole time limit.
# The dispatching rules then give the first schedule and a destroy-and-repair search that
# rebuilds it with the same builder (reorder.py) the rest of the time (docs/scheduling.md).
FULL_MODEL_MAX_SIZE = 60_000
# Above this many fixed "off shift" intervals (a crew's shifts over the horizon) CP-SAT's default
# presolve probes every literal against them: on the small demo plant (121 operations, 39
# workers, 3,362 off-shift intervals over 60 days) it took 7.7 s of a 10 s limit and the search
# never started, so the first dispatching rule was the answer. Without probing and with one
# presolve pass the search starts after about 1 s and lowers the objective by 14 % in 10 s.
LIGHT_PRESOLVE_ABOVE_OFF_SHIFT = 1000


class CheckerError(AssertionError):
    """The solver returned a schedule the checker rejects: a modelling bug, never user error."""


class _Deadline:
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


def _solve_until_stalled(
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


def _fresh_looks(
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
        status = _solve_until_stalled(solver, model.cp, patience)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        bound = max(bound or 0, round(solver.best_objective_bound))
        value = round(solver.objective_value)
        if value < best[1]:
            best = (model.read(solver, model.cp), value)


def _search_to_the_end(
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
    outcome = _walks(problem, best[0], time_limit, seeds, pool, max_steps=max_steps)
    value = evaluate(problem, outcome.schedule)
    if outcome.at_lower_bound:
        bound = max(bound or 0, value)
    return ((outcome.schedule, value) if value < best[1] else best), bound


def _walks(
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


def _checked(problem: Problem, schedule: Schedule) -> Schedule:
    violations = check(problem, schedule)
    if violations:
        raise CheckerError(f"{len(violations)} violation(s), first: {violations[0]}")
    return schedule


def _run(
    problem: Problem,
    time_limit: float,
    workers: int,
    seed: int,
    previous: Schedule | None,
    stability: int,
    on_solution: Callable[[int], None] | None = None,
) -> Result:
    if time_limit <= 0 or workers < 1:
        raise ProblemError("time_limit must be positive and workers at least 1")
    # The time limit covers the whole pipeline; this is the only clock read here.
    began = time.perf_counter()

    def score(schedule: Schedule) -> int | None:
        if check(problem, schedule):
            return None
        value = evaluate(problem, schedule)
        if previous is not None and stability:
            moved = previous.by_operation
            value += stability * sum(
                abs(a.start - moved[a.operation].start)
                for a in schedule.assignments
                if a.operation in moved
            )
        return value

    fits = model_size(problem) <= FULL_MODEL_MAX_SIZE
    placed: list[str] = []
    warm = best_constructive(
        problem,
        score,
        previous=previous,
        stop=_Deadline(began, time_limit).passing,
        found=None if on_solution is None else lambda _, value: on_solution(value),
        placed_in=placed,
    )
    if not fits:
        if warm is None:
            return Result(Status.UNKNOWN, message="no dispatching rule found a schedule")
        rest = time_limit - (time.perf_counter() - began)
        reordered = reorder.improve(
            problem, warm[0], warm[1], score, rest, seed, order=placed or None, found=on_solution
        )
        return Result(
            Status.FEASIBLE,
            _checked(problem, reordered.schedule),
            reordered.objective,
            message=f"too large for the full model: the best dispatching rule, then "
            f"{reordered.steps} rebuilds with late orders pulled forward "
            f"({reordered.improvements} of them better)",
        )
    if previous is not None and score(previous) is not None:
        value = score(previous)
        if value is not None and (warm is None or value <= warm[1]):
            warm = (previous, value)
    plain_shop = warm is not None and previous is None and tabu.applies(problem)
    stall = time_limit * STALL_SHARE if len(problem.operations) <= SMALL_SHOP_OPERATIONS else None
    relinking = plain_shop and len(problem.operations) <= tabu.RELINK_UP_TO_OPERATIONS
    # The elite schedules of a small shop, carried from one stage of the search to the next.
    pool = tabu.ElitePool(problem) if relinking else None
    if warm is not None and plain_shop:
        share_alone = RELINKING_SHARE if pool is not None else TABU_SHARE
        budget = max(time_limit * share_alone - (time.perf_counter() - began), 0.0)
        seeds = [seed + k for k in range(workers)]
        handover = stall if pool is None else None
        searched = _walks(problem, warm[0], budget, seeds, pool, stall_seconds=handover)
        value = score(searched.schedule)
        if value is not None and value <= warm[1]:
            warm = (searched.schedule, value)
    model = Model(problem, horizon(problem, warm[0] if warm else None))
    if previous is not None:
        model.add_stability(previous, stability)
    model.cp.minimize(model.objective_expr())
    if warm is not None:
        model.hint(model.cp, warm[0])
        if plain_shop:
            # Only schedules at least as good as the start are worth searching for; the bound
            # shrinks every domain, which is most of what CP-SAT gains on large shops. Kept to
            # plain shops, where the start is surely a solution of the model too.
            model.cp.add(model.objective_expr() <= warm[1])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if model.off_shift > LIGHT_PRESOLVE_ABOVE_OFF_SHIFT:
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.max_presolve_iterations = 1
    large = len(problem.operations) > LNS_ABOVE_OPERATIONS
    share = FULL_MODEL_SHARE_WITH_LNS if warm is not None and large else 1.0
    spent = time.perf_counter() - began
    solver.parameters.max_time_in_seconds = max(time_limit * share - spent, 0.05)
    beside: tabu.Outcome | None = None
    if warm is not None and plain_shop:
        # The tabu search goes on from the same start beside CP-SAT; sharing the cores did
        # better than CP-SAT alone.
        searched_beside: list[tabu.Outcome] = []
        start = warm[0]

        def search_beside(ended: Callable[[], bool]) -> None:
            limit = solver.parameters.max_time_in_seconds
            if pool is not None:
                outcome = _walks(problem, start, limit, [seed + 1], pool, ended)
            else:
                outcome = tabu.search(
                    problem, start, limit, seed + 1, stop=ended, stall_seconds=stall
                )
            if outcome.at_lower_bound:
                solver.stop_search()
            searched_beside.append(outcome)

        patience = 2 * stall if stall is not None else None
        status = _solve_until_stalled(solver, model.cp, patience, search_beside)
        beside = searched_beside[0]
    else:
        # The caller hears CP-SAT's better schedules too, so a run's progress shows the search.
        heard = warm[1] if warm is not None else None

        def better(value: int) -> None:
            nonlocal heard
            if on_solution is not None and (heard is None or value < heard):
                heard = value
                on_solution(value)

        status = _solve_until_stalled(solver, model.cp, None, on_better=better)
    if status == cp_model.MODEL_INVALID:
        return Result(Status.INVALID, message=model.cp.validate())
    if status == cp_model.INFEASIBLE:
        return Result(Status.INFEASIBLE, message="no schedule satisfies every constraint")
    bound = round(solver.best_objective_bound) if status != cp_model.UNKNOWN else None
    if beside is not None and beside.at_lower_bound:
        # A plain shop's objective is the weighted makespan, and the search reached a bound.
        bound = max(bound or 0, problem.objective.makespan * beside.makespan)
    best = warm
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = model.read(solver, model.cp)
        value = round(solver.objective_value)
        if best is None or value <= best[1]:
            best = (found, value)
    if beside is not None and best is not None:
        value = score(beside.schedule)
        if value is not None and value < best[1]:
            best = (beside.schedule, value)
    if best is None:
        return Result(Status.UNKNOWN, message="no schedule found in the time limit")
    rest = time_limit - (time.perf_counter() - began)
    open_gap = bound is None or bound < best[1]
    if stall is not None and plain_shop and open_gap and rest > 2 * stall:
        best, bound = _fresh_looks(problem, best, bound, rest, 2 * stall, workers, seed)
        if bound is not None and bound >= best[1]:
            return Result(Status.OPTIMAL, _checked(problem, best[0]), best[1], best[1])
    if stall is not None and plain_shop:
        left = time_limit - (time.perf_counter() - began)
        best, bound = _search_to_the_end(
            problem, best, bound, left, [seed + 3 + k for k in range(workers)], pool
        )
    if status == cp_model.OPTIMAL:
        return Result(Status.OPTIMAL, _checked(problem, best[0]), best[1], best[1])
    rest = time_limit - spent - solver.wall_time
    if large and rest > 0.1:
        outcome = improve(model, best[0], best[1], rest, workers, seed)
        best = (outcome.schedule, outcome.objective)
        if outcome.proved_optimal:
            bound = best[1]
    proved = bound is not None and bound >= best[1]
    return Result(
        Status.OPTIMAL if proved else Status.FEASIBLE,
        _checked(problem, best[0]),
        best[1],
        bound,
    )


def solve(
    problem: Problem,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    on_solution: Callable[[int], None] | None = None,
) -> Result:
    """The best schedule found in `time_limit` seconds on `workers` threads.

    The problem is already validated (building it raises ProblemError naming the operation at
    fault), so INFEASIBLE here means the constraints conflict in combination (e.g. locks and due
    capacity), and UNKNOWN that no schedule was found in time. `on_solution` hears the objective
    of each better schedule as it is found, on the caller's thread (the constructive stage's
    checked ones, then CP-SAT's on plants that are not plain shops, or the destroy-and-repair
    search's on plants too large for the full model), so a caller can show the
    first schedule long before the time limit and the search's progress after it.
    """
    return _run(problem, time_limit, workers, seed, None, 0, on_solution)


def reschedule(
    problem: Problem,
    previous: Schedule,
    time_limit: float = 5.0,
    workers: int = 2,
    seed: int = 0,
    stability: int = 1,
    on_solution: Callable[[int], None] | None = None,
) -> Result:
    """A new schedule after a change (a breakdown, a rush order) that moves as little as it can.

    Started and locked operations are fixed in `problem` itself. The objective adds `stability`
    per minute each operation's start moves from `previous`, so the planner weighs disruption
    on the floor against the objective; operations new in `problem` are placed freely. The
    first schedule tried is the previous one repaired: every operation that can stay exactly
    where it was stays, and the others are placed around them, none earlier than before.
    """
    return _run(problem, time_limit, workers, seed, previous, stability, on_solution)
