"""Fixtures for the stock ledger tests: a second location, lot-tracked and bulk items."""

from decimal import Decimal

import pytest


@pytest.fixture
def line_side(db):
    from andon.plant.models import Location

    return Location.objects.create(code="LS1", name="Line-side 1", kind="line_side")


@pytest.fixture
def bolt(make_item):
    """A plain item counted in whole pieces."""
    return make_item("BOLT-M8")


@pytest.fixture
def steel(make_item, kg):
    """A lot-tracked material measured in kilograms (fractions allowed)."""
    return make_item("STEEL-S235", uom=kg, lot_tracked=True)


@pytest.fixture
def steel_lot(steel):
    from andon.inventory.models import Lot

    return Lot.objects.create(item=steel, code="H-1001")


@pytest.fixture
def stocked(bolt, warehouse):
    """100 bolts in the main warehouse, through the ledger."""
    from andon.inventory import services

    services.receive(None, item=bolt, location=warehouse, quantity=Decimal("100"))
    return bolt
