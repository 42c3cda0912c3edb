"""Order rules: what a planner may enter and change, and what receiving does to stock."""

import datetime as dt
from decimal import Decimal

import pytest

from andon.core.errors import Conflict, ValidationFailed
from andon.core.models import AuditEntry
from andon.inventory import services as inventory
from andon.inventory.models import StockMove
from andon.orders import services
from andon.orders.models import Forecast, PurchaseOrder, SalesOrder, SalesOrderLine
from tests.orders.conftest import TODAY

pytestmark = pytest.mark.django_db
LineInput = services.LineInput


def test_new_order_numbers_its_lines_and_is_audited(sales_order, planner):
    assert list(sales_order.lines.values_list("line", flat=True)) == [1, 2]
    assert sales_order.status == SalesOrder.Status.OPEN
    assert AuditEntry.objects.filter(model="orders.salesorder", user=planner).exists()
    assert AuditEntry.objects.filter(model="orders.salesorderline").count() == 2


def test_order_number_is_generated_when_left_blank(customer, widget):
    order = services.create_sales_order(
        None, customer=customer, order_date=TODAY, lines=[LineInput(widget, Decimal("1"), TODAY)]
    )
    assert order.number == "SO-00001"


def test_bad_lines_are_all_reported_by_row_and_nothing_is_written(customer, widget):
    lines = [
        LineInput(widget, Decimal("0"), TODAY),
        LineInput(widget, Decimal("2.5"), None),
        LineInput(widget, Decimal("-1"), TODAY),
    ]
    with pytest.raises(ValidationFailed) as exc:
        services.create_sales_order(None, customer=customer, order_date=TODAY, lines=lines)
    located = {(p.row, p.column) for p in exc.value.problems}
    assert {(1, "quantity"), (2, "quantity"), (2, "due_date"), (3, "quantity")} <= located
    assert not SalesOrder.objects.exists()


def test_an_order_needs_a_line_and_a_unique_number(customer, widget, sales_order):
    with pytest.raises(ValidationFailed, match="at least one line"):
        services.create_sales_order(None, customer=customer, order_date=TODAY, lines=[])
    with pytest.raises(Conflict, match="SO-1 already exists"):
        services.create_sales_order(
            None,
            customer=customer,
            order_date=TODAY,
            number="SO-1",
            lines=[LineInput(widget, Decimal("1"), TODAY)],
        )


def test_update_changes_kept_lines_adds_new_ones_and_removes_the_rest(sales_order, widget, plate):
    services.update_sales_order(
        None,
        sales_order,
        changes={"customer_reference": "PO 7781"},
        lines=[
            LineInput(widget, Decimal("12"), TODAY, line=1),
            LineInput(plate, Decimal("3"), TODAY),
        ],
    )
    sales_order.refresh_from_db()
    assert sales_order.customer_reference == "PO 7781"
    lines = {ln.line: ln for ln in sales_order.lines.all()}
    assert set(lines) == {1, 3}
    assert lines[1].quantity == Decimal("12")
    assert lines[3].item == plate


def test_a_cancelled_order_cannot_be_changed_or_cancelled_again(sales_order):
    services.cancel_sales_order(None, sales_order)
    with pytest.raises(Conflict) as exc:
        services.update_sales_order(None, sales_order, changes={"customer_reference": "x"})
    assert exc.value.code == "cancelled"
    with pytest.raises(Conflict):
        services.cancel_sales_order(None, sales_order)


def test_status_cannot_be_set_directly(sales_order):
    with pytest.raises(ValidationFailed, match="Cannot change status"):
        services.update_sales_order(None, sales_order, changes={"status": "shipped"})


def test_shipping_issues_stock_and_cannot_exceed_the_ordered_quantity(
    sales_order, widget, warehouse
):
    inventory.receive(None, item=widget, location=warehouse, quantity=20)
    line = sales_order.lines.get(line=1)
    services.ship_sales_line(
        None, line, quantity=Decimal("6"), location=warehouse, client_id="ship-1"
    )
    services.ship_sales_line(
        None, line, quantity=Decimal("6"), location=warehouse, client_id="ship-1"
    )
    line.refresh_from_db()
    assert line.shipped_quantity == Decimal("6")
    assert inventory.on_hand(widget) == Decimal("14")
    with pytest.raises(ValidationFailed) as exc:
        services.ship_sales_line(None, line, quantity=Decimal("5"), location=warehouse)
    assert exc.value.code == "exceeds_open_quantity"
    line.refresh_from_db()
    assert line.shipped_quantity == Decimal("6")


def test_shipping_everything_closes_the_order_and_delivered_lines_are_protected(
    sales_order, widget, warehouse
):
    inventory.receive(None, item=widget, location=warehouse, quantity=20)
    first, second = sales_order.lines.order_by("line")
    services.ship_sales_line(None, first, quantity=Decimal("4"), location=warehouse)
    with pytest.raises(ValidationFailed, match="cannot be lower"):
        services.update_sales_order(
            None, sales_order, lines=[LineInput(widget, Decimal("3"), TODAY, line=1)]
        )
    with pytest.raises(ValidationFailed, match="cannot be removed"):
        services.update_sales_order(
            None, sales_order, lines=[LineInput(widget, Decimal("5"), TODAY, line=2)]
        )
    services.ship_sales_line(None, first, quantity=Decimal("6"), location=warehouse)
    services.ship_sales_line(None, second, quantity=Decimal("5"), location=warehouse)
    sales_order.refresh_from_db()
    assert sales_order.status == SalesOrder.Status.SHIPPED


