"""A small fixed calendar for MRP tests: weekdays of 2025, with Good Friday closed."""

import datetime as dt

import pytest

from andon.engines.mrp import PlanningCalendar

TODAY = dt.date(2025, 3, 3)  # a Monday
GOOD_FRIDAY = dt.date(2025, 4, 18)
CALENDAR = PlanningCalendar.weekdays(
    dt.date(2024, 1, 1), dt.date(2025, 12, 31), frozenset({GOOD_FRIDAY})
)
HORIZON = dt.date(2025, 9, 30)


@pytest.fixture
def calendar() -> PlanningCalendar:
    return CALENDAR
