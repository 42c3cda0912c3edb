"""The worked examples of docs/kpis.md as data, so tests and docs use the same numbers."""

import datetime as dt

import pytest

from andon.engines.kpi import (
    Attendance,
    ElementKind,
    KpiData,
    PlannedBusyTime,
    PlannedRunTimes,
    TimeElements,
)

OFFSET = 3600  # the plant runs at UTC+1
PLANT = dt.timezone(dt.timedelta(seconds=OFFSET))
MINUTE = 60


def at(day: int, hhmm: str, month: int = 3) -> int:
    """Plant-local 2025-month-day hh:mm as a UTC timestamp."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    return int(dt.datetime(2025, month, day, hour, minute, tzinfo=PLANT).timestamp())


P, S, D, PD, U, IDLE = (
    ElementKind.PRODUCTION,
    ElementKind.SETUP,
    ElementKind.DELAY,
    ElementKind.DOWNTIME_PLANNED,
    ElementKind.DOWNTIME_UNPLANNED,
    ElementKind.IDLE,
)

# Press 1, Monday 3 March 2025, early shift 06:00-14:00, item 0 with PRU 30 s (docs/kpis.md).
SHIFT_ELEMENTS = [
    # start, end, kind, PQ, GQ, SQ, RQ
    ("06:00", "06:30", S, 0, 0, 0, 0),
    ("06:30", "09:00", P, 250, 240, 10, 15),
    ("09:00", "09:10", D, 0, 0, 0, 0),
    ("09:10", "09:13", U, 0, 0, 0, 0),
    ("09:13", "10:00", P, 80, 78, 2, 0),
    ("10:00", "10:45", U, 0, 0, 0, 0),
    ("10:45", "13:30", P, 300, 294, 6, 5),
    ("13:30", "14:00", IDLE, 0, 0, 0, 0),
]


def shift_data() -> KpiData:
    rows = SHIFT_ELEMENTS
    n = len(rows)
    elements = TimeElements(
        work_center=[0] * n,
        start=[at(3, r[0]) for r in rows],
        end=[at(3, r[1]) for r in rows],
        kind=[int(r[2]) for r in rows],
        item=[0] * n,
        order=[-1 if r[2] == IDLE else 7 for r in rows],
        shift=[0] * n,
        crew=[0] * n,
        produced=[r[3] for r in rows],
        good=[r[4] for r in rows],
        scrap=[r[5] for r in rows],
        rework=[r[6] for r in rows],
        workers=[2.0] * n,
    )
    return KpiData(
        elements=elements,
        planned_busy_time=PlannedBusyTime([0], [at(3, "06:00")], [at(3, "14:00")], shift=[0]),
        planned_run_times=PlannedRunTimes(item=[0], work_center=[0], seconds_per_unit=[30.0]),
        attendance=Attendance(
            crew=[0, 0], start=[at(3, "06:00")] * 2, end=[at(3, "14:00")] * 2, shift=[0, 0]
        ),
    )


@pytest.fixture
def shift() -> KpiData:
    return shift_data()
