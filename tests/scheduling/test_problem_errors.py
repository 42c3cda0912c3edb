"""Bad plant data reaches the planner as the scheduling engine's problem error, naming it.

The calendar engine has its own problem error; the schedule's reader turns it into the
scheduling engine's, so a run fails with a message instead of a server error.
"""

import datetime as dt

import pytest

from andon.engines.scheduling import ProblemError
from andon.scheduling.inputs import build_problem
from andon.scheduling.models import ScheduleRun


@pytest.fixture
def broken_shift(day_shift):
    """A shift written behind the services' back (a script, a restored backup): no length."""
    type(day_shift).objects.filter(pk=day_shift.pk).update(end_time=dt.time(6))


def test_a_calendar_the_calendar_engine_refuses_is_a_problem_naming_it(order, origin, broken_shift):
    order(1)
    with pytest.raises(ProblemError, match="calendar 1SHIFT: a shift must not start and end"):
        build_problem(origin=origin, horizon_days=7)


def test_a_run_on_such_a_calendar_fails_with_the_problem(order, run_now, broken_shift):
    order(1)
    run = run_now()
    assert run.status == ScheduleRun.Status.FAILED
    assert "calendar 1SHIFT" in run.message
