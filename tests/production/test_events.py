"""Shop-floor events: state and time elements derived by timestamp, idempotency, bad input."""

from decimal import Decimal

import pytest

from andon.inventory.models import StockMove
from andon.production.events import EventInput, record_batch
from andon.production.models import ProductionEvent
from tests.production.conftest import at

pytestmark = pytest.mark.django_db


def op(order, sequence=10):
    return order.operations.get(sequence=sequence)


def test_a_shift_of_events_gives_state_quantities_and_time_elements(released, report, worker):
    order = released("SHAFT", 4)
    wo = order.number
    steps = [
        ("setup_start", 0, {}),
        ("clock_on", 0, {"worker": "W1"}),
        ("setup_end", 20, {}),
        ("start", 20, {}),
        ("report", 50, {"quantity": 2}),
        ("pause", 50, {"reason": "break"}),
        ("resume", 60, {}),
        ("downtime_start", 70, {"reason": "jam"}),
        ("downtime_end", 85, {}),
        ("report", 100, {"quantity": 2, "scrap": 1, "reason": "chatter"}),
        ("complete", 100, {}),
        ("clock_off", 110, {"worker": "W1"}),
    ]
    for kind, minute, extra in steps:
        result = report(kind, wo, 10, at(minute), **extra)
        assert result.status == "accepted", (kind, result)
    step = op(order)
    assert step.status == "completed"
    assert (step.good_quantity, step.scrap_quantity) == (4, 1)
    assert step.setup_seconds == 20 * 60
    assert step.processing_seconds == (30 + 10 + 15) * 60
    assert step.delay_seconds == 10 * 60
    assert step.down_seconds == 15 * 60
    assert step.labour_seconds == 110 * 60
    assert (step.actual_start, step.actual_end) == (at(20), at(100))
    order.refresh_from_db()
    assert (order.status, order.good_quantity, order.scrap_quantity) == ("in_progress", 4, 1)


def test_replaying_an_id_changes_nothing(released, report):
    order = released("SHAFT", 4)
    first = report("report", order, 10, at(5), quantity=2, client_id="plc-1")
    again = report("report", order, 10, at(5), quantity=2, client_id="plc-1")
    assert first.status == "accepted"
    assert again.status == "duplicate"
    assert again.event_id == first.event_id
    assert op(order).good_quantity == 2
    assert StockMove.objects.filter(kind="production").count() == 1
    assert StockMove.objects.filter(kind="backflush").count() == 1


def test_a_report_before_a_start_that_arrives_later_is_consistent(released, report):
    order = released("SHAFT", 4)
    assert report("report", order, 10, at(30), quantity=3).status == "accepted"
    assert op(order).status == "running"
    assert op(order).actual_start == at(30)  # the report implies the machine ran
    late = report("start", order, 10, at(10))
    assert late.status == "accepted"
    step = op(order)
    assert step.status == "running"
    assert step.actual_start == at(10)
    assert step.processing_seconds == 0  # still running: the open interval is not counted yet
    assert report("complete", order, 10, at(40)).status == "accepted"
    assert op(order).processing_seconds == 30 * 60


def test_out_of_order_batch_is_applied_by_timestamp(released, supervisor):
    order = released("SHAFT", 4)
    batch = [
        EventInput("b-3", "complete", at(30), order.number, 10),
        EventInput("b-2", "report", at(20), order.number, 10, quantity="4"),
        EventInput("b-1", "start", at(10), order.number, 10),
    ]
    results = record_batch(supervisor, batch)
    assert [r.client_id for r in results] == ["b-3", "b-2", "b-1"]
    assert all(r.status == "accepted" for r in results), results
    assert op(order).status == "completed"
    assert op(order).processing_seconds == 20 * 60


def test_a_late_pause_in_the_past_keeps_the_derivation_whole(released, report):
    order = released("SHAFT", 4)
    report("start", order, 10, at(0))
    report("pause", order, 10, at(20), reason="material")
    report("resume", order, 10, at(30))
    late = report("pause", order, 10, at(10), reason="break")
    assert late.status == "accepted"
    step = op(order)
    # running 0-10, paused 10-30 (the pause at 20 is a no-op), running since 30
    assert step.status == "running"
    assert step.delay_seconds == 20 * 60
    assert step.processing_seconds == 10 * 60