def test_shipping_without_stock_changes_neither_stock_nor_the_line(sales_order, warehouse):
    line = sales_order.lines.get(line=1)
    with pytest.raises(ValidationFailed, match="Not enough stock"):
        services.ship_sales_line(None, line, quantity=Decimal("1"), location=warehouse)
    line.refresh_from_db()
    assert line.shipped_quantity == 0


def test_receiving_posts_stock_and_updates_the_line_in_one_go(
    purchase_order, plate, warehouse, planner
):
    line = purchase_order.lines.get(line=1)
    move = services.receive_purchase_line(planner, line, quantity=Decimal("40"), location=warehouse)
    line.refresh_from_db()
    assert line.received_quantity == Decimal("40")
    assert move.kind == StockMove.Kind.RECEIPT
    assert move.reference == "PO-1/1"
    assert inventory.on_hand(plate, warehouse) == Decimal("40")


def test_receiving_is_idempotent_and_never_exceeds_the_order(purchase_order, plate, warehouse):
    line = purchase_order.lines.get(line=1)
    for _ in range(2):
        services.receive_purchase_line(
            None, line, quantity=Decimal("60"), location=warehouse, client_id="grn-9"
        )
    line.refresh_from_db()
    assert line.received_quantity == Decimal("60")
    with pytest.raises(ValidationFailed) as exc:
        services.receive_purchase_line(None, line, quantity=Decimal("41"), location=warehouse)
    assert exc.value.code == "exceeds_open_quantity"
    assert inventory.on_hand(plate) == Decimal("60")


def test_receiving_every_line_closes_the_order(purchase_order, warehouse):
    for line in purchase_order.lines.all():
        services.receive_purchase_line(None, line, quantity=line.quantity, location=warehouse)
    purchase_order.refresh_from_db()
    assert purchase_order.status == PurchaseOrder.Status.RECEIVED
    with pytest.raises(Conflict, match="received"):
        services.update_purchase_order(None, purchase_order, changes={"status": "sent"})


def test_a_lot_tracked_receipt_needs_a_lot_and_can_create_it(supplier, make_item, warehouse):
    coil = make_item("COIL", lot_tracked=True)
    order = services.create_purchase_order(
        None, supplier=supplier, order_date=TODAY, lines=[LineInput(coil, Decimal("5"), TODAY)]
    )
    line = order.lines.get()
    with pytest.raises(ValidationFailed) as exc:
        services.receive_purchase_line(None, line, quantity=Decimal("5"), location=warehouse)
    assert exc.value.code == "lot_required"
    line.refresh_from_db()
    assert line.received_quantity == 0
    services.receive_purchase_line(
        None, line, quantity=Decimal("5"), location=warehouse, lot_code="C-77"
    )
    assert inventory.on_hand(coil) == Decimal("5")


def test_cancelled_and_draft_orders_cannot_be_received(purchase_order, warehouse):
    services.update_purchase_order(None, purchase_order, changes={"status": "draft"})
    line = purchase_order.lines.first()
    with pytest.raises(Conflict, match="draft"):
        services.receive_purchase_line(None, line, quantity=Decimal("1"), location=warehouse)
    services.cancel_purchase_order(None, purchase_order)
    with pytest.raises(Conflict, match="cancelled"):
        services.receive_purchase_line(None, line, quantity=Decimal("1"), location=warehouse)
    with pytest.raises(ValidationFailed, match="draft, sent or confirmed"):
        services.create_purchase_order(
            None, supplier=purchase_order.supplier, order_date=TODAY, status="received", lines=[]
        )


def test_forecast_is_unique_per_item_and_date(widget):
    services.create_forecast(None, item=widget, date=TODAY, quantity=Decimal("50"))
    with pytest.raises(Conflict) as exc:
        services.create_forecast(None, item=widget, date=TODAY, quantity=Decimal("60"))
    assert exc.value.code == "duplicate_forecast"
    with pytest.raises(ValidationFailed):
        services.create_forecast(
            None, item=widget, date=TODAY + dt.timedelta(days=1), quantity=Decimal("0")
        )


def test_set_forecast_replaces_and_zero_removes(widget):
    services.set_forecast(None, item=widget, date=TODAY, quantity=Decimal("50"))
    services.set_forecast(None, item=widget, date=TODAY, quantity=Decimal("70"))
    assert Forecast.objects.get().quantity == Decimal("70")
    services.set_forecast(None, item=widget, date=TODAY, quantity=Decimal("0"))
    assert not Forecast.objects.exists()


def test_line_open_quantity(sales_order):
    line = SalesOrderLine(quantity=Decimal("10"), shipped_quantity=Decimal("4"))
    assert line.open_quantity == Decimal("6")
