"""The checker is the oracle: it must catch each kind of broken schedule."""

import dataclasses

import pytest

from andon.engines.scheduling import Assignment, Schedule, check, solve


def kinds(problem, schedule):
    return {v.kind for v in check(problem, schedule)}


@pytest.fixture
def solved(ft3):
    result = solve(ft3, time_limit=2)
    assert check(ft3, result.schedule) == []
    return result.schedule


def replace(schedule, name, **changes):
    return Schedule(
        tuple(
            dataclasses.replace(a, **changes) if a.operation == name else a
            for a in schedule.assignments
        )
    )


def test_catches_a_precedence_break(ft3, solved):
    a1 = solved.by_operation["a.1"]
    broken = replace(solved, "a.1", start=a1.start - 3, end=a1.end - 3)
    assert "precedence" in kinds(ft3, broken)


def test_catches_an_overlap(ft3, solved):
    first = solved.by_operation["a.0"]
    other = next(a for a in solved.assignments if a.resource == "m0" and a.operation != "a.0")
    length = other.end - other.start
    broken = replace(solved, other.operation, start=first.start, end=first.start + length)
    assert "overlap" in kinds(ft3, broken)


def test_catches_a_wrong_duration_and_resource(ft3, solved):
    a0 = solved.by_operation["a.0"]
    assert "duration" in kinds(ft3, replace(solved, "a.0", end=a0.end + 1))
    assert "resource" in kinds(ft3, replace(solved, "a.0", resource="m1"))


def test_catches_a_missing_operation(ft3, solved):
    partial = Schedule(tuple(a for a in solved.assignments if a.operation != "c.2"))
    assert "missing" in kinds(ft3, partial)


def test_assignment_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="ends before it starts"):
        Assignment("x", "m", 10, 5)