def test_machine_downtime_without_an_order(work_center, report):
    down = report(
        "downtime_start",
        when=at(0),
        work_center="CNC1",
        reason="maintenance",
        downtime_class="planned",
    )
    assert down.status == "accepted"
    again = report("downtime_start", when=at(5), work_center="CNC1", reason="jam")
    assert again.code == "invalid_transition"
    assert report("downtime_end", when=at(30), work_center="CNC1").status == "accepted"
    event = ProductionEvent.objects.get(pk=down.event_id)
    assert event.downtime_class == "planned"


@pytest.mark.parametrize(
    ("kind", "fields", "code"),
    [
        ("report", {"work_order": "WO-99999", "quantity": "1"}, "unknown_work_order"),
        ("report", {"operation": 99, "quantity": "1"}, "unknown_operation"),
        ("report", {"quantity": "-1"}, "invalid_quantity"),
        ("report", {"quantity": "abc"}, "invalid_quantity"),
        ("report", {"quantity": "0"}, "invalid_quantity"),
        ("report", {"quantity": "1.5"}, "invalid_quantity"),
        ("report", {"quantity": "1", "scrap": "1"}, "reason_required"),
        ("complete", {}, "not_started"),
        ("resume", {}, "invalid_transition"),
        ("pause", {"reason": "x"}, "invalid_transition"),
        ("setup_end", {}, "invalid_transition"),
        ("pause", {}, "reason_required"),
        ("teleport", {}, "invalid_kind"),
        ("clock_on", {}, "worker_required"),
        ("clock_on", {"worker": "NOBODY"}, "unknown_worker"),
        ("report", {"quantity": "1", "work_center": "ASM1"}, "wrong_work_center"),
        ("consume", {"item": "STEEL", "lot": "S1", "quantity": "11"}, "insufficient_stock"),
        ("consume", {"item": "STEEL", "lot": "NOPE", "quantity": "1"}, "unknown_lot"),
        ("consume", {"item": "BOLT", "quantity": "1"}, "unknown_material"),
    ],
)
def test_bad_events_are_rejected_with_a_code_and_write_nothing(
    released, report, assembly_center, kind, fields, code
):
    order = released("SHAFT", 4)
    fields = {"work_order": order.number, "operation": 10, **fields}
    before = StockMove.objects.count()
    result = report(kind, when=at(10), **fields)
    assert result.status == "rejected", result
    assert result.code == code, result
    assert result.detail
    assert ProductionEvent.objects.count() == 0
    assert StockMove.objects.count() == before


def test_events_on_a_planned_order_and_in_the_future(new_order, report):
    import datetime as dt

    from django.utils import timezone

    order = new_order("SHAFT", 4)
    assert report("start", order, 10, at(0)).code == "order_not_open"
    assert report("start", order, 10, timezone.now() + dt.timedelta(hours=1)).code in {
        "future_timestamp"
    }


def test_report_after_completion_is_refused_but_late_data_before_it_counts(released, report):
    order = released("SHAFT", 4)
    report("start", order, 10, at(0))
    report("report", order, 10, at(10), quantity=2)
    report("complete", order, 10, at(20))
    after = report("report", order, 10, at(30), quantity=1)
    assert after.code == "operation_completed"
    before = report("report", order, 10, at(15), quantity=1)
    assert before.status == "accepted"
    assert op(order).good_quantity == 3


def test_one_bad_event_does_not_hold_back_the_batch(released, supervisor):
    order = released("SHAFT", 4)
    results = record_batch(
        supervisor,
        [
            EventInput("x-1", "start", at(0), order.number, 10),
            EventInput("x-2", "report", at(5), order.number, 10, quantity="-3"),
            EventInput("x-3", "report", at(6), order.number, 10, quantity="2"),
        ],
    )
    assert [r.status for r in results] == ["accepted", "rejected", "accepted"]
    assert op(order).good_quantity == 2


def test_consume_event_issues_the_lot_and_links_it(released, report, plant):
    from andon.production.models import LotLink

    order = released("SHAFT", 4)
    result = report("consume", order, 10, at(1), item="STEEL", lot="S2", quantity="3")
    assert result.status == "accepted", result
    material = order.materials.get()
    assert material.issued_quantity == Decimal("3")
    link = LotLink.objects.get()
    assert (link.component_lot.code, link.parent_lot.code, link.quantity) == ("S2", order.number, 3)
