"""Runs: problem building from the database, publishing all or nothing, rescheduling."""

import datetime as dt

from andon.scheduling.models import ScheduledOperation, ScheduleRun

from .conftest import MONDAY


def test_a_run_publishes_every_open_operation_in_working_time(order, run_now, origin):
    order(3)
    order(2)
    run = run_now()
    assert run.status == ScheduleRun.Status.PUBLISHED, run.message
    rows = list(ScheduledOperation.objects.filter(run=run).order_by("start"))
    assert len(rows) == 2
    assert rows[0].start == origin  # the lathe is free at 06:00 Monday
    assert rows[-1].end <= origin + dt.timedelta(hours=8)  # 300 minutes fit in the shift
    assert ScheduleRun.current() == run
