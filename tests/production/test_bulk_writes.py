"""The set-based writes under the event batch: every value lands exactly, in the right row.

The same tests run on SQLite (Django's own paths) and, in the PostgreSQL suite, on the
single-statement paths that carry the rows as one JSON document.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from andon.core.bulk import insert_rows, update_rows
from andon.inventory.models import StockMove
from andon.production.models import ProductionEvent, WorkOrderOperation
from tests.production.conftest import at

pytestmark = pytest.mark.django_db

AWKWARD = 'it\'s "quoted", back\\slash, ünïcode ✓, {braces}, [1,2]'


def test_update_rows_writes_the_named_fields_of_each_row_and_nothing_else(released):
    first, second = released("SHAFT", 4), released("SHAFT", 6)
    a, b = first.operations.order_by("sequence")[0], second.operations.order_by("sequence")[0]
    a.good_quantity = Decimal("12.3456")
    a.state_reason = AWKWARD[:40]
    a.actual_start = dt.datetime(
        2026, 3, 29, 1, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    a.fold_state = {"state": {"status": "running", "note": AWKWARD}, "at": None, "seq": 2**62}
    b.good_quantity = Decimal("0.0001")
    b.actual_start = None
    b.name = "not written"

    update_rows(
        WorkOrderOperation,
        ("good_quantity", "state_reason", "actual_start", "fold_state"),
        [a, b],
    )

    a_now, b_now = (WorkOrderOperation.objects.get(pk=o.pk) for o in (a, b))
    assert a_now.good_quantity == Decimal("12.3456")
    assert a_now.state_reason == AWKWARD[:40]
    assert a_now.actual_start == dt.datetime(2026, 3, 28, 23, 30, 15, 123456, tzinfo=dt.UTC)
    assert a_now.fold_state == a.fold_state
    assert b_now.good_quantity == Decimal("0.0001")
    assert b_now.actual_start is None
    assert b_now.name != "not written"  # not among the named fields


def test_insert_rows_sets_each_objects_key_in_order_and_stamps_recorded_at(released):
    order = released("SHAFT", 4)
    operation = order.operations.order_by("sequence")[0]
    before = timezone.now()
    events = [
        ProductionEvent(
            client_id=f"bulk-{n}",
            kind=ProductionEvent.Kind.REPORT,
            at=at(n),
            work_center_id=operation.work_center_id,
            operation=operation,
            quantity=Decimal(n) + Decimal("0.5"),
            note=AWKWARD if n == 1 else "",
        )
        for n in range(3)
    ]

    insert_rows(ProductionEvent, events)

    assert all(e.pk is not None for e in events)
    for event in events:
        stored = ProductionEvent.objects.get(pk=event.pk)
        assert (stored.client_id, stored.at, stored.quantity, stored.note) == (
            event.client_id,
            event.at,
            event.quantity,
            event.note,
        )
        assert stored.recorded_at >= before
        assert not event._state.adding


def test_insert_rows_of_nothing_writes_nothing(db):
    insert_rows(StockMove, [])
    assert not StockMove.objects.exists()


def test_a_row_that_breaks_a_constraint_writes_none_of_the_rows(released):
    from django.db import IntegrityError, transaction

    order = released("SHAFT", 4)
    operation = order.operations.order_by("sequence")[0]

    def event(client_id):
        return ProductionEvent(
            client_id=client_id,
            kind=ProductionEvent.Kind.START,
            at=at(0),
            work_center_id=operation.work_center_id,
            operation=operation,
        )

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(ProductionEvent, [event("same"), event("other"), event("same")])

    assert not ProductionEvent.objects.filter(client_id__in=["same", "other"]).exists()
