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

The pipeline is the table `STRATEGIES`: each strategy says whether it applies to the run as it
stands and takes one step on the run's state (`_Run`); the stages themselves are in `stages.py`
(docs/adr/0010-engine-errors-and-strategy-table.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from andon.engines.scheduling import reorder, tabu
from andon.engines.scheduling.checker import check, evaluate
from andon.engines.scheduling.heuristic import best_constructive
from andon.engines.scheduling.lns import improve
from andon.engines.scheduling.model import Model, horizon, model_size
from andon.engines.scheduling.problem import Problem, ProblemError
from andon.engines.scheduling.result import Result, Schedule, Status
from andon.engines.scheduling.stages import (
    CheckerError,
    Deadline,
    checked,
    fresh_looks,
    solve_until_stalled,
    walks,
)
from andon.engines.scheduling.stages import search_to_the_end as _search_to_the_end

__all__ = ["CheckerError", "reschedule", "solve"]

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


@dataclass
class _Run:
    """One solve: the problem and the caller's limits, and what each strategy leaves for the
    next (the best schedule so far, CP-SAT's status and bound, the tabu search's outcome).

    `time_limit` covers the whole pipeline; `began` is the one clock it is measured from."""

    problem: Problem
    time_limit: float
    workers: int
    seed: int
    previous: Schedule | None
    stability: int
    on_solution: Callable[[int], None] | None
    began: float = field(default_factory=time.perf_counter)
    # The dispatching rules' best (then the start every later stage goes on from) and the
    # order in which they placed the operations.
    warm: tuple[Schedule, int] | None = None
    placed: list[str] = field(default_factory=list)
    # Whether a schedule is only machine sequences and makespan (`tabu.applies`), and what
    # follows from it: when to hand over on a stall, and the elite pool of a small shop.
    plain_shop: bool = False
    stall: float | None = None
    pool: tabu.ElitePool | None = None
    # The full model's run: its solver and status, when it was started, and whether the
    # outer LNS gets the rest of the time.
    model: Model | None = None
    solver: Any = None
    status: Any = None
    spent: float = 0.0
    large: bool = False
    bound: int | None = None
    best: tuple[Schedule, int] | None = None
    beside: tabu.Outcome | None = None

    def elapsed(self) -> float:
        return time.perf_counter() - self.began

    def score(self, schedule: Schedule) -> int | None:
        """The objective of a feasible schedule, plus what it moves from `previous`."""
        if check(self.problem, schedule):
            return None
        value = evaluate(self.problem, schedule)
        if self.previous is not None and self.stability:
            moved = self.previous.by_operation
            value += self.stability * sum(
                abs(a.start - moved[a.operation].start)
                for a in schedule.assignments
                if a.operation in moved
            )
        return value

    def optimal(self) -> Result:
        """The best schedule, proved optimal: its objective is its own lower bound."""
        assert self.best is not None
        schedule, value = self.best
        return Result(Status.OPTIMAL, checked(self.problem, schedule), value, value)


Step = Callable[[_Run], Result | None]


@dataclass(frozen=True)
class _Strategy:
    """One stage of the pipeline: run `step` when `applies` says so, in the table's order.

    A step improves the run's state in place; a `Result` from it ends the run (a proof, a
    failure, or a path of its own such as the plants too large for the full model)."""

    name: str
    applies: Callable[[_Run], bool]
    step: Step


def _always(run: _Run) -> bool:
    return True


def _dispatch(run: _Run) -> None:
    """The dispatching rules, each checked, within the time limit: the warm start."""
    on_solution = run.on_solution
    run.warm = best_constructive(
        run.problem,
        run.score,
        previous=run.previous,
        stop=Deadline(run.began, run.time_limit).passing,
        found=None if on_solution is None else lambda _, value: on_solution(value),
        placed_in=run.placed,
    )


def _too_large(run: _Run) -> bool:
    return model_size(run.problem) > FULL_MODEL_MAX_SIZE


def _rebuild(run: _Run) -> Result:
    """Too large for the full model: the best rule, then destroy and repair with its builder."""
    if run.warm is None:
        return Result(Status.UNKNOWN, message="no dispatching rule found a schedule")
    rest = run.time_limit - run.elapsed()
    order = run.placed or None
    reordered = reorder.improve(
        run.problem, *run.warm, run.score, rest, run.seed, order=order, found=run.on_solution
    )
    return Result(
        Status.FEASIBLE,
        checked(run.problem, reordered.schedule),
        reordered.objective,
        message=f"too large for the full model: the best dispatching rule, then "
        f"{reordered.steps} rebuilds with late orders pulled forward "
        f"({reordered.improvements} of them better)",
    )


def _has_previous(run: _Run) -> bool:
    return run.previous is not None


def _keep_previous(run: _Run) -> None:
    """The previous schedule as it stands, when still feasible and no worse than the rules."""
    assert run.previous is not None
    value = run.score(run.previous)
    if value is not None and (run.warm is None or value <= run.warm[1]):
        run.warm = (run.previous, value)


def _judge_the_shop(run: _Run) -> None:
    """Whether the tabu search and its stages apply: a plain makespan shop solved afresh.

    The one place that decides it (`tabu.applies`), and so where a stricter test of the
    problem (docs/adr/0010) changes which of the strategies below run."""
    problem = run.problem
    run.plain_shop = run.warm is not None and run.previous is None and tabu.applies(problem)
    small = len(problem.operations) <= SMALL_SHOP_OPERATIONS
    run.stall = run.time_limit * STALL_SHARE if small else None
    relinking = run.plain_shop and len(problem.operations) <= tabu.RELINK_UP_TO_OPERATIONS
    # The elite schedules of a small shop, carried from one stage of the search to the next.
    run.pool = tabu.ElitePool(problem) if relinking else None


def _plain_shop(run: _Run) -> bool:
    return run.plain_shop


def _tabu_alone(run: _Run) -> None:
    """The tabu search from the warm start, alone on the cores for its share of the time."""
    assert run.warm is not None
    share_alone = RELINKING_SHARE if run.pool is not None else TABU_SHARE
    budget = max(run.time_limit * share_alone - run.elapsed(), 0.0)
    seeds = [run.seed + k for k in range(run.workers)]
    handover = run.stall if run.pool is None else None
    searched = walks(run.problem, run.warm[0], budget, seeds, run.pool, stall_seconds=handover)
    value = run.score(searched.schedule)
    if value is not None and value <= run.warm[1]:
        run.warm = (searched.schedule, value)


def _full_model(run: _Run) -> Result | None:
    """CP-SAT on the whole model from the warm start (with the tabu search beside it on a
    plain shop); ends the run when the model is invalid, infeasible, or found nothing."""
    problem, warm = run.problem, run.warm
    model = Model(problem, horizon(problem, warm[0] if warm else None))
    if run.previous is not None:
        model.add_stability(run.previous, run.stability)
    model.cp.minimize(model.objective_expr())
    if warm is not None:
        model.hint(model.cp, warm[0])
        if run.plain_shop:
            # Only schedules at least as good as the start are worth searching for; the bound
            # shrinks every domain, which is most of what CP-SAT gains on large shops. Kept to
            # plain shops, where the start is surely a solution of the model too.
            model.cp.add(model.objective_expr() <= warm[1])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = run.workers
    solver.parameters.random_seed = run.seed
    if model.off_shift > LIGHT_PRESOLVE_ABOVE_OFF_SHIFT:
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.max_presolve_iterations = 1
    run.model, run.solver = model, solver
    run.large = len(problem.operations) > LNS_ABOVE_OPERATIONS
    share = FULL_MODEL_SHARE_WITH_LNS if warm is not None and run.large else 1.0
    run.spent = run.elapsed()
    solver.parameters.max_time_in_seconds = max(run.time_limit * share - run.spent, 0.05)
    if warm is not None and run.plain_shop:
        run.status = _solve_beside_the_search(run, warm[0])
    else:
        run.status = _solve_telling_the_caller(run)
    status = run.status
    if status == cp_model.MODEL_INVALID:
        return Result(Status.INVALID, message=model.cp.validate())
    if status == cp_model.INFEASIBLE:
        return Result(Status.INFEASIBLE, message="no schedule satisfies every constraint")
    bound = round(solver.best_objective_bound) if status != cp_model.UNKNOWN else None
    beside = run.beside
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
        searched = run.score(beside.schedule)
        if searched is not None and searched < best[1]:
            best = (beside.schedule, searched)
    if best is None:
        return Result(Status.UNKNOWN, message="no schedule found in the time limit")
    run.best, run.bound = best, bound
    return None


def _solve_beside_the_search(run: _Run, start: Schedule) -> Any:
    """CP-SAT with the tabu search going on from the same start beside it; sharing the cores
    did better than CP-SAT alone."""
    solver, pool, stall, seed = run.solver, run.pool, run.stall, run.seed
    searched_beside: list[tabu.Outcome] = []

    def search_beside(ended: Callable[[], bool]) -> None:
        limit = solver.parameters.max_time_in_seconds
        if pool is not None:
            outcome = walks(run.problem, start, limit, [seed + 1], pool, ended)
        else:
            outcome = tabu.search(
                run.problem, start, limit, seed + 1, stop=ended, stall_seconds=stall
            )
        if outcome.at_lower_bound:
            solver.stop_search()
        searched_beside.append(outcome)

    assert run.model is not None
    patience = 2 * stall if stall is not None else None
    status = solve_until_stalled(solver, run.model.cp, patience, search_beside)
    run.beside = searched_beside[0]
    return status


def _solve_telling_the_caller(run: _Run) -> Any:
    """CP-SAT alone; the caller hears its better schedules too, so a run's progress shows
    the search."""
    heard = run.warm[1] if run.warm is not None else None
    on_solution = run.on_solution

    def better(value: int) -> None:
        nonlocal heard
        if on_solution is not None and (heard is None or value < heard):
            heard = value
            on_solution(value)

    assert run.model is not None
    return solve_until_stalled(run.solver, run.model.cp, None, on_better=better)


def _small_plain_shop(run: _Run) -> bool:
    return run.stall is not None and run.plain_shop


def _gap_open_with_time_for_fresh_looks(run: _Run) -> bool:
    if not _small_plain_shop(run):
        return False
    assert run.best is not None
    assert run.stall is not None
    rest = run.time_limit - run.elapsed()
    open_gap = run.bound is None or run.bound < run.best[1]
    return open_gap and rest > 2 * run.stall


def _fresh_looks_stage(run: _Run) -> Result | None:
    """Unhinted CP-SAT restarts for the rest of the time; a closed gap ends the run."""
    assert run.best is not None
    assert run.stall is not None
    rest = run.time_limit - run.elapsed()
    run.best, run.bound = fresh_looks(
        run.problem, run.best, run.bound, rest, 2 * run.stall, run.workers, run.seed
    )
    if run.bound is not None and run.bound >= run.best[1]:
        return run.optimal()
    return None


def _search_to_the_end_stage(run: _Run) -> None:
    """The tabu search again for whatever time CP-SAT's stages left."""
    assert run.best is not None
    left = run.time_limit - run.elapsed()
    seeds = [run.seed + 3 + k for k in range(run.workers)]
    run.best, run.bound = _search_to_the_end(
        run.problem, run.best, run.bound, left, seeds, run.pool
    )


def _cp_sat_proved_it(run: _Run) -> bool:
    return bool(run.status == cp_model.OPTIMAL)


def _proved(run: _Run) -> Result:
    return run.optimal()


def _time_left_for_lns(run: _Run) -> bool:
    return run.large and _lns_time(run) > 0.1


def _lns_time(run: _Run) -> float:
    return float(run.time_limit - run.spent - run.solver.wall_time)


def _lns(run: _Run) -> None:
    """Our own large-neighbourhood search for the time the full model did not get."""
    assert run.model is not None
    assert run.best is not None
    outcome = improve(run.model, *run.best, _lns_time(run), run.workers, run.seed)
    run.best = (outcome.schedule, outcome.objective)
    if outcome.proved_optimal:
        run.bound = run.best[1]


STRATEGIES: tuple[_Strategy, ...] = (
    _Strategy("dispatching rules", _always, _dispatch),
    _Strategy("destroy and repair (too large for the full model)", _too_large, _rebuild),
    _Strategy("the previous schedule", _has_previous, _keep_previous),
    _Strategy("plain makespan shop?", _always, _judge_the_shop),
    _Strategy("tabu search alone", _plain_shop, _tabu_alone),
    _Strategy("full CP-SAT model", _always, _full_model),
    _Strategy("fresh CP-SAT looks", _gap_open_with_time_for_fresh_looks, _fresh_looks_stage),
    _Strategy("tabu search to the end", _small_plain_shop, _search_to_the_end_stage),
    _Strategy("CP-SAT's proof", _cp_sat_proved_it, _proved),
    _Strategy("large-neighbourhood search", _time_left_for_lns, _lns),
)
"""The pipeline, in order (module docstring). `_run` asks each strategy whether it applies to
the run as it stands and runs it if so; the first `Result` a step returns is the answer."""


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
    run = _Run(problem, time_limit, workers, seed, previous, stability, on_solution)
    for strategy in STRATEGIES:
        if strategy.applies(run):
            answer = strategy.step(run)
            if answer is not None:
                return answer
    assert run.best is not None  # the full model ends the run when it has none
    proved = run.bound is not None and run.bound >= run.best[1]
    return Result(
        Status.OPTIMAL if proved else Status.FEASIBLE,
        checked(problem, run.best[0]),
        run.best[1],
        run.bound,
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
