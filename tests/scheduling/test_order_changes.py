"""Order changes after a schedule: flagged on the page and the API, rescheduled in one click or
automatically, with started and locked work kept and the schedule in force kept on failure.

These runs go through the services as the pages do, so minute 0 is now (not the fixed Monday of
the other tests); the assertions compare runs with each other, never with a clock time. An order
change reaches scheduling once its transaction commits (a domain event); the test's own
transaction never commits, so `committed()` runs what each change's commit sets off.
"""

import datetime as dt

import pytest

from andon.scheduling.models import ScheduledOperation, ScheduleRun


@pytest.fixture
def schedule(planner):
    """Run and publish a new schedule now, as the page's "Schedule" button does."""
    from andon.scheduling import services

    def run() -> ScheduleRun:
        made = services.start_run(planner, time_limit=2)
        assert made.status == ScheduleRun.Status.PUBLISHED, made.message
        return made

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...`: the changes inside commit, and what they set off runs."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def supervisor(user_with_role):
    return user_with_role("supervisor", username="super")


@pytest.fixture
def production(planner):
    from andon.production import services

    return services


def placed(run: ScheduleRun) -> dict[str, ScheduledOperation]:
    return {
        r.operation.work_order.number: r
        for r in ScheduledOperation.objects.filter(run=run).select_related("operation__work_order")
    }


def start_on_the_floor(order, supervisor) -> None:
    """The operator presses start on the order's first operation (the shop-floor service)."""
    from django.utils import timezone

    from andon.production.events import EventInput, record_event

    result = record_event(
        supervisor,
        EventInput(
            client_id=f"start-{order.number}",
            kind="start",
            work_order=order.number,
            operation=10,
            at=timezone.now() - dt.timedelta(minutes=5),
        ),
    )
    assert result.status == "accepted", result


def test_an_order_change_flags_the_schedule_and_one_click_reschedules_it(
    planner_client, order, schedule, production, planner, committed
):
    first, _ = order(2), order(2)
    schedule()
    assert b"Orders changed since" not in planner_client.get("/scheduling/").content
    current = planner_client.get("/api/v1/schedules/current").json()
    assert current["orders_changed_at"] is None
    assert current["changed_work_orders"] == []

    with committed():
        production.release(planner, first, allow_shortage=True)

    page = planner_client.get("/scheduling/").content.decode()
    assert "Orders changed since" in page
    assert f"{first.number}</strong> released" in page
    assert "Reschedule now" in page
    current = planner_client.get("/api/v1/schedules/current").json()
    assert current["orders_changed_at"] is not None
    assert current["changed_work_orders"] == [first.number]

    response = planner_client.post("/scheduling/runs/reschedule/")
    again = ScheduleRun.current()
    assert response.status_code == 302
    assert response["Location"] == f"/scheduling/runs/{again.pk}/"
    assert again.kind == ScheduleRun.Kind.RESCHEDULE
    assert first.number in again.reason
    assert b"Orders changed since" not in planner_client.get("/scheduling/").content


def test_completing_or_closing_an_order_is_not_a_change_to_reschedule_for(
    order, schedule, committed
):
    from django.utils import timezone

    from andon.core.events import publish
    from andon.production.domain_events import (
        WorkOrderAmended,
        WorkOrderClosed,
        WorkOrderCompleted,
    )
    from andon.scheduling import changes

    made = order(1)
    run = schedule()
    with committed():
        publish(WorkOrderCompleted(made.pk, made.number, timezone.now(), made.quantity))
        publish(WorkOrderClosed(made.pk, made.number, timezone.now()))
    assert changes.since(run) == []
    due = (dt.date(2030, 1, 14), dt.date(2030, 1, 9))
    with committed():
        publish(WorkOrderAmended(made.pk, made.number, timezone.now(), due_date=due))
    (change,) = changes.since(run)
    assert change.work_order == made.number
    assert change.what == "due 2030-01-14 → 2030-01-09"


def test_reschedule_after_an_order_change_keeps_started_and_locked_work_and_moves_nothing_else(
    order, schedule, production, planner, supervisor, committed
):
    from andon.scheduling import services

    running, waiting, locked = order(2), order(2), order(2)
    production.release(planner, running, allow_shortage=True)
    start_on_the_floor(running, supervisor)
    before = placed(schedule())
    services.set_lock(planner, before[locked.number].pk, True)

    # The change: a new order, due in a month, and one order split in two.
    with committed():
        later = order(1, dt.date.today() + dt.timedelta(days=30))
        production.split(planner, waiting, 1)
    again = services.reschedule_now(planner)

    assert again.status == ScheduleRun.Status.PUBLISHED, again.message
    assert again.kind == ScheduleRun.Kind.RESCHEDULE
    assert again.reason.startswith("orders changed: ")
    after = placed(again)
    assert after[running.number].started
    assert after[running.number].start == again.origin  # still on the lathe, from now
    assert after[locked.number].locked
    assert after[locked.number].start == before[locked.number].start
    assert after[waiting.number].start == before[waiting.number].start  # half the quantity
    assert after[waiting.number].end < before[waiting.number].end  # ... ends earlier
    assert later.number in after  # the new order is placed, around what was there
    assert again.moved_count == 0


def test_a_failing_reschedule_leaves_the_schedule_in_force_as_it_was(
    order, schedule, production, planner, make_item, lathe, warehouse, planner_client, committed
):
    from andon.catalog.models import Operation
    from andon.people.models import Skill
    from andon.scheduling import services

    order(2), order(3)
    good = schedule()
    rows = sorted(
        ScheduledOperation.objects.filter(run=good).values_list("operation_id", "start", "end")
    )
    # A new order for an item whose only step needs a skill nobody in the plant has.
    welded = make_item("FRAME", procurement="make")
    Operation.objects.create(
        item=welded, sequence=10, work_center=lathe, run_minutes_per_unit=30,
        skill=Skill.objects.create(code="WELD", name="Welding"),
    )  # fmt: skip
    with committed():
        frame = production.create_work_order(
            planner, item=welded, quantity=1, due_date=dt.date.today() + dt.timedelta(days=7),
            supply_location=warehouse, output_location=warehouse,
        )  # fmt: skip

    failed = services.reschedule_now(planner)

    assert failed.status == ScheduleRun.Status.FAILED
    assert f"operation {frame.number}/10" in failed.message
    assert "WELD" in failed.message
    assert ScheduleRun.current() == good
    assert not ScheduledOperation.objects.filter(run=failed).exists()
    assert (
        sorted(
            ScheduledOperation.objects.filter(run=good).values_list("operation_id", "start", "end")
        )
        == rows
    )
    # Still out of date, so the page still offers the reschedule.
    assert b"Orders changed since" in planner_client.get("/scheduling/").content


def test_orders_changing_reschedule_by_themselves_once_per_change_when_automatic(
    order, schedule, production, planner, settings, django_capture_on_commit_callbacks
):
    from andon.scheduling.services import AUTOMATIC_REASON

    second, third = order(1), order(1)
    settings.ANDON_SCHEDULE_AUTO_RESCHEDULE = True
    # Each change commits (the test's own transaction never does, so commits are captured).
    with django_capture_on_commit_callbacks(execute=True):
        first = order(2)
    assert not ScheduleRun.objects.exists()  # the first schedule is the planner's call
    schedule()

    with django_capture_on_commit_callbacks(execute=True):
        production.release(planner, first, allow_shortage=True)
    automatic = ScheduleRun.objects.filter(reason=AUTOMATIC_REASON)
    assert automatic.count() == 1
    assert ScheduleRun.current() == automatic.get()
    assert automatic.get().kind == ScheduleRun.Kind.RESCHEDULE

    # A merge changes two orders in one transaction: one reschedule.
    with django_capture_on_commit_callbacks(execute=True):
        production.merge(planner, [second, third])
    assert automatic.count() == 2
    assert second.number in placed(ScheduleRun.current())
    assert third.number not in placed(ScheduleRun.current())  # cancelled by the merge


def test_orders_changing_do_not_reschedule_with_the_in_process_task_backend(
    order, schedule, production, planner, django_capture_on_commit_callbacks
):
    first = order(2)
    run = schedule()
    with django_capture_on_commit_callbacks(execute=True):
        production.release(planner, first, allow_shortage=True)
    assert list(ScheduleRun.objects.all()) == [run]


def test_a_run_started_earlier_but_finished_later_is_not_published(order, planner):
    from andon.scheduling import services

    order(2)
    older = services.create_run(planner, time_limit=2)
    newer = services.create_run(planner, time_limit=2)
    assert services.execute_run(newer.pk).status == ScheduleRun.Status.PUBLISHED
    late = services.execute_run(older.pk)
    assert late.status == ScheduleRun.Status.FAILED
    assert "superseded" in late.message
    assert ScheduleRun.current() == newer
    assert not ScheduledOperation.objects.filter(run=older).exists()


def test_with_task_workers_changes_queue_one_reschedule_until_a_worker_takes_it(
    order, schedule, production, planner, settings, django_capture_on_commit_callbacks
):
    from andon.scheduling import changes, services

    first, second = order(2), order(1)
    before = schedule()
    # Runs go to worker processes (here a backend that only queues): automatic by default.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert changes.automatic()
    with django_capture_on_commit_callbacks(execute=True):
        production.release(planner, first, allow_shortage=True)
    with django_capture_on_commit_callbacks(execute=True):
        production.release(planner, second, allow_shortage=True)
    (queued,) = ScheduleRun.objects.exclude(pk=before.pk)
    assert queued.status == ScheduleRun.Status.RUNNING
    assert queued.reason == services.AUTOMATIC_REASON  # the second change rides along

    # A worker takes it: from then on a change needs a run of its own.
    published = services.execute_run(queued.pk)
    assert published.status == ScheduleRun.Status.PUBLISHED, published.message
    assert {first.number, second.number} <= set(placed(published))
    with django_capture_on_commit_callbacks(execute=True):
        production.cancel(planner, second)
    assert ScheduleRun.objects.filter(status=ScheduleRun.Status.RUNNING).count() == 1


def test_the_api_reschedules_after_order_changes_and_a_viewer_cannot(
    planner_client, viewer, order, schedule, production, planner, committed
):
    from django.test import Client

    from andon.scheduling import services

    first = order(2)
    schedule()
    with committed():
        production.release(planner, first, allow_shortage=True)
    onlooker = Client()
    onlooker.force_login(viewer)
    assert onlooker.post("/scheduling/runs/reschedule/").status_code == 403
    refused = onlooker.post(
        "/api/v1/schedules", {"reschedule": True}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert ScheduleRun.objects.count() == 1

    response = planner_client.post(
        "/api/v1/schedules", {"reschedule": True}, content_type="application/json"
    )

    assert response.status_code == 201
    run = response.json()
    assert run["kind"] == "reschedule"
    assert run["status"] == "published"
    assert run["time_limit"] == services.RESCHEDULE_TIME_LIMIT
    assert first.number in run["reason"]
    assert planner_client.get("/api/v1/schedules/current").json()["orders_changed_at"] is None
