"""Partner services: customers, suppliers, and exactly one preferred source per item."""

from decimal import Decimal

import pytest

from andon.core.errors import Conflict, ValidationFailed
from andon.partners import services
from andon.partners.models import Supplier, SupplierItem


@pytest.fixture
def bolt(make_item):
    return make_item("BOLT-M8")


@pytest.fixture
def other_supplier(db):
    return Supplier.objects.create(code="FASTCO", name="Fast Co")


def test_marking_one_preferred_unmarks_the_others(planner, supplier, other_supplier, bolt):
    first = services.create_supplier_item(
        planner,
        {"supplier": "STEELCO", "item": "BOLT-M8", "preferred": True, "price": Decimal("1.5")},
    )
    second = services.create_supplier_item(
        planner, {"supplier": other_supplier, "item": bolt, "preferred": True}
    )
    first.refresh_from_db()
    assert not first.preferred
    assert second.preferred
    services.update_supplier_item(planner, first, {"preferred": True})
    second.refresh_from_db()
    assert not second.preferred
    assert SupplierItem.objects.filter(item=bolt, preferred=True).count() == 1


def test_same_supplier_twice_for_an_item_is_refused(planner, supplier, bolt):
    services.create_supplier_item(planner, {"supplier": supplier, "item": bolt})
    with pytest.raises(ValidationFailed):
        services.create_supplier_item(planner, {"supplier": supplier, "item": bolt})


def test_unknown_item_and_negative_price_are_refused(planner, supplier, bolt):
    with pytest.raises(ValidationFailed) as exc:
        services.create_supplier_item(planner, {"supplier": supplier, "item": "NOPE"})
    assert exc.value.code == "unknown_item"
    with pytest.raises(ValidationFailed) as exc:
        services.create_supplier_item(
            planner, {"supplier": supplier, "item": bolt, "price": Decimal("-1")}
        )
    assert exc.value.problems[0].column == "price"


def test_failed_preferred_change_keeps_the_old_preferred(planner, supplier, other_supplier, bolt):
    first = services.create_supplier_item(
        planner, {"supplier": supplier, "item": bolt, "preferred": True}
    )
    with pytest.raises(ValidationFailed):
        services.create_supplier_item(
            planner, {"supplier": other_supplier, "item": bolt, "preferred": True, "price": -1}
        )
    first.refresh_from_db()
    assert first.preferred


def test_customer_rules(planner, customer):
    with pytest.raises(ValidationFailed):
        services.create_customer(planner, {"code": "ACME", "name": "Dup"})
    with pytest.raises(ValidationFailed) as exc:
        services.update_customer(planner, customer, {"email": "not-an-email", "priority": 0})
    assert {p.column for p in exc.value.problems} == {"email", "priority"}


def test_customer_with_orders_cannot_be_deleted(planner, customer):
    import datetime as dt

    from andon.orders.models import SalesOrder

    SalesOrder.objects.create(number="SO-1", customer=customer, order_date=dt.date(2025, 1, 1))
    with pytest.raises(Conflict, match="SO-1"):
        services.delete_customer(planner, customer)


def test_supplier_delete_takes_its_items(planner, supplier, bolt):
    services.create_supplier_item(planner, {"supplier": supplier, "item": bolt})
    services.delete_supplier(planner, supplier)
    assert not SupplierItem.objects.exists()
