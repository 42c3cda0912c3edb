"""The tabu search: it only re-sequences, never breaks a rule, and never returns worse."""

import dataclasses
import random

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


def test_ft3_reaches_its_optimum(ft3):
    schedule, _ = start_of(ft3)
    outcome = tabu.search(ft3, schedule, time_limit=1.0, seed=0)
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


def test_time_cp_sat_leaves_unused_goes_back_to_the_search():
    problem = _random_shop(15, 15, seed=4)
    schedule, value = start_of(problem)
    (found, found_value), _ = _search_to_the_end(problem, (schedule, value), None, 0.3, seed=0)
    assert check(problem, found) == []
    assert evaluate(problem, found) == found_value < value
    # At the bound there is nothing to search for: the schedule comes back as it was, at once.
    assert _search_to_the_end(problem, (schedule, value), value, 60.0, seed=0) == (
        (schedule, value),
        value,
    )


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
