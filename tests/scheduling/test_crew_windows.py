"""Crews whose breaks do not line up with the machine's still get scheduled, in pieces that fit
both; an operation no qualified worker can ever staff is refused, naming it."""

import datetime as dt

import pytest

from andon.scheduling.inputs import longest_overlap


def test_longest_overlap_of_two_calendars():
    machine = ((0, 240), (270, 510))  # 06:00-10:00, 10:30-14:30
    worker = ((60, 180), (200, 400))  # breaks elsewhere
    assert longest_overlap(machine, worker) == 130  # 10:30-12:40
    assert longest_overlap(machine, ()) == 0
    assert longest_overlap(((0, 10),), ((10, 20),)) == 0


@pytest.fixture
def turning(part):
    from andon.catalog.models import Operation
    from andon.people.models import Skill

    op = Operation.objects.get(item=part)
    op.skill = Skill.objects.create(code="TURN", name="Turning")
    op.save()
    return op


def _worker(code, shift, skill, level=3):
    from andon.people.models import Worker, WorkerSkill

    worker = Worker.objects.create(code=code, name=code, shift=shift)
    WorkerSkill.objects.create(worker=worker, skill=skill, level=level)
    return worker


def test_misaligned_breaks_are_bridged_by_pieces(turning, order, run_now, origin, day_shift):
    """The lathe works 06:00-14:00 with a mid-shift break; the only turner's shift has its break
    an hour earlier. A 3-hour order still gets scheduled, cut into pieces that fit both."""
    from andon.plant.models import Shift

    offset = Shift.objects.create(
        code="OFFSET", name="Offset", start_time=dt.time(5), end_time=dt.time(13), break_minutes=30
    )
    day_shift.break_minutes = 30
    day_shift.save()
    _worker("W1", offset, turning.skill)
    order(3)
    run = run_now()
    assert run.status == "published", run.message
    placed = list(run.operations.order_by("start"))
    assert len(placed) > 1  # cut into pieces
    assert sum((p.end - p.start).total_seconds() for p in placed) >= 180 * 60


def test_no_qualified_worker_on_shift_names_the_operation(turning, order, run_now):
    from andon.plant.models import Shift

    night = Shift.objects.create(
        code="NIGHTONLY", name="Night", start_time=dt.time(22), end_time=dt.time(5)
    )
    _worker("W9", night, turning.skill)
    work_order = order(1)
    run = run_now()
    assert run.status == "failed"
    assert f"{work_order.number}/10" in run.message
    assert "qualified" in run.message
