"""The one shape of an engine's "bad input" error, shared by every engine.

Each engine raises its own subclass (`MrpProblemError`, the scheduling `ProblemError`,
`KpiProblemError`, `BomCycleError`, `CalendarProblemError`) from the checks of its input, and
nothing else: a caller catches that one type and reports its `problems` to the planner as bad
data, and lets every other exception through as the bug it is. It stays a `ValueError` so that
code written against the old bare errors keeps working.
"""

from __future__ import annotations


class ProblemError(ValueError):
    """The engine's input cannot be used; `problems` names each thing at fault.

    One message or several: a check that finds many faults at once (MRP's cross-checks) gives
    them all, so a planner can fix the data in one pass.
    """

    def __init__(self, *problems: str) -> None:
        self.problems: tuple[str, ...] = tuple(problems) or ("the engine's input is unusable",)
        super().__init__("; ".join(self.problems))
