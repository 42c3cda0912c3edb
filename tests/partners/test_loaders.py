"""The partners' bulk loader refuses what their services refuse, naming the row, and writes
nothing."""

from andon.partners import loaders
from andon.partners.models import Customer, Supplier, SupplierItem
from tests import loads


def test_a_customer_code_in_use_is_refused(customer):
    batch = loads.batch(
        [Customer(code="NEW", name="New"), Customer(code="ACME", name="Acme again")]
    )
    assert loads.refused(loaders.customers(batch)) == [(3, "code", "ACME exists already")]
    assert list(Customer.objects.values_list("code", flat=True)) == ["ACME"]


def test_changed_suppliers_are_updated_in_bulk(supplier):
    supplier.name = "Steel Company"
    loaders.suppliers(loads.batch(updates=[supplier], fields=["name"])).write()
    assert Supplier.objects.get(code="STEELCO").name == "Steel Company"


def test_a_supplier_selling_an_item_twice_is_refused(supplier, make_item):
    bar = make_item("BAR")
    SupplierItem.objects.create(supplier=supplier, item=bar)
    shaft = make_item("SHAFT")
    batch = loads.batch(
        [
            SupplierItem(supplier=supplier, item=shaft),
            SupplierItem(supplier=supplier, item=shaft),
            SupplierItem(supplier=supplier, item=bar),
        ]
    )
    assert loads.refused(loaders.supplier_items(batch)) == [
        (3, "item", "duplicate STEELCO / SHAFT (also on row 2)"),
        (4, "item", "STEELCO already sells BAR"),
    ]
    assert SupplierItem.objects.count() == 1
