"""What the scheduler returns: a schedule, its objective, the bound and a status."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cached_property

from andon.engines.scheduling.problem import ProblemError


class Status(enum.Enum):
    """How much the caller can trust the schedule.

    OPTIMAL: proven best. FEASIBLE: a checked schedule, maybe not the best. INFEASIBLE: proven
    that none exists. UNKNOWN: no schedule found in the time limit. INVALID: the problem data is
    wrong (the message says which operation).
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"
    INVALID = "invalid"


@dataclass(frozen=True)
class Assignment:
    """One operation placed: on `resource` from `start` to `end`, with its crew."""

    operation: str
    resource: str
    start: int
    end: int
    workers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ProblemError(f"operation {self.operation}: ends before it starts")


@dataclass(frozen=True)
class Schedule:
    """A set of assignments, one per operation."""

    assignments: tuple[Assignment, ...]

    @cached_property
    def by_operation(self) -> dict[str, Assignment]:
        return {a.operation: a for a in self.assignments}

    @property
    def makespan(self) -> int:
        return max((a.end for a in self.assignments), default=0)


@dataclass(frozen=True)
class Result:
    """The best schedule found (None unless FEASIBLE or OPTIMAL) and how good it is."""

    status: Status
    schedule: Schedule | None = None
    objective: int | None = None
    lower_bound: int | None = None
    message: str = ""
