"""What the supplier's side of a purchase order may change: the order's own rules hold whoever
calls (correspondence sends the order and takes the answer, orders decides what it means)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from andon.core.errors import Conflict, ValidationFailed
from andon.core.models import AuditEntry
from andon.orders import services
from andon.orders import supplier as supply
from andon.orders.models import PurchaseOrder, PurchaseOrderLine
from tests.orders.conftest import TODAY

pytestmark = pytest.mark.django_db
Confirmed = supply.ConfirmedLine
NOW = timezone.make_aware(dt.datetime(2030, 3, 2, 9, 0))


def _lines(order):
    return list(order.lines.order_by("line"))


def _state(order):
    return list(
        PurchaseOrderLine.objects.filter(order=order)
        .order_by("line")
        .values_list("due_date", "quantity", "confirmed_at", "requested_date")
    )


def test_confirming_moves_the_supply_and_the_order_and_is_audited(purchase_order, planner):
    first, second = _lines(purchase_order)
    later = TODAY + dt.timedelta(days=9)
    supply.confirm_purchase_order(
        planner,
        purchase_order,
        [Confirmed(first, later, Decimal("80")), Confirmed(second, second.due_date, Decimal("50"))],
        confirmed_at=NOW,
    )
    first.refresh_from_db()
    purchase_order.refresh_from_db()
    assert (first.due_date, first.quantity, first.confirmed_at) == (later, Decimal("80"), NOW)
    assert purchase_order.status == PurchaseOrder.Status.CONFIRMED
    changes = AuditEntry.objects.filter(model="orders.purchaseorderline", action="update")
    assert any("due_date" in e.changes and e.user == planner for e in changes)
    assert AuditEntry.objects.filter(
        model="orders.purchaseorder", action="update", changes__status__1="confirmed"
    ).exists()


def test_the_confirmed_quantity_is_what_is_still_to_come(purchase_order, warehouse):
    first, second = _lines(purchase_order)
    services.receive_purchase_line(None, first, quantity=Decimal("30"), location=warehouse)
    services.receive_purchase_line(None, second, quantity=Decimal("50"), location=warehouse)
    day = TODAY + dt.timedelta(days=6)
    supply.confirm_purchase_order(
        None,
        purchase_order,
        [Confirmed(first, day, Decimal("60")), Confirmed(second, day, Decimal("10"))],
        confirmed_at=NOW,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.quantity, first.received_quantity, first.open_quantity) == (
        Decimal("90"),
        Decimal("30"),
        Decimal("60"),
    )
    # received in full meanwhile: the goods are here, the answer changes nothing on that line
    assert (second.quantity, second.due_date, second.confirmed_at) == (
        Decimal("50"),
        TODAY + dt.timedelta(days=10),
        None,
    )


@pytest.mark.parametrize(
    ("due", "quantity", "column"),
    [
        (None, Decimal("10"), "due_date"),
        (TODAY, None, "quantity"),
        (TODAY, Decimal("0"), "quantity"),
        (TODAY, Decimal("-4"), "quantity"),
        (TODAY, Decimal("2.5"), "quantity"),  # plates are counted in whole pieces
    ],
)
def test_a_bad_confirmation_is_refused_and_writes_nothing(purchase_order, due, quantity, column):
    first, second = _lines(purchase_order)
    before = _state(purchase_order)
    audited = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        supply.confirm_purchase_order(
            None,
            purchase_order,
            [Confirmed(second, TODAY, Decimal("5")), Confirmed(first, due, quantity)],
            confirmed_at=NOW,
        )
    assert [(p.row, p.column) for p in exc.value.problems] == [(1, column)]
    assert _state(purchase_order) == before  # not even the good line moved
    purchase_order.refresh_from_db()
    assert purchase_order.status == PurchaseOrder.Status.SENT
    assert AuditEntry.objects.count() == audited


def test_a_line_of_another_order_or_a_cancelled_order_is_refused(purchase_order, supplier, plate):
    other = services.create_purchase_order(
        None,
        supplier=supplier,
        order_date=TODAY,
        lines=[services.LineInput(plate, Decimal("3"), TODAY)],
    )
    stranger = other.lines.get()
    with pytest.raises(ValidationFailed, match="not on PO-1"):
        supply.confirm_purchase_order(
            None, purchase_order, [Confirmed(stranger, TODAY, Decimal("3"))], confirmed_at=NOW
        )
    stranger.refresh_from_db()
    assert stranger.confirmed_at is None
    services.cancel_purchase_order(None, purchase_order)
    first = purchase_order.lines.get(line=1)
    with pytest.raises(Conflict) as exc:
        supply.confirm_purchase_order(
            None, purchase_order, [Confirmed(first, TODAY, Decimal("1"))], confirmed_at=NOW
        )
    assert exc.value.code == "cancelled"
    first.refresh_from_db()
    assert first.confirmed_at is None


def test_the_date_first_asked_is_kept_once(purchase_order, planner):
    first, second = _lines(purchase_order)
    noted = supply.remember_requested_dates(planner, purchase_order)
    assert [ln.line for ln in noted] == [1, 2]
    first.refresh_from_db()
    assert first.requested_date == TODAY + dt.timedelta(days=5)
    services.update_purchase_order(
        None,
        purchase_order,
        lines=[
            services.LineInput(first.item, Decimal("100"), TODAY + dt.timedelta(days=8), line=1),
            services.LineInput(second.item, Decimal("50"), second.due_date, line=2),
        ],
    )
    assert supply.remember_requested_dates(planner, purchase_order) == []
    first.refresh_from_db()
    assert first.requested_date == TODAY + dt.timedelta(days=5)  # what was asked the first time


def test_requested_dates_are_not_noted_on_a_cancelled_order(purchase_order):
    services.cancel_purchase_order(None, purchase_order)
    with pytest.raises(Conflict):
        supply.remember_requested_dates(None, purchase_order)
    assert not PurchaseOrderLine.objects.filter(requested_date__isnull=False).exists()


@pytest.mark.parametrize(
    ("status", "after"),
    [
        ("draft", "sent"),
        ("sent", "sent"),
        ("confirmed", "confirmed"),
        ("cancelled", "cancelled"),
    ],
)
def test_only_a_draft_becomes_sent(purchase_order, status, after):
    PurchaseOrder.objects.filter(pk=purchase_order.pk).update(status=status)
    audited = AuditEntry.objects.filter(model="orders.purchaseorder").count()
    supply.mark_sent(None, purchase_order)
    purchase_order.refresh_from_db()
    assert purchase_order.status == after
    grew = AuditEntry.objects.filter(model="orders.purchaseorder").count() - audited
    assert grew == (1 if status == "draft" else 0)
