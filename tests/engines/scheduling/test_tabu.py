"""The tabu search: it only re-sequences, never breaks a rule, and never returns worse."""

import dataclasses
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from andon.engines.scheduling import (
    CrewRequirement,
    Job,
    Mode,
    Operation,
    Problem,
    Qualification,
    Resource,
    SetupTime,
    Worker,
    check,
    evaluate,
    tabu,
    tabu_kernel,
)
from andon.engines.scheduling.heuristic import best_constructive
from andon.engines.scheduling.result import Schedule
from andon.engines.scheduling.solve import _search_to_the_end
from andon.engines.scheduling.tabu_kernel import HEAD, TAIL


def start_of(problem):
    warm = best_constructive(problem, lambda s: evaluate(problem, s))
    assert warm is not None
    return warm


def test_plain_shop_applies_and_others_do_not(ft3):
    assert tabu.applies(ft3)
    assert not tabu.applies(dataclasses.replace(ft3, setup_times=(SetupTime("a", "b", 5),)))
    calendar = (Resource("m0", calendar=((0, 1000),)), *ft3.resources[1:])
    assert not tabu.applies(dataclasses.replace(ft3, resources=calendar))
    crewed = tuple(
        dataclasses.replace(op, crew=(CrewRequirement("x"),)) if op.name == "a.0" else op
        for op in ft3.operations
    )
    worker = Worker("w", (Qualification("x"),))
    assert not tabu.applies(dataclasses.replace(ft3, operations=crewed, workers=(worker,)))


# Tests that ask the search for a better schedule give it a number of steps and a time limit it
# never reaches: a step count is the same work on any machine, where a fraction of a second is
# not (one such test failed on a loaded machine), and the walk ends exactly at its last step.
STEPS = 20_000
NO_CLOCK = 600.0


def test_ft3_reaches_its_optimum(ft3):
    schedule, _ = start_of(ft3)
    outcome = tabu.search(ft3, schedule, time_limit=NO_CLOCK, seed=0, max_steps=STEPS)
    assert check(ft3, outcome.schedule) == []
    assert outcome.makespan == evaluate(ft3, outcome.schedule) == 11


@st.composite
def shops(draw):
    """Random shops with releases, alternatives and component jobs (a DAG, not only chains)."""
    n_machines = draw(st.integers(1, 4))
    jobs, ops = [], []
    for j in range(draw(st.integers(1, 6))):
        jobs.append(Job(f"j{j}", release=draw(st.integers(0, 30))))
        components = (f"j{j - 1}",) if j and draw(st.booleans()) else ()
        for k in range(draw(st.integers(1, 4))):
            machines = draw(
                st.lists(st.integers(0, n_machines - 1), min_size=1, max_size=2, unique=True)
            )
            ops.append(
                Operation(
                    f"j{j}.{k}",
                    f"j{j}",
                    tuple(Mode(f"m{m}", draw(st.integers(1, 40))) for m in machines),
                    predecessors=(f"j{j}.{k - 1}",) if k else (),
                    components=components if k == 0 else (),
                )
            )
    return Problem(
        jobs=tuple(jobs),
        operations=tuple(ops),
        resources=tuple(Resource(f"m{m}") for m in range(n_machines)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shops(), st.integers(0, 5))
def test_search_is_feasible_and_never_worse(problem, seed):
    schedule, value = start_of(problem)
    outcome = tabu.search(problem, schedule, time_limit=0.2, seed=seed)
    assert check(problem, outcome.schedule) == []
    assert outcome.makespan == evaluate(problem, outcome.schedule) <= value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shops(), st.integers(0, 1000))
def test_moves_keep_the_graph_acyclic_and_the_incremental_times_exact(problem, seed):
    schedule, _ = start_of(problem)
    graph = tabu._Graph(problem, schedule)
    tabu_kernel.seed(seed)
    for _ in range(30):
        if not graph.random_move():
            break
        head, tail, makespan = graph.g[HEAD].copy(), graph.g[TAIL].copy(), graph.makespan
        assert graph.times()  # False would mean the move made a cycle
        assert (head.tolist(), tail.tolist(), makespan) == (
            graph.g[HEAD].tolist(),
            graph.g[TAIL].tolist(),
            graph.makespan,
        )


