"""A small two-level plant for shop-floor tests, with quantities easy to check by hand.

PUMP (lot-tracked) = 2 x SHAFT at op 10 + 1 x HOUSING (lot-tracked) + 4 x BOLT at op 20.
SHAFT (lot-tracked) = 1.5 kg STEEL (lot-tracked) at op 10.
Stock in WH: STEEL lots S1 (10 kg, older) and S2 (10 kg), HOUSING lot H1 (5), 100 BOLT.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

T0 = timezone.now().replace(microsecond=0) - dt.timedelta(hours=4)


def at(minutes: float) -> dt.datetime:
    """A timestamp `minutes` after the test's reference time (four hours ago)."""
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def assembly_center(calendar):
    from andon.plant.models import WorkCenter

    return WorkCenter.objects.create(code="ASM1", name="Assembly", calendar=calendar)


@pytest.fixture
def plant(make_item, kg, work_center, assembly_center, warehouse):
    from andon.catalog.models import BomLine, Operation
    from andon.inventory import services as inventory

    steel = make_item("STEEL", uom=kg, lot_tracked=True)
    housing = make_item("HOUSING", lot_tracked=True)
    bolt = make_item("BOLT")
    shaft = make_item("SHAFT", procurement="make", lot_tracked=True)
    pump = make_item("PUMP", procurement="make", lot_tracked=True)
    BomLine.objects.create(parent=shaft, component=steel, quantity=Decimal("1.5"))
    BomLine.objects.create(parent=pump, component=shaft, quantity=2, operation_sequence=10)
    BomLine.objects.create(parent=pump, component=housing, quantity=1, operation_sequence=20)
    BomLine.objects.create(parent=pump, component=bolt, quantity=4, operation_sequence=20)
    Operation.objects.create(
        item=shaft,
        sequence=10,
        work_center=work_center,
        setup_minutes=30,
        run_minutes_per_unit=5,
    )
    Operation.objects.create(
        item=pump, sequence=10, work_center=work_center, run_minutes_per_unit=2, name="Fit"
    )
    Operation.objects.create(
        item=pump,
        sequence=20,
        work_center=assembly_center,
        run_minutes_per_unit=10,
        name="Assemble",
    )
    for code in ("S1", "S2"):
        inventory.receive(None, item=steel, location=warehouse, quantity=10, lot_code=code)
    inventory.receive(None, item=housing, location=warehouse, quantity=5, lot_code="H1")
    inventory.receive(None, item=bolt, location=warehouse, quantity=100)
    return {"steel": steel, "housing": housing, "bolt": bolt, "shaft": shaft, "pump": pump}


@pytest.fixture
def new_order(plant, warehouse, supervisor):
    """Make work orders quickly: `new_order("SHAFT", 4)`."""
    from andon.production import services

    def make(sku: str = "SHAFT", quantity: int = 4, **extra):
        extra.setdefault("due_date", timezone.localdate() + dt.timedelta(days=7))
        return services.create_work_order(
            supervisor,
            item=plant[sku.lower()],
            quantity=quantity,
            supply_location=warehouse,
            output_location=warehouse,
            **extra,
        )

    return make


@pytest.fixture
def released(new_order, supervisor):
    """Release an order made by `new_order`."""
    from andon.production import services

    def make(sku: str = "SHAFT", quantity: int = 4, **extra):
        return services.release(supervisor, new_order(sku, quantity, **extra))

    return make


@pytest.fixture
def supervisor(user_with_role):
    return user_with_role("supervisor", username="sup")


@pytest.fixture
def operator(user_with_role):
    return user_with_role("operator", username="op")


@pytest.fixture
def worker(db):
    from andon.people.models import Worker

    return Worker.objects.create(code="W1", name="Ana")


@pytest.fixture
def report(supervisor):
    """Send one event through the service: `report("start", "WO-00001", 10, at(0))`."""
    from andon.production.events import EventInput, record_event

    counter = {"n": 0}

    def send(kind, work_order="", operation=None, when=None, **fields):
        counter["n"] += 1
        fields.setdefault("client_id", f"t-{counter['n']}")
        data = EventInput(
            kind=kind,
            work_order=str(work_order),
            operation=operation,
            at=when or timezone.now(),
            **fields,
        )
        return record_event(supervisor, data)

    return send
