"""Production tells other contexts what happened through typed domain events.

Each work-order use case publishes the event of its change, and a posted batch of shop-floor
events publishes what the floor reported: once per accepted event, nothing for a duplicate or a
refusal, nothing at all when the transaction that wrote them rolls back.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from andon.core import events
from andon.production import services
from andon.production.domain_events import (
    DowntimeEnded,
    DowntimeStarted,
    OperationReported,
    WorkOrderAmended,
    WorkOrderCancelled,
    WorkOrderClosed,
    WorkOrderCompleted,
    WorkOrderCreated,
    WorkOrderReleased,
    WorkOrderUnreleased,
)
from andon.production.events import EventInput, record_batch
from tests.production.conftest import at

pytestmark = pytest.mark.django_db


def test_creating_an_order_publishes_what_it_is(new_order):
    due = timezone.localdate() + dt.timedelta(days=9)
    with events.recording() as published:
        order = new_order("SHAFT", 4, due_date=due)
    (created,) = published
    assert isinstance(created, WorkOrderCreated)
    assert (created.work_order_id, created.number, created.item) == (
        order.pk,
        order.number,
        "SHAFT",
    )
    assert (created.quantity, created.due_date) == (Decimal("4"), due)
    assert abs(created.at - timezone.now()) < dt.timedelta(minutes=1)


def test_release_and_taking_back_publish_their_change(new_order, supervisor, plant):
    order = new_order("SHAFT", 4)
    with events.recording() as published:
        services.release(supervisor, order)
        services.unrelease(supervisor, order)
    assert [type(e) for e in published] == [WorkOrderReleased, WorkOrderUnreleased]
    assert {e.number for e in published} == {order.number}
    assert published[0].short is False

    short = new_order("SHAFT", 40)  # 60 kg of steel, 20 in stock
    with events.recording() as published:
        services.release(supervisor, short, allow_shortage=True)
    assert published == [WorkOrderReleased(short.pk, short.number, published[0].at, short=True)]


def test_a_refused_change_publishes_nothing(new_order, supervisor):
    from andon.core.errors import ValidationFailed

    short = new_order("SHAFT", 40)
    with events.recording() as published, pytest.raises(ValidationFailed):
        services.release(supervisor, short)
    assert published == []


def test_completing_closing_and_cancelling_publish_their_change(
    released, new_order, supervisor, report
):
    order = released("SHAFT", 4)
    assert report("report", order, 10, at(10), quantity=4).status == "accepted"
    doomed = new_order("SHAFT", 2)
    with events.recording() as published:
        services.complete(supervisor, order)
        services.close(supervisor, order)
        services.cancel(supervisor, doomed, reason="customer withdrew")
    completed, closed, cancelled = published
    assert isinstance(completed, WorkOrderCompleted)
    assert completed.good_quantity == 4
    assert isinstance(closed, WorkOrderClosed)
    assert closed.number == order.number
    assert cancelled == WorkOrderCancelled(
        doomed.pk, doomed.number, cancelled.at, reason="customer withdrew"
    )


def test_split_publishes_the_new_order_and_the_quantity_taken_off(released, supervisor):
    order = released("SHAFT", 10)
    with events.recording() as published:
        part = services.split(supervisor, order, 4)
    created, part_released, amended = published
    assert isinstance(created, WorkOrderCreated)
    assert created.number == part.number
    assert created.quantity == 4
    assert isinstance(part_released, WorkOrderReleased)
    assert part_released.number == part.number
    assert amended == WorkOrderAmended(
        order.pk, order.number, amended.at, quantity=(Decimal("10"), Decimal("6"))
    )


def test_merge_publishes_the_orders_cancelled_and_what_the_first_became(new_order, supervisor):
    today = timezone.localdate()
    first = new_order("SHAFT", 2, due_date=today + dt.timedelta(days=9))
    second = new_order("SHAFT", 3, due_date=today + dt.timedelta(days=5))
    with events.recording() as published:
        services.merge(supervisor, [first, second])
    cancelled, amended = published
    assert cancelled == WorkOrderCancelled(
        second.pk, second.number, cancelled.at, merged_into=first.number
    )
    assert amended == WorkOrderAmended(
        first.pk,
        first.number,
        amended.at,
        quantity=(Decimal("2"), Decimal("5")),
        due_date=(today + dt.timedelta(days=9), today + dt.timedelta(days=5)),
    )


def test_a_batch_publishes_reports_and_downtime_of_the_events_it_accepted(
    released, supervisor, worker, work_center
):
    order = released("SHAFT", 4)
    wo = order.number
    batch = [
        EventInput("b-1", "start", at(0), wo, 10),
        EventInput("b-2", "report", at(20), wo, 10, worker="W1", quantity=2),
        EventInput("b-3", "downtime_start", at(25), wo, 10, reason="jam"),
        EventInput("b-4", "downtime_end", at(35), wo, 10),
        EventInput("b-5", "report", at(50), wo, 10, quantity=1, scrap=1, reason="chatter"),
        EventInput("b-6", "report", at(55), wo, 99, quantity=1),  # no operation 99: refused
    ]
    with events.recording() as published:
        results = record_batch(supervisor, batch)
    ids = [r.event_id for r in results]
    assert [r.status for r in results] == ["accepted"] * 5 + ["rejected"]
    assert published == [
        OperationReported(ids[1], at(20), wo, 10, "CNC1", Decimal("2"), Decimal("0"),
                          Decimal("0"), worker="W1"),
        DowntimeStarted(ids[2], at(25), "CNC1", "jam", "unplanned", work_order=wo, operation=10),
        DowntimeEnded(ids[3], at(35), "CNC1", downtime_class="unplanned", work_order=wo,
                      operation=10),
        OperationReported(ids[4], at(50), wo, 10, "CNC1", Decimal("1"), Decimal("1"),
                          Decimal("0"), reason="chatter"),
    ]  # fmt: skip

    with events.recording() as published:
        again = record_batch(supervisor, batch[:2])
    assert [r.status for r in again] == ["duplicate", "duplicate"]
    assert published == []


def test_downtime_without_an_order_is_published_for_its_work_center(work_center, supervisor):
    with events.recording() as published:
        results = record_batch(
            supervisor,
            [
                EventInput("m-1", "downtime_start", at(0), work_center="CNC1", reason="PM",
                           downtime_class="planned"),
                EventInput("m-2", "downtime_end", at(30), work_center="CNC1"),
            ],
        )  # fmt: skip
    started, ended = published
    assert started == DowntimeStarted(results[0].event_id, at(0), "CNC1", "PM", "planned")
    assert (type(ended), ended.event_id, ended.work_center, ended.work_order) == (
        DowntimeEnded,
        results[1].event_id,
        "CNC1",
        "",
    )


def test_a_batch_inside_a_transaction_that_rolls_back_tells_nobody(
    released, supervisor, django_capture_on_commit_callbacks
):
    order = released("SHAFT", 4)
    heard = []

    def report_then_fail():
        with transaction.atomic():
            record_batch(
                supervisor, [EventInput("r-1", "report", at(5), order.number, 10, quantity=1)]
            )
            raise RuntimeError("the caller's transaction fails")

    events.subscribe(OperationReported, heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError):
                report_then_fail()
            assert heard == []
            record_batch(
                supervisor, [EventInput("r-2", "report", at(6), order.number, 10, quantity=1)]
            )
            assert heard == []  # not before the commit
    finally:
        events._handlers[OperationReported].remove(heard.append)
    assert [e.good for e in heard] == [Decimal("1")]
