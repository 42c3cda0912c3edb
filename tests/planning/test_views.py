"""The plan's pages: the planned orders list and an item's time-phased record."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from andon.catalog.models import BomLine
from andon.orders.models import SalesOrder, SalesOrderLine
from andon.planning.services import run_plan

TODAY = dt.date(2025, 3, 3)


@pytest.fixture
def published(make_item, customer):
    pump = make_item("PUMP", procurement="make", lead_time_days=2)
    motor = make_item("MOTOR", procurement="buy", lead_time_days=3)
    BomLine.objects.create(parent=pump, component=motor, quantity=Decimal("2"))
    order = SalesOrder.objects.create(number="SO-1", customer=customer, order_date=TODAY)
    SalesOrderLine.objects.create(
        order=order, line=1, item=pump, quantity=Decimal("5"), due_date=dt.date(2025, 3, 21)
    )
    run_plan(today=TODAY)
    return pump, motor


def test_planned_orders_list_filters_make_and_buy(viewer_client, published):
    response = viewer_client.get(reverse("planning:order-list"), {"kind": "buy"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "MOTOR" in body
    assert "PUMP" not in body


def test_item_record_shows_dependent_demand_from_the_parent(viewer_client, published):
    _pump, motor = published
    response = viewer_client.get(reverse("planning:item-record", args=[motor.pk]))
    assert response.status_code == 200
    record = response.context["record"]
    # The pump is released on 19 Mar and needs 2 x 5 motors then.
    day = record.dates.index(dt.date(2025, 3, 19))
    assert record.gross_requirements[day] == 10
    assert record.planned_receipts[day] == 10
    assert min(record.projected_on_hand) >= 0


def test_pages_need_a_login(client, published):
    response = client.get(reverse("planning:order-list"))
    assert response.status_code in (302, 403)


def test_item_record_names_unusable_master_data_instead_of_failing(viewer_client, published):
    from andon.catalog.models import Item

    _pump, motor = published
    # Written behind the services' back (a script, a restored backup): a fixed lot size of nothing.
    Item.objects.filter(pk=motor.pk).update(lot_size_rule="fixed", lot_size=None)
    response = viewer_client.get(reverse("planning:item-record", args=[motor.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="bad-input"' in body
    assert "item MOTOR" in body
    assert "lot size" in body
    assert "record" not in response.context
    # the stored plan is still there to read: its planned orders for the motor
    assert list(response.context["orders"])
    assert "Planned orders" in body