def _random_shop(jobs: int, machines: int, seed: int) -> Problem:
    """A Taillard-like shop: every job visits every machine once, in a random order."""
    rng = random.Random(seed)
    ops = []
    for j in range(jobs):
        order = rng.sample(range(machines), machines)
        for k, m in enumerate(order):
            ops.append(
                Operation(
                    f"{j}.{k}",
                    str(j),
                    (Mode(f"m{m}", rng.randint(1, 99)),),
                    predecessors=(f"{j}.{k - 1}",) if k else (),
                )
            )
    return Problem(
        tuple(Job(str(j)) for j in range(jobs)),
        tuple(ops),
        tuple(Resource(f"m{m}") for m in range(machines)),
    )


def test_a_stalled_search_hands_back_its_time():
    """Given a minute but told to stop after 0.2 s without a better schedule, the search ends
    long before the minute, not at the lower bound: it stalled."""
    problem = _random_shop(15, 15, seed=4)
    schedule, _ = start_of(problem)
    outcome = tabu.search(problem, schedule, time_limit=60.0, seed=0, stall_seconds=0.2)
    assert outcome.seconds < 30
    assert not outcome.at_lower_bound
    assert check(problem, outcome.schedule) == []


@pytest.mark.parametrize("relinking", [False, True])
def test_time_cp_sat_leaves_unused_goes_back_to_the_search(relinking):
    problem = _random_shop(15, 15, seed=4)
    schedule, value = start_of(problem)
    pool = tabu.ElitePool(problem) if relinking else None
    # A step budget rather than 0.3 s: the same search on a loaded machine (see STEPS).
    (found, found_value), _ = _search_to_the_end(
        problem, (schedule, value), None, NO_CLOCK, seeds=[0, 1], pool=pool, max_steps=STEPS
    )
    assert check(problem, found) == []
    assert evaluate(problem, found) == found_value < value
    # At the bound there is nothing to search for: the schedule comes back as it was, at once.
    at_bound = _search_to_the_end(problem, (schedule, value), value, 60.0, [0, 1], pool)
    assert at_bound == ((schedule, value), value)


def _recording_walks(monkeypatch, stops=None):
    """Each walk's own outcome, as `search_in_parallel` sees it (and its `stop`, in `stops`)."""
    walks = []
    search = tabu.search

    def recorded(problem, start, time_limit, seed, stop=None, *args):
        outcome = search(problem, start, time_limit, seed, stop, *args)
        walks.append(outcome)
        if stops is not None:
            stops.append(stop)
        return outcome

    monkeypatch.setattr(tabu, "search", recorded)
    return walks


def test_parallel_walks_give_the_best_of_them(monkeypatch):
    walks = _recording_walks(monkeypatch)
    problem = _random_shop(10, 10, seed=2)
    schedule, value = start_of(problem)
    outcome = tabu.search_in_parallel(problem, schedule, 0.3, seeds=[0, 1])
    assert len(walks) == 2
    assert outcome.makespan == min(w.makespan for w in walks) <= value
    assert outcome.makespan == evaluate(problem, outcome.schedule)
    assert outcome.iterations == sum(w.iterations for w in walks)
    assert check(problem, outcome.schedule) == []


def test_every_walk_stops_when_one_reaches_the_lower_bound(monkeypatch):
    """Twelve jobs on five machines: the busiest machine's load is reachable within
    milliseconds from a start well above it, and neither walk goes on for the minute it was
    given."""
    stops = []
    walks = _recording_walks(monkeypatch, stops)
    problem = _random_shop(12, 5, seed=2)
    schedule, value = start_of(problem)
    outcome = tabu.search_in_parallel(problem, schedule, 60.0, seeds=[0, 1])
    assert outcome.at_lower_bound
    assert outcome.makespan < value
    assert len(walks) == 2
    assert all(w.seconds < 30 for w in walks)
    # The walk still searching is told to stop once another has reached the bound.
    assert [stop() for stop in stops] == [True, True]


def _apart(problem: Problem, seed: int) -> tuple[tabu._Graph, tabu._Graph]:
    """Two graphs of `problem` whose machine sequences differ by random moves."""
    schedule, _ = start_of(problem)
    first, second = tabu._Graph(problem, schedule), tabu._Graph(problem, schedule)
    tabu_kernel.seed(seed)
    for _ in range(20):
        second.random_move()
    return first, second


