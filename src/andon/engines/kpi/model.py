"""What the KPI engine reads: time elements and quantities from execution, as columnar arrays.

Execution records millions of time elements a year; one Python object per element would make the
KPIs slow, so every table here is a frozen dataclass of equal-length numpy arrays, checked once in
`__post_init__` with vectorised tests. Times are integer seconds since the Unix epoch (UTC); the
plant's local offset is a parameter of the computation, not of the data.

Names follow ISO 22400-2: a *work center* is the ISO work unit (the machine, at the granularity
the plant records), and each element kind maps to one ISO time element (see `ElementKind`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from andon.engines.errors import ProblemError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

NONE = -1
"""Index meaning "not recorded" (no order, no item, no shift, no crew, no reason)."""

QUANTITY_TOLERANCE = 1e-9


class ElementKind(enum.IntEnum):
    """What a work center did during a time element, and the ISO 22400 time it adds to.

    PRODUCTION adds to APT (actual production time) and carries the quantities. SETUP adds to AUST.
    DELAY (short interruptions while an order runs) adds to ADET. DOWNTIME_UNPLANNED adds to ADOT.
    DOWNTIME_PLANNED is planned downtime (PDOT): it is reported but the caller's planned busy time
    already excludes it (PBT = POT - PDOT). IDLE is planned time with nothing to do.
    """

    PRODUCTION = 0
    SETUP = 1
    DELAY = 2
    DOWNTIME_PLANNED = 3
    DOWNTIME_UNPLANNED = 4
    IDLE = 5


class Dimension(enum.Enum):
    """What a KPI table can be grouped by.

    MACHINE is another name for WORK_CENTER: the ISO work unit is the machine, at the
    granularity the plant records its time elements.
    """

    WORK_CENTER = "work_center"
    MACHINE = "work_center"
    LINE = "line"
    SHIFT = "shift"
    CREW = "crew"
    ITEM = "item"


class Period(enum.Enum):
    """Time buckets in plant-local time; weeks are ISO weeks (Monday to Sunday)."""

    ALL = "all"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class KpiProblemError(ProblemError):
    """KPI input that cannot be computed from: the message names the column and row at fault."""


def _ints(values: object, name: str, size: int | None) -> IntArray:
    array = np.ascontiguousarray(values, dtype=np.int64)
    if array.ndim != 1:
        raise KpiProblemError(f"{name} must be one-dimensional")
    if size is not None and array.shape[0] != size:
        raise KpiProblemError(f"{name} has {array.shape[0]} rows, expected {size}")
    return array


def _floats(values: object, name: str, size: int) -> FloatArray:
    array = np.ascontiguousarray(values, dtype=np.float64)
    if array.ndim != 1 or array.shape[0] != size:
        raise KpiProblemError(f"{name} has shape {array.shape}, expected ({size},)")
    if not np.all(np.isfinite(array)):
        raise KpiProblemError(f"{name} row {_first(~np.isfinite(array))}: not a finite number")
    if np.any(array < 0):
        raise KpiProblemError(f"{name} row {_first(array < 0)}: must not be negative")
    return array


def _first(mask: npt.NDArray[np.bool_]) -> int:
    return int(np.flatnonzero(mask)[0])


def _check_index(array: IntArray, name: str, allow_none: bool) -> None:
    low = NONE if allow_none else 0
    if array.size and array.min() < low:
        raise KpiProblemError(f"{name} row {_first(array < low)}: invalid index {array.min()}")


def _check_span(start: IntArray, end: IntArray, what: str) -> None:
    if np.any(end < start):
        raise KpiProblemError(f"{what} {_first(end < start)}: ends before it starts")


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True, eq=False)
class TimeElements:
    """Time elements recorded by execution, one row per element.

    Only PRODUCTION elements carry quantities. PQ is what was produced; GQ the units that finally
    met the requirements (reworked units included); SQ the scrapped units; RQ the units that
    needed rework. So GQ + SQ <= PQ and SQ + RQ <= PQ; units neither good nor scrap are still
    waiting for inspection. `workers` is the number of people on the element (for APWT).
    Columns left as None default to NONE (indexes), 0 (quantities) or 1 (workers).
    """

    work_center: IntArray
    start: IntArray
    end: IntArray
    kind: IntArray
    item: IntArray | None = None
    order: IntArray | None = None
    shift: IntArray | None = None
    crew: IntArray | None = None
    reason: IntArray | None = None
    produced: FloatArray | None = None
    good: FloatArray | None = None
    scrap: FloatArray | None = None
    rework: FloatArray | None = None
    workers: FloatArray | None = None

    def __post_init__(self) -> None:
        wc = _ints(self.work_center, "work_center", None)
        n = wc.shape[0]
        _set(self, "work_center", wc)
        for name in ("start", "end", "kind"):
            _set(self, name, _ints(getattr(self, name), name, n))
        for name in ("item", "order", "shift", "crew", "reason"):
            value = getattr(self, name)
            _set(self, name, np.full(n, NONE, np.int64) if value is None else _ints(value, name, n))
        for name in ("produced", "good", "scrap", "rework"):
            value = getattr(self, name)
            _set(self, name, np.zeros(n) if value is None else _floats(value, name, n))
        _set(
            self,
            "workers",
            np.ones(n) if self.workers is None else _floats(self.workers, "workers", n),
        )
        _check_index(wc, "work_center", allow_none=False)
        for name in ("item", "order", "shift", "crew", "reason"):
            _check_index(getattr(self, name), name, allow_none=True)
        kinds = self.kind
        if n and (kinds.min() < 0 or kinds.max() >= len(ElementKind)):
            raise KpiProblemError(
                f"element {_first((kinds < 0) | (kinds >= len(ElementKind)))}: unknown kind"
            )
        _check_span(self.start, self.end, "element")
        # Filled in above (None became zeros), so each column is an array here.
        quantities: list[FloatArray] = [
            getattr(self, name) for name in ("produced", "good", "scrap", "rework")
        ]
        pq, gq, sq, rq = quantities
        carries = (pq > 0) | (gq > 0) | (sq > 0) | (rq > 0)
        wrong = carries & (kinds != ElementKind.PRODUCTION)
        if np.any(wrong):
            raise KpiProblemError(
                f"element {_first(wrong)}: only production elements carry quantities"
            )
        over = gq + sq > pq * (1 + QUANTITY_TOLERANCE) + QUANTITY_TOLERANCE
        if np.any(over):
            raise KpiProblemError(
                f"element {_first(over)}: good + scrap exceed the produced quantity"
            )
        over = sq + rq > pq * (1 + QUANTITY_TOLERANCE) + QUANTITY_TOLERANCE
        if np.any(over):
            raise KpiProblemError(
                f"element {_first(over)}: scrap + rework exceed the produced quantity"
            )

    def __len__(self) -> int:
        return int(self.work_center.shape[0])


@dataclass(frozen=True, eq=False)
class PlannedBusyTime:
    """Planned busy time (PBT) as intervals per work center, from the calendars.

    The caller computes it (shift working time minus planned downtime, ISO PBT = POT - PDOT);
    intervals make it split by day, week or month exactly like the elements. `shift` lets
    availability be grouped by shift.
    """

    work_center: IntArray
    start: IntArray
    end: IntArray
    shift: IntArray | None = None

    def __post_init__(self) -> None:
        wc = _ints(self.work_center, "work_center", None)
        n = wc.shape[0]
        _set(self, "work_center", wc)
        _set(self, "start", _ints(self.start, "start", n))
        _set(self, "end", _ints(self.end, "end", n))
        shift = np.full(n, NONE, np.int64) if self.shift is None else _ints(self.shift, "shift", n)
        _set(self, "shift", shift)
        _check_index(wc, "work_center", allow_none=False)
        _check_index(shift, "shift", allow_none=True)
        _check_span(self.start, self.end, "planned busy interval")


@dataclass(frozen=True, eq=False)
class Attendance:
    """Personnel attendance (APAT) as intervals, one row per person and stretch of presence."""

    crew: IntArray
    start: IntArray
    end: IntArray
    shift: IntArray | None = None

    def __post_init__(self) -> None:
        crew = _ints(self.crew, "crew", None)
        n = crew.shape[0]
        _set(self, "crew", crew)
        _set(self, "start", _ints(self.start, "start", n))
        _set(self, "end", _ints(self.end, "end", n))
        shift = np.full(n, NONE, np.int64) if self.shift is None else _ints(self.shift, "shift", n)
        _set(self, "shift", shift)
        _check_index(crew, "crew", allow_none=True)
        _check_index(shift, "shift", allow_none=True)
        _check_span(self.start, self.end, "attendance")


@dataclass(frozen=True, eq=False)
class PlannedRunTimes:
    """PRU, the planned (ideal) run time per unit in seconds, per item and work center.

    A zero PRU is accepted here (it is what the master data says) but makes every KPI that needs
    it undefined, with a reason, rather than a division by zero or a flattering number.
    """

    item: IntArray
    work_center: IntArray
    seconds_per_unit: FloatArray

    def __post_init__(self) -> None:
        item = _ints(self.item, "item", None)
        n = item.shape[0]
        _set(self, "item", item)
        _set(self, "work_center", _ints(self.work_center, "work_center", n))
        _set(self, "seconds_per_unit", _floats(self.seconds_per_unit, "seconds_per_unit", n))
        _check_index(item, "item", allow_none=False)
        _check_index(self.work_center, "work_center", allow_none=False)
        keys = item * (int(self.work_center.max(initial=0)) + 1) + self.work_center
        if np.unique(keys).shape[0] != n:
            raise KpiProblemError("a PRU is given twice for the same item and work center")


@dataclass(frozen=True, eq=False)
class KpiData:
    """Everything the equipment and labour KPIs read.

    `line_of_work_center[w]` is the line work center w belongs to (NONE if none); it may be left
    empty when no one groups by line. `small_stop_seconds` splits unplanned downtime into small
    stops (shorter) and breakdowns (at least that long); 0 makes every stop a breakdown.
    """

    elements: TimeElements
    planned_busy_time: PlannedBusyTime
    planned_run_times: PlannedRunTimes
    attendance: Attendance = field(
        default_factory=lambda: Attendance(*(np.empty(0, np.int64) for _ in range(3)))
    )
    line_of_work_center: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    small_stop_seconds: int = 300

    def __post_init__(self) -> None:
        lines = _ints(self.line_of_work_center, "line_of_work_center", None)
        _set(self, "line_of_work_center", lines)
        _check_index(lines, "line_of_work_center", allow_none=True)
        if self.small_stop_seconds < 0:
            raise KpiProblemError("small_stop_seconds must not be negative")

    @property
    def work_centers(self) -> int:
        """How many work centers the data speaks of (the largest index + 1)."""
        return int(
            max(
                int(self.elements.work_center.max(initial=-1)),
                int(self.planned_busy_time.work_center.max(initial=-1)),
                int(self.planned_run_times.work_center.max(initial=-1)),
                self.line_of_work_center.shape[0] - 1,
            )
            + 1
        )
