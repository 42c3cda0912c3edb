"""An accepted import creates, updates and replaces what its files say, and nothing more."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from andon.catalog.models import BomLine, Item, Operation
from andon.core.models import AuditEntry
from andon.inventory.models import StockBalance, StockMove
from andon.orders.models import Forecast, PurchaseOrder, SalesOrder
from andon.people.models import Worker
from andon.plant.models import Calendar, Location
from andon.transfer import services
from tests.transfer.conftest import write_files

pytestmark = pytest.mark.django_db


def test_sample_plant_is_loaded_with_references_resolved(imported):
    pump = Item.objects.get(sku="PUMP")
    assert pump.standard_cost == Decimal("310")
    assert pump.description == 'Our pump, "classic"'
    assert Item.objects.get(sku="BAR").uom.code == "kg"
    assert sorted(pump.bom_lines.values_list("component__sku", "position")) == [
        ("HOUSING", 10),
        ("SCREW", 30),
        ("SHAFT", 20),
    ]
    housing_bar = BomLine.objects.get(parent__sku="HOUSING")
    assert (housing_bar.quantity, housing_bar.scrap_percent) == (Decimal("2.5"), Decimal("1.5"))
    assert Operation.objects.get(item__sku="HOUSING", sequence=20).skill.code == "weld"
    assert sorted(Calendar.objects.get(code="2SHIFT").shifts.values_list("code", flat=True)) == [
        "EARLY",
        "LATE",
    ]
    ana = Worker.objects.get(code="W1")
    assert sorted(ana.skill_levels.values_list("skill__code", "level")) == [
        ("assemble", 2),
        ("weld", 3),
    ]
    assert ana.certifications.get().expires_on.isoformat() == "2027-05-31"
    assert Location.objects.get(code="WH-A").parent.code == "WH"
    so1 = SalesOrder.objects.get(number="SO-1")
    assert so1.customer.code == "ACME"
    assert list(so1.lines.order_by("line").values_list("line", "item__sku")) == [
        (1, "PUMP"),
        (2, "SHAFT"),
    ]
    assert PurchaseOrder.objects.get(number="PO-1").lines.get().quantity == 300
    assert Forecast.objects.count() == 2
    assert imported.counts["items"]["created"] == 5


def test_stock_is_posted_as_import_moves_and_balance_equals_moves(imported):
    moves = StockMove.objects.filter(reason="import", kind="adjustment")
    assert moves.count() == 3
    for balance in StockBalance.objects.all():
        total = StockMove.objects.filter(
            item=balance.item, location=balance.location, lot=balance.lot
        ).aggregate(total=Sum("quantity"))["total"]
        assert balance.quantity == total
    lot_balance = StockBalance.objects.get(item__sku="SCREW", location__code="LINE1")
    assert lot_balance.lot.code == "L-7"
    assert lot_balance.quantity == 200


def test_one_audit_entry_per_import_with_counts(imported, planner):
    entry = AuditEntry.objects.get(model="transfer.import")
    assert entry.user == planner
    assert entry.changes["items.created"] == 5
    assert entry.changes["bom.created"] == 5


def test_reimporting_the_same_files_changes_nothing(imported, sample_dir, planner):
    moves = StockMove.objects.count()
    again = services.import_path(planner, sample_dir)
    assert all(
        c["created"] == 0 and c["updated"] == 0 for n, c in again.counts.items() if n not in {"bom"}
    )
    assert StockMove.objects.count() == moves
    assert BomLine.objects.count() == 5


def test_upsert_updates_existing_and_replaces_bom_and_routing(imported, tmp_path, planner):
    folder = write_files(
        tmp_path / "change",
        {
            "items": [
                ["sku", "name", "uom", "procurement"],
                ["PUMP", "Pump, new design", "pcs", "make"],
                ["VALVE", "Valve", "pcs", "buy"],
            ],
            "bom": [
                ["parent_sku", "component_sku", "quantity"],
                ["PUMP", "VALVE", "2"],
                ["PUMP", "SHAFT", "1"],
            ],
            "routings": [
                ["sku", "sequence", "work_center", "run_minutes_per_unit"],
                ["HOUSING", "10", "CNC1", "5"],
            ],
            "stock": [["sku", "location", "quantity"], ["BAR", "WH-A", "100"]],
        },
    )
    result = services.import_path(planner, folder)
    pump = Item.objects.get(sku="PUMP")
    assert pump.name == "Pump, new design"
    assert pump.standard_cost == Decimal("310"), "a column absent from the file is left alone"
    assert sorted(pump.bom_lines.values_list("component__sku", flat=True)) == ["SHAFT", "VALVE"]
    assert BomLine.objects.filter(parent__sku="HOUSING").count() == 1, (
        "other parents keep their BOM"
    )
    assert list(
        Operation.objects.filter(item__sku="HOUSING").values_list("sequence", flat=True)
    ) == [10]
    assert Operation.objects.get(item__sku="HOUSING").run_minutes_per_unit == 5
    assert result.counts["routings"] == {"created": 0, "updated": 1, "unchanged": 0, "deleted": 1}
    assert result.counts["items"]["created"] == 1
    assert result.counts["items"]["updated"] == 1
    bar = StockBalance.objects.get(item__sku="BAR")
    assert bar.quantity == 100
    correction = StockMove.objects.filter(item__sku="BAR").order_by("pk").last()
    assert correction.quantity == Decimal("-20.5")
    assert correction.reason == "import"


def test_order_rows_state_all_lines_of_the_order(imported, tmp_path, planner):
    folder = write_files(
        tmp_path / "orders",
        {
            "sales_orders": [
                ["order_number", "customer", "line", "sku", "quantity", "due_date"],
                ["SO-1", "ACME", "2", "SHAFT", "6", "2026-03-22"],
            ]
        },
    )
    services.import_path(planner, folder)
    lines = SalesOrder.objects.get(number="SO-1").lines.all()
    assert [(li.line, li.quantity) for li in lines] == [(2, Decimal("6"))]
    assert SalesOrder.objects.get(number="SO-1").order_date.isoformat() == "2026-02-01"
