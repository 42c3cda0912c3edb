"""A small plant as import files: 3-level BOM, routings, crew, stock and open orders."""

import csv
import io
from pathlib import Path

import pytest

SAMPLE: dict[str, list[list[str]]] = {
    "units": [
        ["code", "name", "dimension", "ratio_to_base", "whole_numbers"],
        ["pcs", "Pieces", "count", "1", "true"],
        ["kg", "Kilogram", "mass", "1", "false"],
        ["g", "Gram", "mass", "0.001", "false"],
    ],
    "shifts": [
        ["code", "name", "start_time", "end_time", "weekdays", "break_minutes"],
        ["EARLY", "Early", "06:00", "14:00", "12345", "30"],
        ["LATE", "Late", "14:00", "22:00", "12345", ""],
    ],
    "calendars": [["code", "name", "shifts"], ["2SHIFT", "Two shifts", "EARLY;LATE"]],
    "work_centers": [
        ["code", "name", "capacity", "calendar", "line", "cost_rate"],
        ["CNC1", "CNC mill", "2", "2SHIFT", "Machining", "85.50"],
        ["ASM1", "Assembly bench", "", "2SHIFT", "Assembly", ""],
    ],
    "skills": [["code", "name"], ["weld", "Welding"], ["assemble", "Assembly"]],
    "certifications": [["code", "name", "validity_months"], ["FORKLIFT", "Forklift licence", "24"]],
    "items": [
        [
            "sku",
            "name",
            "uom",
            "procurement",
            "lead_time_days",
            "lot_size_rule",
            "lot_size",
            "min_qty",
            "max_qty",
            "multiple",
            "safety_stock",
            "standard_cost",
            "category",
            "description",
            "order_cost",
        ],
        [
            "PUMP",
            "Pump assembly",
            "pcs",
            "make",
            "2",
            "lot_for_lot",
            "",
            "",
            "",
            "",
            "5",
            "310",
            "Pumps",
            'Our pump, "classic"',
            "",
        ],
        [
            "HOUSING",
            "Pump housing",
            "pcs",
            "make",
            "3",
            "fixed",
            "50",
            "",
            "",
            "",
            "",
            "95.25",
            "",
            "",
            "",
        ],
        ["SHAFT", "Shaft", "pcs", "make", "1", "", "", "", "", "", "", "12", "", "", ""],
        [
            "BAR",
            "Steel bar",
            "kg",
            "buy",
            "10",
            "min_max",
            "",
            "100",
            "500",
            "10",
            "50",
            "2.40",
            "Raw",
            "",
            "40",
        ],
        ["SCREW", "Screw M6", "pcs", "buy", "5", "eoq", "", "", "", "", "", "0.05", "", "", "25"],
    ],
    "bom": [
        ["parent_sku", "component_sku", "quantity", "scrap_percent"],
        ["PUMP", "HOUSING", "1", ""],
        ["PUMP", "SHAFT", "1", ""],
        ["PUMP", "SCREW", "4", ""],
        ["HOUSING", "BAR", "2.5", "1.5"],
        ["SHAFT", "BAR", "0.25", "0"],
    ],
    "routings": [
        [
            "sku",
            "sequence",
            "work_center",
            "setup_minutes",
            "run_minutes_per_unit",
            "skill",
            "crew_size",
        ],
        ["PUMP", "10", "ASM1", "15", "12", "assemble", "2"],
        ["HOUSING", "10", "CNC1", "30", "4.5", "", ""],
        ["HOUSING", "20", "ASM1", "0", "1", "weld", "1"],
        ["SHAFT", "10", "CNC1", "20", "0.75", "", "1"],
    ],
    "workers": [
        ["code", "name", "skills", "shift", "certifications"],
        ["W1", "Ana Lima", "weld:3;assemble:2", "EARLY", "FORKLIFT:2025-06-01/2027-05-31"],
        ["W2", "Bo Chen", "assemble:1", "LATE", ""],
    ],
    "customers": [
        ["code", "name", "priority"],
        ["ACME", "Acme Industrial", "2"],
        ["BETA", "Beta GmbH", ""],
    ],
    "suppliers": [["code", "name"], ["STEELCO", "Steel Co"]],
    "supplier_items": [
        ["supplier", "sku", "lead_time_days", "price", "min_order_qty", "preferred"],
        ["STEELCO", "BAR", "7", "2.35", "100", "true"],
    ],
    "locations": [
        ["code", "name", "kind", "parent"],
        ["WH-A", "Aisle A", "zone", "WH"],
        ["WH", "Main warehouse", "warehouse", ""],
        ["LINE1", "Line 1 supermarket", "line_side", ""],
    ],
    "stock": [
        ["sku", "location", "quantity", "lot"],
        ["BAR", "WH-A", "120.5", ""],
        ["SCREW", "WH", "1000", ""],
        ["SCREW", "LINE1", "200", "L-7"],
    ],
    "sales_orders": [
        ["order_number", "customer", "sku", "quantity", "due_date", "order_date"],
        ["SO-1", "ACME", "PUMP", "10", "2026-03-15", "2026-02-01"],
        ["SO-1", "ACME", "SHAFT", "4", "2026-03-20", "2026-02-01"],
        ["SO-2", "BETA", "PUMP", "3", "2026-04-01", "2026-02-03"],
    ],
    "purchase_orders": [
        ["order_number", "supplier", "sku", "quantity", "due_date", "order_date"],
        ["PO-1", "STEELCO", "BAR", "300", "2026-02-20", "2026-02-01"],
    ],
    "forecasts": [
        ["sku", "date", "quantity"],
        ["PUMP", "2026-04-01", "40"],
        ["PUMP", "2026-05-01", "45"],
    ],
}


def csv_text(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_sample(folder: Path, overrides: dict[str, list[list[str]] | None] | None = None) -> Path:
    """Write the sample files; `overrides` replaces (or with None, leaves out) some of them."""
    return write_files(folder, {**SAMPLE, **(overrides or {})})


def write_files(folder: Path, files: dict[str, list[list[str]] | None]) -> Path:
    """Write exactly these files (name without .csv -> rows) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        if rows is not None:
            (folder / f"{name}.csv").write_bytes(csv_text(rows))
    return folder


def wipe() -> None:
    """Empty every table an import writes, children first, for an 'empty database' round trip."""
    from andon.catalog.models import BomLine, Item, Operation, UnitOfMeasure
    from andon.inventory.models import Lot, StockBalance, StockMove
    from andon.orders.models import Forecast, PurchaseOrder, SalesOrder
    from andon.partners.models import Customer, Supplier, SupplierItem
    from andon.people.models import Certification, Skill, Worker
    from andon.plant.models import Calendar, Location, Shift, WorkCenter

    for model in (
        StockMove,
        StockBalance,
        Lot,
        SalesOrder,
        PurchaseOrder,
        Forecast,
        SupplierItem,
        Customer,
        Supplier,
        Worker,
        Operation,
        BomLine,
        Item,
        Certification,
        Skill,
        WorkCenter,
        Calendar,
        Shift,
        UnitOfMeasure,
    ):
        model.objects.all().delete()
    for location in Location.objects.filter(parent__isnull=False):
        location.delete()
    Location.objects.all().delete()


@pytest.fixture
def sample_dir(tmp_path):
    return write_sample(tmp_path / "sample")


@pytest.fixture
def imported(db, sample_dir, planner):
    from andon.transfer import services

    return services.import_path(planner, sample_dir)
