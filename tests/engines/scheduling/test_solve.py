"""The engine's rules, one small problem each; every schedule goes through the checker."""

import pytest

from andon.engines.scheduling import (
    Changeover,
    CrewRequirement,
    Job,
    Mode,
    Objective,
    Operation,
    Problem,
    ProblemError,
    Qualification,
    Resource,
    SetupTime,
    Status,
    Worker,
    check,
    reschedule,
    solve,
)


def solved(problem, time_limit=2.0):
    result = solve(problem, time_limit=time_limit, workers=2, seed=1)
    assert result.schedule is not None, result
    assert check(problem, result.schedule) == []
    return result


def test_small_job_shop_is_solved_to_optimality(ft3):
    result = solved(ft3)
    assert result.status is Status.OPTIMAL
    assert result.objective == result.lower_bound == 11
    assert result.schedule.makespan == 11


def test_alternative_resource_with_its_own_duration_is_used():
    ops = tuple(Operation(f"o{i}", f"j{i}", (Mode("fast", 10), Mode("slow", 15))) for i in range(2))
    p = Problem(
        jobs=(Job("j0"), Job("j1")),
        operations=ops,
        resources=(Resource("fast"), Resource("slow")),
    )
    result = solved(p)
    # One on each machine (makespan 15) beats both on the fast one (20).
    assert result.objective == 15
    assert {a.resource for a in result.schedule.assignments} == {"fast", "slow"}


def test_operation_does_not_cross_a_break():
    m = Resource("m", calendar=((0, 100), (160, 400)))
    ops = (
        Operation("a", "j", (Mode("m", 60),)),
        Operation("b", "j", (Mode("m", 60),), predecessors=("a",)),
    )
    result = solved(Problem(jobs=(Job("j"),), operations=ops, resources=(m,)))
    b = result.schedule.by_operation["b"]
    assert b.start >= 160  # 60..120 would cross the break at 100


def test_release_date_and_component_job_precede_the_parent_operation():
    ops = (
        Operation("sub", "child", (Mode("m1", 30),)),
        Operation("assemble", "parent", (Mode("m2", 10),), components=("child",)),
    )
    p = Problem(
        jobs=(Job("child", release=50), Job("parent")),
        operations=ops,
        resources=(Resource("m1"), Resource("m2")),
    )
    s = solved(p).schedule.by_operation
    assert s["sub"].start >= 50
    assert s["assemble"].start >= s["sub"].end


def test_crew_needs_a_qualified_certified_worker_on_shift():
    workers = (
        Worker("expired", (Qualification("weld", 3, valid_until=20),)),
        Worker("junior", (Qualification("weld", 1),)),
        Worker("night", (Qualification("weld", 3),), shifts=((100, 300),)),
    )
    op = Operation("weld", "j", (Mode("m", 50),), crew=(CrewRequirement("weld", min_level=2),))
    p = Problem(jobs=(Job("j"),), operations=(op,), resources=(Resource("m"),), workers=workers)
    a = solved(p).schedule.by_operation["weld"]
    assert a.workers == ("night",)
    assert a.start >= 100


def test_crew_of_two_is_never_double_booked():
    workers = tuple(Worker(n, (Qualification("op"),)) for n in ("a", "b", "c"))
    ops = tuple(
        Operation(f"o{i}", f"j{i}", (Mode(f"m{i}", 10),), crew=(CrewRequirement("op", count=2),))
        for i in range(2)
    )
    p = Problem(
        jobs=(Job("j0"), Job("j1")),
        operations=ops,
        resources=(Resource("m0"), Resource("m1")),
        workers=workers,
    )
    result = solved(p)
    # Three people, two crews of two: the operations cannot run at the same time.
    assert result.objective == 20


def test_sequence_dependent_setups_are_minimised():
    ops = tuple(
        Operation(f"o{i}", f"j{i}", (Mode("m", 10),), setup_family=fam)
        for i, fam in enumerate(["red", "blue", "red", "blue"])
    )
    setups = (SetupTime("red", "blue", 30), SetupTime("blue", "red", 30))
    p = Problem(
        jobs=tuple(Job(f"j{i}") for i in range(4)),
        operations=ops,
        resources=(Resource("m"),),
        setup_times=setups,
        objective=Objective(makespan=1, setup=1),
    )
    result = solved(p)
    assert result.schedule.makespan == 70  # both reds, one changeover, both blues
    assert result.status is Status.OPTIMAL


