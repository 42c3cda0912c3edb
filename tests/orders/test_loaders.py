"""The orders' bulk loader refuses what their services refuse, naming the row, and writes
nothing."""

import datetime as dt
from decimal import Decimal

from andon.orders import loaders, services
from andon.orders.models import (
    Forecast,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)
from tests import loads

DUE = dt.date(2030, 4, 1)


def _new_order(number, customer, *quantities, first_row=2):
    """A new sales order and its lines, one input row per line, as the import hands them over."""
    order = SalesOrder(number=number, customer=customer, order_date=DUE)
    lines = [
        SalesOrderLine(order=order, line=n, item=item, quantity=Decimal(q), due_date=DUE)
        for n, (item, q) in enumerate(quantities, start=1)
    ]
    return (
        order,
        lines,
        {id(order): first_row} | {id(li): first_row + i for i, li in enumerate(lines)},
    )


def test_new_orders_and_their_lines_are_written_in_bulk(customer, widget):
    order, lines, rows = _new_order("SO-7", customer, (widget, "3"), (widget, "4"))
    load = loaders.sales_orders(loads.batch([order], rows=rows), loads.batch(lines, rows=rows))
    assert load.problems == []
    load.write()
    stored = SalesOrder.objects.get(number="SO-7")
    assert list(stored.lines.order_by("line").values_list("line", "quantity")) == [
        (1, Decimal("3")),
        (2, Decimal("4")),
    ]


def test_a_line_with_zero_quantity_is_refused_naming_its_row(customer, widget):
    order, lines, rows = _new_order("SO-7", customer, (widget, "3"), (widget, "0"))
    load = loaders.sales_orders(loads.batch([order], rows=rows), loads.batch(lines, rows=rows))
    # One problem for the cell: the model's own minimum is not reported a second time.
    assert loads.refused(load) == [(3, "quantity", "Quantity must be greater than zero.")]
    assert not SalesOrder.objects.filter(number="SO-7").exists()
    assert not SalesOrderLine.objects.filter(order__number="SO-7").exists()


def test_a_fraction_of_a_whole_unit_is_refused(customer, widget):
    order, lines, rows = _new_order("SO-7", customer, (widget, "2.5"))
    load = loaders.sales_orders(loads.batch([order], rows=rows), loads.batch(lines, rows=rows))
    assert loads.refused(load) == [
        (2, "quantity", "WIDGET is counted in whole pcs; 2.5 is not whole."),
    ]


def test_a_duplicate_order_number_in_the_batch_is_refused(customer, widget, sales_order):
    first, first_lines, rows = _new_order("SO-8", customer, (widget, "1"), first_row=2)
    again, again_lines, more = _new_order("SO-8", customer, (widget, "2"), first_row=3)
    taken, taken_lines, most = _new_order("SO-1", customer, (widget, "2"), first_row=4)
    rows |= more | most
    load = loaders.sales_orders(
        loads.batch([first, again, taken], rows=rows),
        loads.batch([*first_lines, *again_lines, *taken_lines], rows=rows),
    )
    assert loads.refused(load) == [
        (3, "number", "duplicate SO-8 (also on row 2)"),
        (4, "number", "SO-1 exists already"),
    ]
    assert not SalesOrder.objects.filter(number="SO-8").exists()
    assert SalesOrder.objects.get(number="SO-1").lines.count() == 2


def test_a_line_below_what_was_received_is_refused(purchase_order, warehouse, planner):
    line = purchase_order.lines.get(line=1)
    services.receive_purchase_line(planner, line, quantity=Decimal("60"), location=warehouse)
    line.refresh_from_db()
    line.quantity = Decimal("40")
    batch = loads.batch(updates=[line], fields=["quantity"], rows={id(line): 5})
    load = loaders.purchase_orders(loads.batch(), batch, stated=[purchase_order])
    assert loads.refused(load) == [
        (5, "quantity", "line 1 already has 60 received; the quantity cannot be lower")
    ]
    assert PurchaseOrderLine.objects.get(pk=line.pk).quantity == Decimal("100")


def test_a_line_below_what_was_shipped_is_refused(sales_order):
    line = sales_order.lines.get(line=2)
    SalesOrderLine.objects.filter(pk=line.pk).update(shipped_quantity=Decimal("4"))
    line.refresh_from_db()
    line.quantity = Decimal("3")
    batch = loads.batch(updates=[line], fields=["quantity"], rows={id(line): 3})
    assert loads.refused(loaders.sales_orders(loads.batch(), batch, stated=[sales_order])) == [
        (3, "quantity", "line 2 already has 4 shipped; the quantity cannot be lower")
    ]
    assert SalesOrderLine.objects.get(pk=line.pk).quantity == Decimal("5")


