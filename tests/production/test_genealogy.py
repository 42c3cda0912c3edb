"""Backflush and lot genealogy on the two-level example, checked by hand, and trace query counts.

SHAFT order for 4: backflush 4 x 1.5 = 6 kg STEEL, oldest lot first (S1), 4 SHAFT into lot WO-1.
PUMP order for 2: op 10 backflushes 2 x 2 = 4 SHAFT (lot WO-1); op 20 backflushes 2 HOUSING
(lot H1) and 8 BOLT, and receives 2 PUMP into lot WO-2. One PUMP is shipped to Acme.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from andon.inventory.models import Lot, StockMove
from andon.inventory.services import on_hand
from andon.production import genealogy
from andon.production.models import LotLink, WorkOrder
from tests.production.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(released, report, plant, warehouse, customer, supervisor):
    shafts = released("SHAFT", 4)
    assert report("report", shafts, 10, at(10), quantity=4).status == "accepted"
    pumps = released("PUMP", 2)
    assert report("report", pumps, 10, at(20), quantity=2).status == "accepted"
    assert report("report", pumps, 20, at(30), quantity=2).status == "accepted"
    from andon.orders.models import SalesOrder, SalesOrderLine
    from andon.orders.services import ship_sales_line

    so = SalesOrder.objects.create(
        number="SO-7", customer=customer, order_date=timezone.localdate()
    )
    line = SalesOrderLine.objects.create(
        order=so, line=1, item=plant["pump"], quantity=1, due_date=timezone.localdate()
    )
    ship_sales_line(
        supervisor,
        line,
        quantity=Decimal("1"),
        location=warehouse,
        lot=Lot.objects.get(item=plant["pump"], code=pumps.number),
    )
    return shafts, pumps


def test_backflush_and_receipts_by_hand(built, plant):
    shafts, pumps = built
    s1, s2 = Lot.objects.get(code="S1"), Lot.objects.get(code="S2")
    assert on_hand(plant["steel"], lot=s1) == 4  # 10 - 6, FIFO took the older lot only
    assert on_hand(plant["steel"], lot=s2) == 10
    shaft_lot = Lot.objects.get(item=plant["shaft"], code=shafts.number)
    assert on_hand(plant["shaft"], lot=shaft_lot) == 0  # 4 made, 4 backflushed
    assert on_hand(plant["housing"]) == 3
    assert on_hand(plant["bolt"]) == 92
    pump_lot = Lot.objects.get(item=plant["pump"], code=pumps.number)
    assert on_hand(plant["pump"], lot=pump_lot) == 1  # 2 made, 1 shipped
    issued = {m.component.sku: m.issued_quantity for m in pumps.materials.all()}
    assert issued == {"SHAFT": 4, "HOUSING": 2, "BOLT": 8}
    kinds = StockMove.objects.filter(reference=pumps.number).values_list("kind", flat=True)
    assert sorted(kinds) == ["backflush"] * 3 + ["production"]
    links = {(k.parent_lot.code, k.component_lot.code, k.quantity) for k in LotLink.objects.all()}
    assert links == {
        (shafts.number, "S1", Decimal("6")),
        (pumps.number, shafts.number, Decimal("4")),
        (pumps.number, "H1", Decimal("2")),
    }


def test_backward_trace_of_the_finished_lot(built, plant):
    shafts, pumps = built
    result = genealogy.trace(Lot.objects.get(item=plant["pump"], code=pumps.number), "backward")
    rows = [(level, n.item, n.lot, n.quantity) for level, n in genealogy.flatten(result.root)]
    assert rows == [
        (0, "PUMP", pumps.number, None),
        (1, "SHAFT", shafts.number, Decimal("4")),
        (2, "STEEL", "S1", Decimal("6")),
        (1, "HOUSING", "H1", Decimal("2")),
    ]
    assert result.lots == 4


def test_forward_trace_of_a_supplier_lot_reaches_the_customer(built, plant):
    shafts, pumps = built
    result = genealogy.trace(Lot.objects.get(code="S1"), "forward")
    rows = [(level, n.item, n.lot) for level, n in genealogy.flatten(result.root)]
    assert rows == [(0, "STEEL", "S1"), (1, "SHAFT", shafts.number), (2, "PUMP", pumps.number)]
    assert result.customers == ["Acme Industrial"]
    assert [(s.lot, s.quantity, s.sales_order) for s in result.shipments] == [
        (pumps.number, 1, "SO-7")
    ]
    untouched = genealogy.trace(Lot.objects.get(code="S2"), "forward")
    assert untouched.root.children == []
    assert untouched.shipments == []


def _chain(depth, plant, warehouse):
    """A chain of lots `depth` levels deep, written directly: L0 <- L1 <- ... <- Ldepth."""
    item = plant["steel"]
    lots = [Lot.objects.create(item=item, code=f"C{depth}-{i}") for i in range(depth + 1)]
    for i in range(depth):
        order = WorkOrder.objects.create(
            number=f"CH{depth}-{i}",
            item=plant["shaft"],
            quantity=1,
            due_date=timezone.localdate(),
            supply_location=warehouse,
            output_location=warehouse,
            lot_code="x",
        )
        LotLink.objects.create(
            work_order=order,
            parent_lot=lots[i],
            component_lot=lots[i + 1],
            quantity=1,
            at=timezone.now() - dt.timedelta(minutes=i),
        )
    return lots


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_trace_query_count_does_not_grow_with_depth(plant, warehouse, direction):
    counts = []
    for depth in (2, 12):
        lots = _chain(depth, plant, warehouse)
        start = lots[0] if direction == "backward" else lots[-1]
        start = Lot.objects.select_related("item").get(pk=start.pk)
        with CaptureQueriesContext(connection) as queries:
            result = genealogy.trace(start, direction)
        assert result.lots == depth + 1
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 3


def test_unknown_direction_is_refused(plant):
    from andon.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        genealogy.trace(Lot.objects.get(code="S1"), "sideways")