def test_changeovers_into_a_family_are_minimised_like_a_setup_matrix():
    """One changeover per family instead of a setup for every pair: same schedule, same cost."""
    ops = tuple(
        Operation(f"o{i}", f"j{i}", (Mode("m", 10),), setup_family=fam)
        for i, fam in enumerate(["red", "blue", "red", "blue", "green"])
    )
    p = Problem(
        jobs=tuple(Job(f"j{i}") for i in range(5)),
        operations=ops,
        resources=(Resource("m"),),
        changeovers=(Changeover("red", 30), Changeover("blue", 20), Changeover("green", 5)),
        objective=Objective(makespan=1, setup=1),
    )
    result = solved(p)
    # Five runs of 10 and the two cheapest changeovers into the families not run first: red
    # first (its 30 is never paid), then blue (20) and green (5), or green then blue.
    assert result.schedule.makespan == 75
    assert result.status is Status.OPTIMAL
    order = [a.operation for a in sorted(result.schedule.assignments, key=lambda a: a.start)]
    assert {order[0], order[1]} == {"o0", "o2"}


def test_a_setup_for_a_pair_overrides_the_changeover_into_its_family():
    red, blue = (
        Operation("r", "j0", (Mode("m", 10),), setup_family="red"),
        Operation("b", "j1", (Mode("m", 10),), setup_family="blue"),
    )
    p = Problem(
        jobs=(Job("j0"), Job("j1")),
        operations=(red, blue),
        resources=(Resource("m"),),
        setup_times=(SetupTime("red", "blue", 0),),
        changeovers=(Changeover("blue", 40), Changeover("red", 40)),
    )
    assert p.setup_between(red, blue) == 0
    assert p.setup_between(blue, red) == 40
    assert p.setup_between(red, red) == 0
    assert solved(p).schedule.makespan == 20


def test_a_negative_changeover_is_refused():
    with pytest.raises(ProblemError, match="changeover to red"):
        Changeover("red", -1)


def test_weighted_tardiness_puts_the_urgent_job_first():
    ops = (Operation("a", "slow", (Mode("m", 50),)), Operation("b", "urgent", (Mode("m", 10),)))
    p = Problem(
        jobs=(Job("slow", due=100), Job("urgent", due=10, weight=5)),
        operations=ops,
        resources=(Resource("m"),),
        objective=Objective(makespan=0, tardiness=1),
    )
    result = solved(p)
    assert result.objective == 0
    assert result.schedule.by_operation["b"].start == 0


def test_locked_operation_stays_and_others_fit_around_it():
    ops = (
        Operation("locked", "j0", (Mode("m", 20), Mode("n", 5)), fixed_start=0, fixed_resource="m"),
        Operation("free", "j1", (Mode("m", 10),)),
    )
    p = Problem(
        jobs=(Job("j0"), Job("j1")), operations=ops, resources=(Resource("m"), Resource("n"))
    )
    s = solved(p).schedule.by_operation
    assert (s["locked"].resource, s["locked"].start) == ("m", 0)
    assert s["free"].start >= 20


def test_capacity_two_runs_two_at_once():
    ops = tuple(Operation(f"o{i}", f"j{i}", (Mode("oven", 30),)) for i in range(4))
    p = Problem(
        jobs=tuple(Job(f"j{i}") for i in range(4)),
        operations=ops,
        resources=(Resource("oven", capacity=2),),
    )
    assert solved(p).objective == 60


def test_reschedule_keeps_what_need_not_move(ft3):
    first = solved(ft3).schedule
    # Machine m2 is down until 5: the new schedule moves what it must and little else.
    down = Problem(
        jobs=ft3.jobs,
        operations=ft3.operations,
        resources=(Resource("m0"), Resource("m1"), Resource("m2", calendar=((5, 10_000),))),
    )
    result = reschedule(down, first, time_limit=2, stability=1)
    assert check(down, result.schedule) == []
    moved = sum(
        abs(a.start - first.by_operation[a.operation].start) for a in result.schedule.assignments
    )
    fresh = solved(down).schedule
    moved_fresh = sum(
        abs(a.start - first.by_operation[a.operation].start) for a in fresh.assignments
    )
    assert moved <= moved_fresh
    assert all(a.start >= 5 for a in result.schedule.assignments if a.resource == "m2")


def test_plain_shop_at_its_machine_load_is_reported_optimal():
    # One machine, no gaps possible: the tabu search starts at the busiest machine's load.
    ops = tuple(Operation(f"o{i}", f"j{i}", (Mode("m", 10 + i),)) for i in range(4))
    problem = Problem(
        jobs=tuple(Job(f"j{i}") for i in range(4)), operations=ops, resources=(Resource("m"),)
    )
    result = solved(problem)
    assert result.status is Status.OPTIMAL
    assert result.objective == result.lower_bound == 46


