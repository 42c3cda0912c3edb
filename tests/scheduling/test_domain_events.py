"""Scheduling speaks and listens through typed domain events, never through the audit history.

It publishes `SchedulePublished` when a run becomes the schedule in force, and hears of order
changes from production's `WorkOrderChanged` events once they commit, whatever the audit
history says about them.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models.signals import post_save
from django.utils import timezone

from andon.core import audit, events
from andon.core.models import AuditEntry
from andon.production.domain_events import WorkOrderCreated, WorkOrderReleased
from andon.scheduling import changes
from andon.scheduling.domain_events import SchedulePublished
from andon.scheduling.models import ScheduledOperation, ScheduleRun, WorkOrderChange


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...`: the changes inside commit, and what they set off runs."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_publishing_a_run_publishes_the_schedule_in_force(order, run_now, origin):
    order(3), order(9, dt.date(2030, 1, 7))  # 9 hours of work on an 8-hour Monday: late
    with events.recording() as published:
        run = run_now()
    assert run.status == ScheduleRun.Status.PUBLISHED
    (told,) = [e for e in published if isinstance(e, SchedulePublished)]
    assert told == SchedulePublished(
        run_id=run.pk,
        kind="schedule",
        published_at=run.published_at,
        operations=ScheduledOperation.objects.filter(run=run).count(),  # the 9 hours in 2 pieces
        late_orders=1,
        moved=0,
    )


def test_a_run_that_fails_publishes_nothing(order, run_now, make_item, lathe, warehouse, planner):
    from andon.catalog.models import Operation
    from andon.people.models import Skill
    from andon.production import services as production

    welded = make_item("FRAME", procurement="make")
    Operation.objects.create(
        item=welded, sequence=10, work_center=lathe, run_minutes_per_unit=30,
        skill=Skill.objects.create(code="WELD", name="Welding"),
    )  # fmt: skip
    production.create_work_order(
        planner, item=welded, quantity=1, due_date=dt.date(2030, 1, 14),
        supply_location=warehouse, output_location=warehouse,
    )  # fmt: skip
    with events.recording() as published:
        run = run_now()
    assert run.status == ScheduleRun.Status.FAILED
    assert not [e for e in published if isinstance(e, SchedulePublished)]


def test_a_work_center_taken_down_from_the_office_is_published(order, lathe, planner, origin):
    from andon.scheduling import services
    from andon.scheduling.domain_events import DowntimeWindowAdded
    from andon.scheduling.models import Downtime

    order(2)
    start, end = origin + dt.timedelta(hours=1), origin + dt.timedelta(hours=3)
    with events.recording() as published:
        services.work_center_down(planner, lathe, start, end, reason="spindle", time_limit=2)
    (added,) = [e for e in published if isinstance(e, DowntimeWindowAdded)]
    assert added == DowntimeWindowAdded(Downtime.objects.get().pk, "LATHE", start, end, "spindle")


def test_nothing_listens_to_the_audit_history():
    assert not post_save.has_listeners(AuditEntry)


def test_rewording_the_audit_history_changes_nothing_for_the_schedule(
    order, run_now, planner, committed, monkeypatch
):
    from andon.production import services as production

    made = order(2)
    run = run_now()
    real = audit.record

    def reworded(user, action, instance, changes=None):
        entry = real(user, action, instance, {"état": "libéré"})
        AuditEntry.objects.filter(pk=entry.pk).update(model="fabrication.ordre", object_repr="?")
        return entry

    monkeypatch.setattr(audit, "record", reworded)
    with committed():
        production.release(planner, made, allow_shortage=True)

    assert not AuditEntry.objects.filter(model="production.workorder", at__gt=run.created_at)
    (change,) = changes.since(run)
    assert (change.work_order, change.what) == (made.number, "released")


def test_a_change_is_noted_only_once_it_commits(order, run_now, planner, committed):
    from django.db import transaction

    from andon.production import services as production

    made = order(2)
    run = run_now()

    def release_then_fail():
        with transaction.atomic():
            production.release(planner, made, allow_shortage=True)
            raise RuntimeError("the request fails after the release")

    with committed(), pytest.raises(RuntimeError):
        release_then_fail()
    assert changes.since(run) == []
    assert not WorkOrderChange.objects.exists()


def test_notes_older_than_the_schedule_in_force_are_pruned(order, run_now, committed):
    def created(number: str, at: dt.datetime):
        return WorkOrderCreated(1, number, at, "PART", Decimal("1"), dt.date(2030, 1, 14))

    now = timezone.now()
    with committed():
        events.publish(created("WO-OLD", now - dt.timedelta(hours=2)))
    assert WorkOrderChange.objects.count() == 1  # no schedule yet: kept for the first run
    run = run_now()
    with committed():
        events.publish(WorkOrderReleased(1, "WO-NEW", timezone.now()))
    assert list(WorkOrderChange.objects.values_list("work_order", "what")) == [
        ("WO-NEW", "released")
    ]
    assert [c.work_order for c in changes.since(run)] == ["WO-NEW"]


@pytest.mark.parametrize(
    ("event", "said"),
    [
        ({"quantity": (Decimal("5"), Decimal("8"))}, "quantity 5 → 8"),
        ({"quantity": (Decimal("2.5000"), Decimal("2"))}, "quantity 2.5 → 2"),
        (
            {
                "quantity": (Decimal("5"), Decimal("8")),
                "due_date": (dt.date(2026, 1, 2), dt.date(2025, 12, 30)),
            },
            "quantity 5 → 8, due 2026-01-02 → 2025-12-30",
        ),
        ({}, None),
    ],
)
def test_amendments_are_described_in_a_planners_words(event, said):
    from andon.production.domain_events import WorkOrderAmended

    assert changes.describe(WorkOrderAmended(1, "WO-1", timezone.now(), **event)) == said


def test_a_promise_committed_is_a_new_order_for_the_schedule(part, customer, planner, warehouse):
    from andon.scheduling import ctp

    with events.recording() as published:
        made = ctp.commit_promise(
            planner, customer=customer, item=part, quantity=Decimal("2"),
            due_date=dt.date(2030, 1, 14), location=warehouse,
        )  # fmt: skip
    (created,) = [e for e in published if isinstance(e, WorkOrderCreated)]
    assert (created.work_order_id, created.number, created.quantity) == (
        made.pk,
        made.number,
        Decimal("2"),
    )
    assert changes.describe(created) == "new order"


def test_the_upgrade_carries_over_the_changes_audited_after_the_schedule_in_force(order, run_now):
    """Until this release the page read the audit; the migration notes what it would have shown."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "andon.scheduling.migrations.0002_note_order_changes_for_planners"
    )
    made, other = order(2), order(3)
    run_now()
    WorkOrderChange.objects.all().delete()  # as before the upgrade: no notes
    audit.record(None, "update", made, {"status": ["planned", "released"]})
    audit.record(None, "update", other, {"status": ["released", "completed"]})
    audit.record(None, "update", other, {"quantity": ["3", "5"], "due_date": ["a", "b"]})

    migration.carry_over_audited_changes(apps, None)

    assert sorted(WorkOrderChange.objects.values_list("work_order", "what")) == [
        (made.number, "released"),
        (other.number, "quantity 3 → 5, due a → b"),
    ]
