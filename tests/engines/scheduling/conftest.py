"""Small named problems shared by the scheduling tests."""

import pytest

from andon.engines.scheduling import Job, Mode, Operation, Problem, Resource


def chain(job: str, steps: list[tuple[str, int]], **extra: object) -> list[Operation]:
    """A job's routing: one operation per (resource, duration), each after the previous."""
    return [
        Operation(
            name=f"{job}.{k}",
            job=job,
            modes=(Mode(resource, duration),),
            predecessors=(f"{job}.{k - 1}",) if k else (),
        )
        for k, (resource, duration) in enumerate(steps)
    ]


@pytest.fixture
def ft3() -> Problem:
    """A 3x3 job shop whose optimal makespan is 11."""
    ops = (
        chain("a", [("m0", 3), ("m1", 2), ("m2", 2)])
        + chain("b", [("m0", 2), ("m2", 1), ("m1", 4)])
        + chain("c", [("m1", 4), ("m2", 3), ("m0", 1)])
    )
    return Problem(
        jobs=(Job("a"), Job("b"), Job("c")),
        operations=tuple(ops),
        resources=(Resource("m0"), Resource("m1"), Resource("m2")),
    )
