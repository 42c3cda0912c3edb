"""Small named fixtures for master data, shared by every app's tests.

Each fixture builds the least that makes a realistic record; tests add what they need on top.
"""

import datetime as dt
from decimal import Decimal

import pytest


@pytest.fixture
def pcs(db):
    from andon.catalog.models import UnitOfMeasure

    return UnitOfMeasure.objects.create(
        code="pcs", name="Pieces", dimension="count", whole_numbers=True
    )


@pytest.fixture
def kg(db):
    from andon.catalog.models import UnitOfMeasure

    return UnitOfMeasure.objects.create(code="kg", name="Kilogram", dimension="mass")


@pytest.fixture
def day_shift(db):
    from andon.plant.models import Shift

    return Shift.objects.create(code="DAY", name="Day", start_time=dt.time(6), end_time=dt.time(14))


@pytest.fixture
def calendar(day_shift):
    from andon.plant.models import Calendar

    cal = Calendar.objects.create(code="1SHIFT", name="One shift, Mon-Fri")
    cal.shifts.add(day_shift)
    return cal


@pytest.fixture
def work_center(calendar):
    from andon.plant.models import WorkCenter

    return WorkCenter.objects.create(
        code="CNC1", name="CNC mill", capacity=2, calendar=calendar, line="Machining"
    )


@pytest.fixture
def warehouse(db):
    from andon.plant.models import Location

    return Location.objects.create(code="WH", name="Main warehouse")


@pytest.fixture
def make_item(pcs):
    """Create items quickly: `make_item("PUMP-1", procurement="make")`."""
    from andon.catalog.models import Item

    def make(sku: str, procurement: str = "buy", **fields) -> Item:
        fields.setdefault("name", sku.title())
        fields.setdefault("uom", pcs)
        fields.setdefault("standard_cost", Decimal("10"))
        return Item.objects.create(sku=sku, procurement=procurement, **fields)

    return make


@pytest.fixture
def customer(db):
    from andon.partners.models import Customer

    return Customer.objects.create(code="ACME", name="Acme Industrial")


@pytest.fixture
def supplier(db):
    from andon.partners.models import Supplier

    return Supplier.objects.create(code="STEELCO", name="Steel Co")