def test_a_delivered_line_is_neither_removed_nor_given_another_item(
    purchase_order, warehouse, planner, make_item
):
    first, second = purchase_order.lines.order_by("line")
    services.receive_purchase_line(planner, first, quantity=Decimal("10"), location=warehouse)
    services.receive_purchase_line(planner, second, quantity=Decimal("5"), location=warehouse)
    first.refresh_from_db()
    first.item = make_item("OTHER")
    load = loaders.purchase_orders(
        loads.batch(rows={id(purchase_order): 2}),
        loads.batch(updates=[first], fields=["item"], rows={id(first): 2}),
        removed=[second],
        stated=[purchase_order],
    )
    assert loads.refused(load) == [
        (2, "item", "line 1 has been received: its item cannot change"),
        (2, "line", "line 2 of PO-1 has been received and cannot be removed"),
    ]
    assert purchase_order.lines.count() == 2


def test_a_cancelled_order_is_not_changed(sales_order, planner):
    services.cancel_sales_order(planner, sales_order)
    line = sales_order.lines.get(line=1)
    line.quantity = Decimal("12")
    load = loaders.sales_orders(
        loads.batch(rows={id(sales_order): 2}),
        loads.batch(updates=[line], fields=["quantity"], rows={id(line): 2}),
        stated=[sales_order],
    )
    assert loads.refused(load) == [(2, "number", "order SO-1 is cancelled, not open")]
    assert SalesOrderLine.objects.get(pk=line.pk).quantity == Decimal("10")


def test_lines_an_order_drops_are_removed_and_new_ones_take_their_numbers(purchase_order, plate):
    second = purchase_order.lines.get(line=2)
    replacement = PurchaseOrderLine(
        order=purchase_order, line=2, item=plate, quantity=Decimal("7"), due_date=DUE
    )
    load = loaders.purchase_orders(
        loads.batch(), loads.batch([replacement]), removed=[second], stated=[purchase_order]
    )
    assert (load.problems, load.removed) == ([], 1)
    load.write()
    assert list(purchase_order.lines.order_by("line").values_list("line", "quantity")) == [
        (1, Decimal("100")),
        (2, Decimal("7")),
    ]


def test_a_new_purchase_order_is_loaded_open(supplier, plate):
    order = PurchaseOrder(
        number="PO-9", supplier=supplier, order_date=DUE, status=PurchaseOrder.Status.RECEIVED
    )
    line = PurchaseOrderLine(order=order, line=1, item=plate, quantity=Decimal("1"), due_date=DUE)
    load = loaders.purchase_orders(loads.batch([order]), loads.batch([line]))
    assert loads.refused(load) == [
        (2, "status", "a purchase order is loaded draft, sent, confirmed, not received")
    ]


def test_forecasts_are_checked_by_the_forecast_rules(widget):
    Forecast.objects.create(item=widget, date=DUE, quantity=Decimal("5"))
    batch = loads.batch(
        [
            Forecast(item=widget, date=DUE + dt.timedelta(days=7), quantity=Decimal("0")),
            Forecast(item=widget, date=DUE, quantity=Decimal("3")),
            Forecast(item=widget, date=DUE + dt.timedelta(days=14), quantity=Decimal("8")),
            Forecast(item=widget, date=DUE + dt.timedelta(days=14), quantity=Decimal("9")),
        ]
    )
    assert loads.refused(loaders.forecasts(batch)) == [
        (2, "quantity", "Quantity must be greater than zero."),
        (3, "date", "WIDGET already has a forecast for 2030-04-01"),
        (5, "date", "duplicate WIDGET / 2030-04-15 (also on row 4)"),
    ]
    assert Forecast.objects.count() == 1


def test_forecasts_are_written_in_bulk(widget):
    stored = Forecast.objects.create(item=widget, date=DUE, quantity=Decimal("5"))
    stored.quantity = Decimal("6")
    new = Forecast(item=widget, date=DUE + dt.timedelta(days=7), quantity=Decimal("4"))
    loaders.forecasts(loads.batch([new], [stored], fields=["quantity"])).write()
    assert list(Forecast.objects.values_list("date", "quantity")) == [
        (DUE, Decimal("6")),
        (DUE + dt.timedelta(days=7), Decimal("4")),
    ]
