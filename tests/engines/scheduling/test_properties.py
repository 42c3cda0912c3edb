"""Invariants on small random problems: whatever the solver returns, the checker accepts, and
the checker rejects schedules broken on purpose."""

import dataclasses

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
    Schedule,
    SetupTime,
    Status,
    Worker,
    check,
    solve,
)

SHIFTS = ((0, 400), (480, 880), (960, 1360), (1440, 5000))


@st.composite
def problems(draw):
    n_res = draw(st.integers(1, 3))
    resources = tuple(
        Resource(
            f"m{r}",
            capacity=draw(st.integers(1, 2)),
            calendar=draw(st.sampled_from([None, SHIFTS])),
        )
        for r in range(n_res)
    )
    workers = tuple(
        Worker(
            f"w{i}",
            (Qualification("op", draw(st.integers(1, 2))),),
            shifts=draw(st.sampled_from([None, SHIFTS])),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    jobs, ops = [], []
    for j in range(draw(st.integers(1, 4))):
        jobs.append(Job(f"j{j}", release=draw(st.integers(0, 100))))
        for k in range(draw(st.integers(1, 3))):
            chosen = draw(
                st.lists(st.integers(0, n_res - 1), min_size=1, max_size=n_res, unique=True)
            )
            needs_crew = workers and draw(st.booleans())
            ops.append(
                Operation(
                    f"j{j}.{k}",
                    f"j{j}",
                    tuple(Mode(f"m{r}", draw(st.integers(1, 120))) for r in chosen),
                    predecessors=(f"j{j}.{k - 1}",) if k else (),
                    components=(f"j{j - 1}",) if j and k == 0 and draw(st.booleans()) else (),
                    setup_family=draw(st.sampled_from([None, "a", "b"])),
                    crew=(CrewRequirement("op"),) if needs_crew else (),
                )
            )
    return Problem(
        jobs=tuple(jobs),
        operations=tuple(ops),
        resources=resources,
        workers=workers,
        setup_times=(SetupTime("a", "b", 15), SetupTime("b", "a", 25)),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_solver_schedules_pass_the_checker(problem):
    result = solve(problem, time_limit=1.0, workers=2, seed=0)
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert check(problem, result.schedule) == []
    assert result.lower_bound is None or result.lower_bound <= result.objective


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.data())
def test_checker_catches_a_moved_operation(problem, data):
    result = solve(problem, time_limit=1.0, workers=2, seed=0)
    victim = data.draw(st.sampled_from(result.schedule.assignments))
    op = problem.operation_by_name[victim.operation]
    release = problem.job_by_name[op.job].release
    # Moving an operation to start before its job's release date must always be caught.
    shift = -(victim.start + 1) if release == 0 else release - victim.start - 1
    moved = dataclasses.replace(victim, start=victim.start + shift, end=victim.end + shift)
    broken = Schedule(tuple(moved if a is victim else a for a in result.schedule.assignments))
    assert check(problem, broken) != []
