"""`andon schedule --down` records the downtime through the one audited writer of Downtime rows."""

import pytest
from django.core.management import CommandError, call_command

from andon.core.models import AuditEntry
from andon.scheduling.models import Downtime

pytestmark = pytest.mark.django_db


def test_down_from_the_command_line_is_recorded_and_audited(work_center):
    call_command(
        "schedule", "--down", "CNC1", "2030-01-07T06:00", "2030-01-07T10:00", "--time-limit", "1"
    )
    downtime = Downtime.objects.get()
    assert downtime.work_center == work_center
    assert downtime.reason == "CLI"
    entry = AuditEntry.objects.get(model="scheduling.downtime")
    assert entry.action == "create"
    assert entry.user is None  # a command acts as the system
    assert entry.object_id == str(downtime.pk)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOPE", "2030-01-07T06:00", "2030-01-07T10:00"], "no work center"),
        (["CNC1", "2030-01-07T10:00", "2030-01-07T06:00"], "end after it starts"),
        (["CNC1", "monday", "2030-01-07T06:00"], "not an ISO date"),
    ],
)
def test_bad_downtime_is_one_line_and_nothing_is_written(work_center, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("schedule", "--down", *args)
    assert not Downtime.objects.exists()
    assert not AuditEntry.objects.filter(model="scheduling.downtime").exists()
