"""Work order lifecycle: what creation copies, and the rules of each transition."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from andon.core.errors import Conflict, ValidationFailed
from andon.core.models import AuditEntry
from andon.production import materials, services
from andon.production.models import WorkOrder
from tests.production.conftest import at

pytestmark = pytest.mark.django_db


def test_creation_copies_routing_and_one_level_of_the_bill(new_order):
    order = new_order("PUMP", 3)
    assert order.number == "WO-00001"
    assert order.status == "planned"
    assert order.lot_code == "WO-00001"
    ops = list(
        order.operations.values_list("sequence", "work_center__code", "run_minutes_per_unit")
    )
    assert ops == [(10, "CNC1", Decimal("2")), (20, "ASM1", Decimal("10"))]
    needs = {m.component.sku: m.required_quantity for m in order.materials.all()}
    assert needs == {"SHAFT": 6, "HOUSING": 3, "BOLT": 12}  # one level: no STEEL
    assert AuditEntry.objects.filter(model="production.workorder").count() == 1


def test_scrap_allowance_rounds_up_to_whole_units(new_order, plant):
    from andon.catalog.models import BomLine

    BomLine.objects.filter(component=plant["bolt"]).update(scrap_percent=Decimal("10"))
    order = new_order("PUMP", 3)
    assert order.materials.get(component=plant["bolt"]).required_quantity == 14  # 13.33 -> 14


@pytest.mark.parametrize(
    ("sku", "quantity", "code"),
    [
        ("STEEL", 1, "not_made"),
        ("SHAFT", 0, "invalid_quantity"),
        ("SHAFT", "1.5", "invalid_quantity"),
        ("SHAFT", -2, "invalid_quantity"),
    ],
)
def test_bad_creation_is_refused_and_writes_nothing(new_order, sku, quantity, code):
    with pytest.raises(ValidationFailed) as exc:
        new_order(sku, quantity)
    assert exc.value.code == code
    assert WorkOrder.objects.count() == 0


def test_release_needs_a_routing(new_order, plant, supervisor):
    plant["shaft"].operations.all().delete()
    order = new_order("SHAFT", 2)
    with pytest.raises(ValidationFailed) as exc:
        services.release(supervisor, order)
    assert exc.value.code == "no_routing"
    order.refresh_from_db()
    assert order.status == "planned"


def test_release_says_what_is_short_and_reserves(new_order, supervisor):
    big = new_order("SHAFT", 20)  # 30 kg of steel, 20 on hand
    with pytest.raises(ValidationFailed) as exc:
        services.release(supervisor, big)
    assert exc.value.code == "material_short"
    assert "STEEL" in exc.value.detail
    assert "short 10" in exc.value.detail
    small = services.release(supervisor, new_order("SHAFT", 10))  # reserves 15 kg
    assert small.materials.get().reserved_quantity == 15
    other = new_order("SHAFT", 4)  # needs 6 kg, only 5 left unreserved
    with pytest.raises(ValidationFailed) as exc:
        services.release(supervisor, other)
    assert "5 available" in exc.value.detail
    forced = services.release(supervisor, other, allow_shortage=True)
    assert forced.status == "released"


def test_complete_needs_good_output_then_close(released, supervisor, report):
    order = released("SHAFT", 4)
    with pytest.raises(ValidationFailed) as exc:
        services.complete(supervisor, order)
    assert exc.value.code == "nothing_reported"
    assert report("report", order, 10, at(10), quantity=4).status == "accepted"
    order = services.complete(supervisor, order)
    assert order.status == "completed"
    assert order.materials.get().reserved_quantity == 0
    with pytest.raises(Conflict):
        services.cancel(supervisor, order)
    assert services.close(supervisor, order).status == "closed"
    refused = report("report", order, 10, at(20), quantity=1)
    assert refused.status == "rejected"
    assert refused.code == "order_not_open"


def test_cancel_refused_while_material_is_issued_until_it_is_returned(released, supervisor, plant):
    from andon.inventory.models import Lot

    order = released("SHAFT", 4)
    s1 = Lot.objects.get(code="S1")
    materials.issue_material(supervisor, order, order.materials.get(), quantity=6, lot=s1)
    with pytest.raises(Conflict) as exc:
        services.cancel(supervisor, order)
    assert exc.value.code == "material_issued"
    materials.return_material(supervisor, order, order.materials.get(), quantity=6, lot=s1)
    assert services.cancel(supervisor, order, reason="customer withdrew").status == "cancelled"
    from andon.inventory.services import on_hand

    assert on_hand(plant["steel"], lot=s1) == 10


def test_transitions_the_state_forbids(new_order, supervisor):
    order = new_order("SHAFT", 4)
    for action in (services.complete, services.close, services.unrelease):
        with pytest.raises(Conflict) as exc:
            action(supervisor, order)
        assert exc.value.code == "invalid_transition"


def test_split_and_merge(released, new_order, supervisor):
    order = released("SHAFT", 10)
    part = services.split(supervisor, order, 4, due_date=timezone.localdate() + dt.timedelta(3))
    order.refresh_from_db()
    assert (order.quantity, part.quantity, part.status) == (6, 4, "released")
    assert order.materials.get().required_quantity == 9
    assert part.materials.get().reserved_quantity == 6
    with pytest.raises(ValidationFailed):
        services.split(supervisor, order, 6)
    merged = services.merge(supervisor, [order, part])
    part.refresh_from_db()
    assert merged.quantity == 10
    assert part.status == "cancelled"
    assert merged.due_date == timezone.localdate() + dt.timedelta(3)
    assert merged.materials.get().required_quantity == 15
    with pytest.raises(ValidationFailed) as exc:
        services.merge(supervisor, [merged, new_order("PUMP", 1)])
    assert exc.value.code in {"different_items", "invalid"}


def test_make_to_order_from_a_sales_line(plant, customer, warehouse, supervisor):
    from andon.orders.models import SalesOrder, SalesOrderLine

    so = SalesOrder.objects.create(
        number="SO-1", customer=customer, order_date=timezone.localdate()
    )
    line = SalesOrderLine.objects.create(
        order=so, line=1, item=plant["pump"], quantity=5, due_date=timezone.localdate()
    )
    order = services.create_from_sales_line(
        supervisor, line, supply_location=warehouse, output_location=warehouse
    )
    assert (order.source, order.quantity, order.due_date) == ("sales_order", 5, line.due_date)
