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


def test_a_failing_run_leaves_the_previous_schedule_in_force(order, run_now, lathe):
    order(3)
    good = run_now()
    lathe.calendar.shifts.clear()  # a calendar with no working time
    order(2)
    bad = run_now()
    assert bad.status == ScheduleRun.Status.FAILED
    assert "LATHE" in bad.message
    assert "operation WO-" in bad.message
    assert ScheduleRun.current() == good
    assert not ScheduledOperation.objects.filter(run=bad).exists()


def test_reschedule_after_a_breakdown_keeps_locked_operations(
    order, run_now, lathe, planner, origin
):
    from andon.scheduling import services
    from andon.scheduling.models import Downtime

    first, second = order(2), order(2)
    run = run_now()
    rows = {r.operation.work_order_id: r for r in ScheduledOperation.objects.filter(run=run)}
    later = rows[second.pk]
    services.set_lock(planner, later.pk, True)
    Downtime.objects.create(work_center=lathe, start=origin, end=origin + dt.timedelta(hours=2))
    again = run_now(kind=ScheduleRun.Kind.RESCHEDULE)
    assert again.status == ScheduleRun.Status.PUBLISHED, again.message
    moved = {r.operation.work_order_id: r for r in ScheduledOperation.objects.filter(run=again)}
    assert moved[second.pk].start == later.start
    assert moved[second.pk].locked
    assert moved[first.pk].start >= origin + dt.timedelta(hours=2)
    assert again.moved_count >= 1


def test_problem_reads_crews_with_levels_and_valid_certificates(part, order, origin, day_shift):
    from andon.people.models import Certification, Skill, Worker, WorkerCertification, WorkerSkill
    from andon.scheduling.inputs import build_problem

    op = part.operations.get()
    op.skill = Skill.objects.create(code="TURN", name="Turning")
    op.skill_level = 2
    op.certification = Certification.objects.create(code="SAFE", name="Safety")
    op.save()
    able = Worker.objects.create(code="W1", name="Able", shift=day_shift)
    novice = Worker.objects.create(code="W2", name="Novice", shift=day_shift)
    WorkerSkill.objects.create(worker=able, skill=op.skill, level=3)
    WorkerSkill.objects.create(worker=novice, skill=op.skill, level=1)
    WorkerCertification.objects.create(
        worker=able, certification=op.certification, issued_on=MONDAY, expires_on=MONDAY
    )
    order(1)
    problem = build_problem(origin=origin, horizon_days=7).problem
    (engine_op,) = problem.operations
    assert engine_op.crew[0].skill == "TURN+SAFE"
    assert engine_op.crew[0].min_level == 2
    (worker,) = [w for w in problem.workers if w.qualified("TURN+SAFE", 2)]
    assert worker.name == "W1"
    assert worker.qualifications[0].valid_until == 18 * 60  # end of Monday, from 06:00
    assert worker.shifts[0] == (0, 480)


def test_every_setup_family_becomes_a_changeover_however_many_there_are(
    make_item, lathe, origin, warehouse, planner
):
    """A large plant has hundreds of families (224 in the large demo). Each becomes one
    changeover into it, its longest setup, paid only when the lathe changes family; the setup
    is no longer inside each operation's duration."""
    from andon.catalog.models import Operation
    from andon.production import services
    from andon.scheduling.inputs import build_problem

    for n in range(60):
        item = make_item(f"FAM{n:02d}", procurement="make")
        Operation.objects.create(
            item=item,
            sequence=10,
            work_center=lathe,
            setup_minutes=30 + n,
            run_minutes_per_unit=5,
            setup_family=f"F{n:02d}",
        )
        services.create_work_order(
            planner, item=item, quantity=2, due_date=MONDAY + dt.timedelta(days=7),
            supply_location=warehouse, output_location=warehouse,
        )  # fmt: skip

    problem = build_problem(origin=origin, horizon_days=7).problem

    assert len(problem.changeovers) == 60
    assert problem.changeover_to["F07"] == 37
    assert problem.setup_times == ()
    first = next(o for o in problem.operations if o.setup_family == "F00")
    assert first.modes[0].duration == 10  # two pieces of 5 minutes, the setup apart
    assert problem.objective.setup == 1


def test_orders_beyond_the_horizon_lengthen_it_instead_of_failing_the_run(order, run_now, origin):
    # 20 hours of lathe work (three pieces of 400 minutes) against a one-day horizon of an
    # 8-hour shift: the run tries again with two days, publishes, and says so.
    order(20)
    run = run_now(horizon_days=1)
    assert run.status == ScheduleRun.Status.PUBLISHED, run.message
    assert run.horizon_days == 2
    assert "no schedule within 1 days" in run.log
    assert "trying 2 days" in run.log
    rows = list(ScheduledOperation.objects.filter(run=run).order_by("start"))
    assert [r.start for r in rows] == [origin + dt.timedelta(days=d) for d in range(3)]
    run.refresh_from_db()
    assert run.horizon_days == 2
    assert ScheduleRun.current() == run


def test_a_run_gives_up_at_a_year_with_the_engines_reason(order, run_now, lathe):
    order(3)
    lathe.calendar.shifts.clear()
    run = run_now(horizon_days=366)
    assert run.status == ScheduleRun.Status.FAILED
    assert "trying" not in run.log
    assert not ScheduledOperation.objects.filter(run=run).exists()


def test_a_run_says_how_many_orders_it_leaves_late_in_plain_words(order, run_now):
    order(3)
    order(2, due=MONDAY - dt.timedelta(days=1))  # due before the schedule starts
    run = run_now()
    assert run.late_orders == 1
    assert run.message == "2 operations placed, 1 order late"
