"""Finite-capacity scheduling: work orders onto machines and crews, in working time.

`solve(problem, ...)` returns a `Result` whose schedule has passed `check()`, the independent
feasibility checker; `reschedule(problem, previous, ...)` does the same while moving as little as
it can. See docs/scheduling.md for the model and its choices.
"""

from andon.engines.scheduling.checker import Violation, check, evaluate
from andon.engines.scheduling.problem import (
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
    SchedulingProblemError,
    SetupTime,
    Worker,
)
from andon.engines.scheduling.result import Assignment, Result, Schedule, Status
from andon.engines.scheduling.solve import CheckerError, reschedule, solve

__all__ = [
    "Assignment",
    "Changeover",
    "CheckerError",
    "CrewRequirement",
    "Job",
    "Mode",
    "Objective",
    "Operation",
    "Problem",
    "ProblemError",
    "Qualification",
    "Resource",
    "Result",
    "Schedule",
    "SchedulingProblemError",
    "SetupTime",
    "Status",
    "Violation",
    "Worker",
    "check",
    "evaluate",
    "reschedule",
    "solve",
]
