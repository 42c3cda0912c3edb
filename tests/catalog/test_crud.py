"""The catalog's master data passes the shared API and page cases (see tests/crud.py)."""

from decimal import Decimal

from andon.catalog.models import BomLine, Item, Operation, UnitOfMeasure
from andon.plant.models import Calendar, WorkCenter
from tests.crud import ApiCases, PageCases

ITEM_FORM = {
    "procurement": "buy", "lead_time_days": 5, "lot_size_rule": "lot_for_lot", "min_qty": 0,
    "multiple": 0, "safety_stock": 0, "order_cost": 0, "holding_rate_percent": 20,
    "standard_cost": 3, "active": "on",
}  # fmt: skip


class Units:
    model = UnitOfMeasure

    def make(self, n):
        return UnitOfMeasure.objects.create(code=f"u{n}", name="Unit", dimension="mass")

    def use(self, record):
        Item.objects.create(sku="USES", name="Uses", uom=record, procurement="buy")
        return True


class TestUnitApi(Units, ApiCases):
    path = "/units"
    create_body = {"code": "g", "name": "Gram", "dimension": "mass", "ratio_to_base": "0.001"}
    change = {"name": "Gramme"}
    bad_body = {"code": "g", "name": "Gram", "dimension": "smell"}


class TestUnitPages(Units, PageCases):
    url = "catalog:uom"
    has_detail = False

    def form(self, n):
        return {"code": f"f{n}", "name": "Form", "dimension": "mass", "ratio_to_base": "1"}

    def edited(self, record):
        return {**self.form(0), "code": record.code, "name": "Renamed"}


class Items:
    model = Item

    def prepare(self):
        self.unit = UnitOfMeasure.objects.create(code="pcs", name="Pieces", dimension="count")

    def make(self, n):
        return Item.objects.create(sku=f"I{n}", name="Item", uom=self.unit, procurement="buy")

    def use(self, record):
        parent = Item.objects.create(sku="PARENT", name="P", uom=self.unit, procurement="make")
        BomLine.objects.create(parent=parent, component=record, quantity=Decimal("1"), position=10)
        return True


class TestItemApi(Items, ApiCases):
    path = "/items"
    create_body = {"sku": "GEAR", "name": "Gear", "uom": "pcs", "procurement": "buy"}
    change = {"lead_time_days": 12}
    bad_body = {"sku": "GEAR", "name": "Gear", "uom": "NOPE", "procurement": "buy"}

    def address(self, record):
        return f"{self.path}/{record.sku}"


class TestItemPages(Items, PageCases):
    url = "catalog:item"

    def form(self, n):
        return {**ITEM_FORM, "sku": f"F{n}", "name": "Form", "uom": self.unit.pk}

    def edited(self, record):
        return {**self.form(0), "sku": record.sku, "lead_time_days": 21}


class TestOperationApi(ApiCases):
    model = Operation
    path = "/operations"
    create_body = {"item": "GEAR", "sequence": 10, "work_center": "WC", "run_minutes_per_unit": 2}
    change = {"setup_minutes": 15}
    bad_body = {"item": "GEAR", "sequence": 10, "work_center": "NOPE", "run_minutes_per_unit": 2}

    def prepare(self):
        unit = UnitOfMeasure.objects.create(code="pcs", name="Pieces", dimension="count")
        self.item = Item.objects.create(sku="GEAR", name="Gear", uom=unit, procurement="make")
        calendar = Calendar.objects.create(code="CAL", name="Cal")
        self.center = WorkCenter.objects.create(code="WC", name="WC", calendar=calendar)

    def make(self, n):
        return Operation.objects.create(
            item=self.item, sequence=n, work_center=self.center, run_minutes_per_unit=1
        )

    def address(self, record):
        return f"{self.path}/{record.pk}"
