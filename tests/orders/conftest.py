"""Fixtures for order tests: an open sales order and a sent purchase order with two lines each."""

import datetime as dt
from decimal import Decimal

import pytest

TODAY = dt.date(2030, 3, 1)


@pytest.fixture
def widget(make_item):
    return make_item("WIDGET", procurement="make")


@pytest.fixture
def plate(make_item):
    return make_item("PLATE")


@pytest.fixture
def sales_order(customer, widget, planner):
    from andon.orders import services

    return services.create_sales_order(
        planner,
        customer=customer,
        order_date=TODAY,
        number="SO-1",
        lines=[
            services.LineInput(
                item=widget, quantity=Decimal("10"), due_date=TODAY + dt.timedelta(days=7)
            ),
            services.LineInput(
                item=widget, quantity=Decimal("5"), due_date=TODAY + dt.timedelta(days=14)
            ),
        ],
    )


@pytest.fixture
def purchase_order(supplier, plate, planner):
    from andon.orders import services

    return services.create_purchase_order(
        planner,
        supplier=supplier,
        order_date=TODAY,
        number="PO-1",
        lines=[
            services.LineInput(
                item=plate, quantity=Decimal("100"), due_date=TODAY + dt.timedelta(days=5)
            ),
            services.LineInput(
                item=plate, quantity=Decimal("50"), due_date=TODAY + dt.timedelta(days=10)
            ),
        ],
    )