def test_plain_shop_with_releases_and_alternatives_is_checked(ft3):
    # The tabu search keeps the warm start's resource and respects release dates.
    jobs = tuple(Job(j.name, release=5 * k) for k, j in enumerate(ft3.jobs))
    ops = tuple(
        Operation(o.name, o.job, (*o.modes, Mode("spare", 9)), predecessors=o.predecessors)
        for o in ft3.operations
    )
    problem = Problem(jobs=jobs, operations=ops, resources=(*ft3.resources, Resource("spare")))
    result = solved(problem, time_limit=1.0)
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)


def _crewed_plant_over_two_months() -> Problem:
    """Like the small demo plant: 12 machines on two weekday shifts and 40 workers on one of
    them for 60 days, 50 orders of three operations each needing one of 20 qualified workers,
    due in the first days."""
    day = 24 * 60
    shifts = tuple(
        (d * day + a, d * day + b)
        for d in range(60)
        if d % 7 < 5
        for a, b in ((6 * 60, 14 * 60), (14 * 60, 22 * 60))
    )
    machines = tuple(Resource(f"m{k}", calendar=shifts) for k in range(12))
    workers = tuple(
        Worker(f"w{k}", (Qualification(f"s{k % 2}"),), shifts=shifts[k % 2 :: 2]) for k in range(40)
    )
    jobs, ops = [], []
    for j in range(50):
        jobs.append(Job(f"j{j}", due=(1 + j % 5) * day, weight=1 + j % 3))
        for k in range(3):
            ops.append(
                Operation(
                    f"j{j}.{k}",
                    f"j{j}",
                    (Mode(f"m{(j + 5 * k) % 12}", 30 + (j * 7 + k * 13) % 90),),
                    predecessors=(f"j{j}.{k - 1}",) if k else (),
                    crew=(CrewRequirement(f"s{(j + k) % 2}"),),
                )
            )
    return Problem(
        jobs=tuple(jobs),
        operations=tuple(ops),
        resources=machines,
        workers=workers,
        objective=Objective(makespan=1, tardiness=1),
    )


def test_the_full_model_searches_a_crewed_plant_with_two_months_of_shifts():
    # Thousands of fixed off-shift intervals once made CP-SAT's presolve eat the whole limit,
    # so the first dispatching rule came back unimproved and without a lower bound.
    p = _crewed_plant_over_two_months()
    heard: list[int] = []
    result = solve(p, time_limit=6.0, workers=2, seed=1, on_solution=heard.append)
    assert check(p, result.schedule) == []
    assert result.lower_bound is not None
    assert result.lower_bound <= result.objective
    # The caller hears the search's progress down to the schedule it gets.
    assert heard == sorted(heard, reverse=True)
    assert len(set(heard)) == len(heard)
    assert heard[-1] == result.objective


def test_a_schedule_hints_every_variable_so_cp_sat_starts_from_it():
    # Alternatives, a crew and changeovers: the setup circuit's first/last/idle literals were
    # left out once, and on the medium demo plant CP-SAT then spent its first seconds
    # completing the hint instead of searching from it.
    from ortools.sat.python import cp_model

    from andon.engines.scheduling.checker import evaluate
    from andon.engines.scheduling.model import Model, horizon

    ops = tuple(
        Operation(
            f"o{i}",
            f"j{i}",
            (Mode("m1", 10 + i), Mode("m2", 12 + i)),
            setup_family=fam,
            crew=(CrewRequirement("op"),),
        )
        for i, fam in enumerate(["red", "blue", "red", "green", "blue", "red"])
    )
    p = Problem(
        jobs=tuple(Job(f"j{i}", due=20 + 5 * i) for i in range(6)),
        operations=ops,
        resources=(Resource("m1"), Resource("m2"), Resource("m3")),
        workers=(Worker("ann", (Qualification("op"),)), Worker("bob", (Qualification("op"),))),
        changeovers=(Changeover("red", 7), Changeover("blue", 5), Changeover("green", 3)),
        objective=Objective(makespan=1, tardiness=2, setup=1),
    )
    schedule = solved(p, time_limit=1.0).schedule
    model = Model(p, horizon(p, schedule))
    model.cp.minimize(model.objective_expr())
    model.hint(model.cp, schedule)
    proto = model.cp.proto
    assert set(proto.solution_hint.vars) == set(range(len(proto.variables)))
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(model.cp) == cp_model.OPTIMAL
    assert round(solver.objective_value) == evaluate(p, schedule)
