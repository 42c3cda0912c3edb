"""The dispatching rules as the whole solver (plants too large for the full model) and the repair
a reschedule starts from; every schedule goes through the checker."""

import importlib

import pytest
from hypothesis import HealthCheck, given, settings

from andon.engines.scheduling import (
    Assignment,
    CrewRequirement,
    Job,
    Mode,
    Operation,
    Problem,
    Qualification,
    Resource,
    Schedule,
    Status,
    Worker,
    check,
    reschedule,
    solve,
)
from andon.engines.scheduling.heuristic import best_constructive

from .test_properties import problems

# The module, not the function the package exports under the same name.
pipeline = importlib.import_module("andon.engines.scheduling.solve")


@pytest.fixture
def rules_only(monkeypatch):
    """As on a plant of thousands of crewed operations: no full model, the rules decide."""
    monkeypatch.setattr(pipeline, "FULL_MODEL_MAX_SIZE", 0)


def test_a_job_started_before_the_shift_does_not_stop_the_rules():
    # Minute 0 is midnight; the lathe works 08:00-16:00; a job started on the night shift runs on.
    lathe = Resource("lathe", calendar=((480, 960),))
    problem = Problem(
        jobs=(Job("running"), Job("next")),
        operations=(
            Operation(
                "running", "running", (Mode("lathe", 30),), fixed_start=0, fixed_resource="lathe"
            ),
            Operation("next", "next", (Mode("lathe", 60),)),
        ),
        resources=(lathe,),
    )
    warm = best_constructive(problem, lambda s: None if check(problem, s) else 0)
    assert warm is not None
    result = solve(problem, time_limit=2)
    assert result.schedule is not None
    assert check(problem, result.schedule) == []
    assert result.schedule.by_operation["running"].start == 0
    assert result.schedule.by_operation["next"].start == 480


def test_above_the_model_size_the_rules_give_a_checked_schedule_in_time(ft3, rules_only):
    heard = []
    result = solve(ft3, time_limit=1, on_solution=heard.append)
    assert result.status is Status.FEASIBLE
    assert "dispatching rule" in result.message
    assert check(ft3, result.schedule) == []
    assert heard
    assert heard[-1] == result.objective
    assert heard == sorted(heard, reverse=True)  # each one better than the one before


def test_repair_after_a_breakdown_moves_only_what_the_breakdown_pushes(rules_only):
    jobs = (*(Job(f"j{i}") for i in range(4)), Job("k"))
    ops = tuple(Operation(f"j{i}", f"j{i}", (Mode("m0", 60),)) for i in range(4))
    ops += (Operation("k", "k", (Mode("m1", 100),)),)
    before = Problem(jobs=jobs, operations=ops, resources=(Resource("m0"), Resource("m1")))
    previous = solve(before, time_limit=1).schedule
    # m0 is down from minute 60 to 120.
    down = Resource("m0", calendar=((0, 60), (120, 100_000)))
    after = Problem(jobs=jobs, operations=ops, resources=(down, Resource("m1")))

    result = reschedule(after, previous, time_limit=1)

    assert check(after, result.schedule) == []
    old, new = previous.by_operation, result.schedule.by_operation
    assert new["k"] == old["k"]
    hit = {n for n in ("j0", "j1", "j2", "j3") if old[n].start < 120 and old[n].end > 60}
    assert len(hit) == 1
    for name in ("j0", "j1", "j2", "j3"):
        assert new[name].start >= old[name].start  # nothing jumps ahead
        if name not in hit:
            assert new[name] == old[name]  # not even what came after the breakdown
    (pushed,) = hit
    assert new[pushed].start == 240  # the first free hour after the others


def test_repair_keeps_the_crew_an_operation_had(rules_only):
    people = tuple(Worker(f"w{i}", (Qualification("weld"),)) for i in range(3))
    problem = Problem(
        jobs=(Job("j"),),
        operations=(Operation("o", "j", (Mode("m", 30),), crew=(CrewRequirement("weld"),)),),
        resources=(Resource("m"),),
        workers=people,
    )
    previous = Schedule((Assignment("o", "m", 0, 30, ("w2",)),))
    result = reschedule(problem, previous, time_limit=1)
    assert result.schedule.by_operation["o"] == previous.by_operation["o"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_rules_alone_and_their_repair_pass_the_checker(problem):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "FULL_MODEL_MAX_SIZE", 0)
        result = solve(problem, time_limit=0.5)
        if result.schedule is None:
            return
        assert check(problem, result.schedule) == []
        again = reschedule(problem, result.schedule, time_limit=0.5)
        assert again.schedule is not None
        assert check(problem, again.schedule) == []
        # Nothing changed: the repair is the schedule itself.
        assert again.schedule.by_operation == result.schedule.by_operation
