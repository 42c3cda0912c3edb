"""Infeasibility explained before solving: each error names the operation at fault."""

import pytest

from andon.engines.scheduling import (
    CrewRequirement,
    Job,
    Mode,
    Operation,
    Problem,
    ProblemError,
    Qualification,
    Resource,
    Worker,
)


def problem(ops, resources=None, workers=(), jobs=None):
    return Problem(
        jobs=tuple(jobs or (Job("j"),)),
        operations=tuple(ops),
        resources=tuple(resources or (Resource("m"),)),
        workers=tuple(workers),
    )


def test_operation_without_resource_is_named():
    with pytest.raises(ProblemError, match="operation cut: no resource"):
        Operation("cut", "j", modes=())


@pytest.mark.parametrize("duration", [0, -5])
def test_non_positive_duration_is_named(duration):
    with pytest.raises(ProblemError, match="operation cut: duration on m must be positive"):
        Operation("cut", "j", modes=(Mode("m", duration),))


def test_precedence_cycle_is_named():
    ops = [
        Operation("a", "j", (Mode("m", 1),), predecessors=("b",)),
        Operation("b", "j", (Mode("m", 1),), predecessors=("a",)),
    ]
    with pytest.raises(ProblemError, match="precedence cycle among operations a, b"):
        problem(ops)


def test_cycle_through_a_component_job_is_found():
    ops = [
        Operation("a", "parent", (Mode("m", 1),)),
        Operation("b", "child", (Mode("m", 1),), components=("parent",)),
        Operation("c", "parent", (Mode("m", 1),), components=("child",)),
    ]
    with pytest.raises(ProblemError, match="precedence cycle"):
        problem(ops, jobs=(Job("parent"), Job("child")))


def test_operation_longer_than_every_window_is_named():
    shifts = Resource("m", calendar=((0, 480), (600, 1080)))
    with pytest.raises(ProblemError, match="operation weld: longer than any working window of m"):
        problem([Operation("weld", "j", (Mode("m", 500),))], resources=(shifts,))


def test_no_qualified_worker_on_shift_is_named():
    crew = (CrewRequirement("welding", min_level=3),)
    workers = (
        Worker("ann", (Qualification("welding", 2),)),  # level too low
        Worker("bob", (Qualification("welding", 3),), shifts=((0, 30),)),  # shift too short
    )
    with pytest.raises(ProblemError, match=r"operation weld: needs 1 worker.* only 0 qualified"):
        problem([Operation("weld", "j", (Mode("m", 60),), crew=crew)], workers=workers)


def test_locked_operations_overlapping_are_named():
    ops = [
        Operation("a", "j", (Mode("m", 10),), fixed_start=0, fixed_resource="m"),
        Operation("b", "j", (Mode("m", 10),), fixed_start=5, fixed_resource="m"),
    ]
    with pytest.raises(ProblemError, match="locked operations a, b overlap on resource m"):
        problem(ops)


def test_locked_operations_back_to_back_are_fine():
    ops = [
        Operation("a", "j", (Mode("m", 10),), fixed_start=0, fixed_resource="m"),
        Operation("b", "j", (Mode("m", 10),), fixed_start=10, fixed_resource="m"),
    ]
    assert len(problem(ops).operations) == 2


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        ([Operation("a", "nope", (Mode("m", 1),))], "unknown job nope"),
        ([Operation("a", "j", (Mode("x", 1),))], "unknown resource x"),
        ([Operation("a", "j", (Mode("m", 1),), predecessors=("z",))], "unknown predecessor z"),
    ],
)
def test_dangling_references_are_named(ops, message):
    with pytest.raises(ProblemError, match=message):
        problem(ops)


def test_calendar_must_be_sorted():
    with pytest.raises(ProblemError, match="sorted"):
        Resource("m", calendar=((100, 200), (0, 50)))