def _places(graph: tabu._Graph):
    places = np.zeros(len(graph.names) + 1, dtype=np.int64)
    tabu_kernel.positions(graph.g[tabu_kernel.MPREV], places)
    return places


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shops(), st.integers(0, 1000))
def test_relinking_reaches_the_other_schedule_one_pair_at_a_time(problem, seed):
    first, second = _apart(problem, seed)
    target = _places(second)
    apart = tabu_kernel.distance(first.g[tabu_kernel.MNEXT], target)
    args = (first.g, first.jp_ptr, first.jp_idx, first.js_ptr, first.js_idx, first.s)
    half = tabu_kernel.relink(*args, target, apart // 2, apart // 2)
    assert half == apart // 2
    assert tabu_kernel.distance(first.g[tabu_kernel.MNEXT], target) == apart - half
    assert first.times()  # False would mean a swap closed a cycle
    # The window's only schedule is the last: the other one.
    rest = tabu_kernel.relink(*args, target, apart - half, apart - half)
    assert rest == apart - half
    assert (_places(first) == target).all()
    assert first.times()
    assert first.makespan == second.makespan


def test_relinking_keeps_the_shortest_schedule_of_its_window():
    problem = _random_shop(10, 10, seed=3)
    first, second = _apart(problem, seed=5)
    target = _places(second)
    apart = tabu_kernel.distance(first.g[tabu_kernel.MNEXT], target)
    assert apart > 6
    probe = tabu._Graph(problem, first.schedule(first.g[HEAD]))
    args = (probe.g, probe.jp_ptr, probe.jp_idx, probe.js_ptr, probe.js_idx, probe.s)
    tabu_kernel.seed(7)
    passed = []
    for _ in range(apart):
        tabu_kernel.relink(*args, target, 1, 1)
        passed.append(probe.makespan)
    args = (first.g, first.jp_ptr, first.jp_idx, first.js_ptr, first.js_idx, first.s)
    tabu_kernel.seed(7)
    tabu_kernel.relink(*args, target, 2, 5)
    assert first.makespan == min(passed[1:5])
    assert tabu_kernel.distance(first.g[tabu_kernel.MNEXT], target) == apart - 2 - passed[
        1:5
    ].index(first.makespan)


def test_relinking_search_is_feasible_and_never_worse(monkeypatch):
    relinked = []
    relink = tabu_kernel.relink

    def recorded(*args):
        relinked.append(relink(*args))
        return relinked[-1]

    monkeypatch.setattr(tabu_kernel, "relink", recorded)
    # Short searches, so the pool fills within each walk's steps: steps, not 1.5 s, so the
    # walks do as much work on a busy machine as on an idle one (see STEPS).
    monkeypatch.setattr(tabu, "CYCLE_STALL_ITERATIONS", 2_000)
    problem = _random_shop(10, 10, seed=4)
    schedule, value = start_of(problem)
    outcome = tabu.search_with_relinking(
        problem, schedule, NO_CLOCK, seeds=[0, 1], max_steps=5 * STEPS
    )
    assert check(problem, outcome.schedule) == []
    assert outcome.makespan == evaluate(problem, outcome.schedule) < value
    # The pool filled and walks started between its schedules, not on top of one.
    assert relinked
    assert all(swaps > 0 for swaps in relinked)


def test_relinking_search_stops_at_the_lower_bound():
    problem = _random_shop(12, 5, seed=2)
    schedule, value = start_of(problem)
    outcome = tabu.search_with_relinking(problem, schedule, 60.0, seeds=[0, 1])
    assert outcome.at_lower_bound
    assert outcome.seconds < 30
    assert outcome.makespan == evaluate(problem, outcome.schedule) < value


def test_relinking_search_ends_in_time_where_few_schedules_exist(ft3):
    """Three jobs on three machines have too few distinct schedules to fill the pool."""
    schedule, value = start_of(ft3)
    outcome = tabu.search_with_relinking(ft3, schedule, 0.5, seeds=[0, 1])
    assert outcome.seconds < 5
    assert outcome.makespan == evaluate(ft3, outcome.schedule) <= value


def test_the_pool_keeps_good_schedules_apart():
    """Schedules of a 10x10 shop a few random moves apart: a newcomer close to a member only
    competes with that member, one far from all with the worst."""
    problem = _random_shop(10, 10, seed=3)
    schedule, _ = start_of(problem)
    graph = tabu._Graph(problem, schedule)
    tabu_kernel.seed(1)

    def member(makespan, moves):
        for _ in range(moves):
            graph.random_move()
        graph.restart()
        return dataclasses.replace(graph.elite(), makespan=makespan)

    pool = tabu.ElitePool(problem, size=2)
    assert pool.close == 10
    a = member(100, 0)
    pool.offer(a)
    pool.offer(dataclasses.replace(a, makespan=90))  # the same sequences: no second member
    b = member(120, 40)
    pool.offer(b)
    assert pool.full()
    assert [m.makespan for m in pool.members] == [100, 120]
    near_b = member(110, 1)
    assert tabu_kernel.distance(near_b.mnext, b.places) <= pool.close
    pool.offer(near_b)  # close to b and better: b's place
    assert [m.makespan for m in pool.members] == [100, 110]
    pool.offer(dataclasses.replace(member(105, 1), makespan=115))  # close to its kin, worse
    assert [m.makespan for m in pool.members] == [100, 110]
    far = member(105, 60)
    assert min(tabu_kernel.distance(far.mnext, m.places) for m in pool.members) > pool.close
    pool.offer(far)  # far from both, better than the worst: the worst's place
    assert [m.makespan for m in pool.members] == [100, 105]
    assert pool.best().makespan == 100


def test_warm_up_compiles_what_the_searches_call():
    """A benchmark's clock must not pay for compiling: after warm_up every kernel function the
    walks call has its machine code."""
    tabu.warm_up()
    for function in ("steps", "choose", "move", "times", "positions", "distance", "relink"):
        assert getattr(tabu_kernel, function).signatures, function


def test_a_pool_carries_over_to_the_next_search_of_its_problem(monkeypatch):
    problem = _random_shop(10, 10, seed=4)
    schedule, _ = start_of(problem)
    pool = tabu.ElitePool(problem)
    monkeypatch.setattr(tabu, "CYCLE_STALL_ITERATIONS", 2_000)  # short searches fill the pool
    # Steps, not 1 s: the pool fills on a busy machine too (see STEPS).
    first = tabu.search_with_relinking(
        problem, schedule, NO_CLOCK, [0, 1], pool=pool, max_steps=5 * STEPS
    )
    assert pool.full()
    relinked = []
    relink = tabu_kernel.relink
    monkeypatch.setattr(tabu_kernel, "relink", lambda *a: relinked.append(relink(*a)))
    second = tabu.search_with_relinking(
        problem, schedule, NO_CLOCK, [2], pool=pool, max_steps=STEPS
    )
    assert relinked  # straight on between the members, no filling again
    assert second.makespan <= first.makespan


def test_a_pool_forgets_schedules_of_another_resource_assignment():
    """Operation 0.0 may also run on a spare machine, twice as slowly. Sequences found with it
    on its own machine mean nothing once a start has put it on the spare one."""
    shop = _random_shop(6, 3, seed=1)
    first_op = shop.operations[0]
    spare = Mode("spare", 2 * first_op.modes[0].duration)
    problem = dataclasses.replace(
        shop,
        operations=(
            dataclasses.replace(first_op, modes=(*first_op.modes, spare)),
            *shop.operations[1:],
        ),
        resources=(*shop.resources, Resource("spare")),
    )
    own, _ = start_of(problem)
    moved = own.by_operation[first_op.name]
    assert moved.resource != "spare"
    slower = Schedule(
        tuple(
            dataclasses.replace(a, resource="spare", end=a.end + spare.duration // 2)
            if a.operation == first_op.name
            else a
            if a.start < moved.start
            else dataclasses.replace(
                a, start=a.start + spare.duration // 2, end=a.end + spare.duration // 2
            )
            for a in own.assignments
        )
    )
    assert check(problem, slower) == []
    pool = tabu.ElitePool(problem)
    tabu.search_with_relinking(problem, own, 0.3, [0], pool=pool)
    outcome = tabu.search_with_relinking(problem, slower, 0.01, [0], pool=pool)
    assert outcome.schedule.by_operation[first_op.name].resource == "spare"
    assert check(problem, outcome.schedule) == []


def test_a_walk_that_fails_fails_the_search(monkeypatch):
    """A walk on another thread that raises must not leave the others' best as the answer."""
    search = tabu.search

    def failing_on_seed_one(problem, start, time_limit, seed, *args):
        if seed == 1:
            raise RuntimeError("walk 1 broke")
        return search(problem, start, time_limit, seed, *args)

    monkeypatch.setattr(tabu, "search", failing_on_seed_one)
    problem = _random_shop(6, 4, seed=2)
    schedule, _ = start_of(problem)
    with pytest.raises(RuntimeError, match="walk 1 broke"):
        tabu.search_in_parallel(problem, schedule, 0.2, seeds=[0, 1])
