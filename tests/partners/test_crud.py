"""Partners' master data passes the shared API and page cases (see tests/crud.py)."""

import datetime as dt

from andon.partners.models import Customer, Supplier, SupplierItem
from tests.crud import ApiCases, PageCases


class Customers:
    model = Customer

    def make(self, n):
        return Customer.objects.create(code=f"CU{n}", name="Customer")

    def use(self, record):
        from andon.orders.models import SalesOrder

        SalesOrder.objects.create(number="SO-1", customer=record, order_date=dt.date(2025, 1, 1))
        return True


class TestCustomerApi(Customers, ApiCases):
    path = "/customers"
    create_body = {"code": "ACME", "name": "Acme", "priority": 2}
    change = {"priority": 5}
    bad_body = {"code": "ACME", "name": "Acme", "priority": "high"}


class TestCustomerPages(Customers, PageCases):
    url = "partners:customer"

    def form(self, n):
        return {"code": f"F{n}", "name": "Form", "priority": 1, "active": "on"}

    def edited(self, record):
        return {**self.form(0), "code": record.code, "priority": 3}


class Suppliers:
    model = Supplier

    def make(self, n):
        return Supplier.objects.create(code=f"SU{n}", name="Supplier")

    def use(self, record):
        from andon.orders.models import PurchaseOrder

        PurchaseOrder.objects.create(number="PO-1", supplier=record, order_date=dt.date(2025, 1, 1))
        return True


class TestSupplierApi(Suppliers, ApiCases):
    path = "/suppliers"
    create_body = {"code": "BOLTS", "name": "Bolts Ltd"}
    change = {"country": "DE"}
    bad_body = {"name": "No code"}


class TestSupplierPages(Suppliers, PageCases):
    url = "partners:supplier"

    def form(self, n):
        return {"code": f"F{n}", "name": "Form", "active": "on"}

    def edited(self, record):
        return {**self.form(0), "code": record.code, "country": "FR"}


class TestSupplierItemApi(ApiCases):
    model = SupplierItem
    path = "/supplier-items"
    create_body = {"supplier": "SU0", "item": "BOLT", "price": "0.25", "lead_time_days": 7}
    change = {"lead_time_days": 9}
    bad_body = {"supplier": "SU0", "item": "NOPE"}

    def prepare(self):
        from andon.catalog.models import Item, UnitOfMeasure

        self.supplier = Supplier.objects.create(code="SU0", name="Supplier")
        self.unit = UnitOfMeasure.objects.create(code="pcs", name="Pieces", dimension="count")
        Item.objects.create(sku="BOLT", name="Bolt", uom=self.unit, procurement="buy")

    def make(self, n):
        from andon.catalog.models import Item

        item = Item.objects.create(sku=f"I{n}", name="Item", uom=self.unit, procurement="buy")
        return SupplierItem.objects.create(supplier=self.supplier, item=item)

    def address(self, record):
        return f"{self.path}/{record.pk}"
