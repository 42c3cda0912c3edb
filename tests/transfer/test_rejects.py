"""Bad input rejects the whole import: every problem is located (file, row, column), nothing is
written, and the same problems reach the command line, the page and the API."""

import pytest
from django.core.management import CommandError, call_command

from andon.catalog.models import BomLine, Item, UnitOfMeasure
from andon.core.errors import ValidationFailed
from andon.core.models import AuditEntry
from andon.inventory.models import StockMove
from andon.orders.models import SalesOrder, SalesOrderLine
from andon.transfer import services
from tests.transfer.conftest import SAMPLE, csv_text, write_files, write_sample

pytestmark = pytest.mark.django_db


def rejected(folder, user=None):
    """Import `folder`, expect a rejection, check nothing was written; return the problems."""
    with pytest.raises(ValidationFailed) as caught:
        services.import_path(user, folder)
    assert caught.value.code == "import_rejected"
    assert not Item.objects.exists()
    assert not UnitOfMeasure.objects.exists()
    assert not StockMove.objects.exists()
    assert not SalesOrder.objects.exists()
    assert not AuditEntry.objects.filter(model="transfer.import").exists()
    return [(p.file, p.row, p.column, p.message) for p in caught.value.problems]


def test_cyclic_bom_is_rejected_naming_the_loop(tmp_path):
    bom = [*SAMPLE["bom"], ["BAR", "PUMP", "1", ""]]
    problems = rejected(write_sample(tmp_path, {"bom": bom}))
    assert len(problems) == 1
    file, row, column, message = problems[0]
    assert (file, column) == ("bom.csv", "component_sku")
    assert row in {2, 5, 6}
    assert "cycle" in message
    assert all(sku in message for sku in ("PUMP", "BAR"))


def test_cycle_through_lines_already_in_the_database(imported, tmp_path, planner):
    folder = write_files(
        tmp_path / "c", {"bom": [["parent_sku", "component_sku", "quantity"], ["BAR", "PUMP", "1"]]}
    )
    with pytest.raises(ValidationFailed) as caught:
        services.import_path(planner, folder)
    assert (
        "BAR -> PUMP" in caught.value.problems[0].message
        or "PUMP -> " in caught.value.problems[0].message
    )
    assert not BomLine.objects.filter(parent__sku="BAR").exists()


def test_a_unit_items_use_keeps_its_dimension(imported, tmp_path, planner):
    units = [["code", "name", "dimension"], ["pcs", "Pieces", "mass"]]
    with pytest.raises(ValidationFailed) as caught:
        services.import_path(planner, write_files(tmp_path / "u", {"units": units}))
    assert [(p.file, p.row, p.column, p.message) for p in caught.value.problems] == [
        ("units.csv", 2, "dimension", "unit pcs is used by items; its dimension cannot change")
    ]
    assert UnitOfMeasure.objects.get(code="pcs").dimension == "count"


def test_unknown_sku_is_named(tmp_path):
    bom = [*SAMPLE["bom"], ["PUMP", "GHOST-1", "1", ""]]
    assert rejected(write_sample(tmp_path, {"bom": bom})) == [
        ("bom.csv", 7, "component_sku", "unknown SKU 'GHOST-1'")
    ]


def test_unknown_unit_when_units_file_is_absent(tmp_path):
    items = [SAMPLE["items"][0], SAMPLE["items"][1]]
    folder = write_files(tmp_path, {"items": items})
    assert rejected(folder) == [("items.csv", 2, "uom", "unknown unit 'pcs'")]


def test_negative_and_non_numeric_quantities(tmp_path):
    bom = [*SAMPLE["bom"]]
    bom[1] = ["PUMP", "HOUSING", "-1", ""]
    bom[2] = ["PUMP", "SHAFT", "two", ""]
    stock = [*SAMPLE["stock"]]
    stock[1] = ["BAR", "WH-A", "-5", ""]
    problems = rejected(write_sample(tmp_path, {"bom": bom, "stock": stock}))
    by_place = {(f, r, c): m for f, r, c, m in problems}
    assert "greater than or equal to 0.0001" in by_place[("bom.csv", 2, "quantity")]
    assert by_place[("bom.csv", 3, "quantity")].startswith("'two' is not a number")
    assert by_place[("stock.csv", 2, "quantity")] == "the quantity must not be negative"


def test_duplicate_sku_in_file(tmp_path):
    items = [*SAMPLE["items"], SAMPLE["items"][2]]
    assert rejected(write_sample(tmp_path, {"items": items})) == [
        ("items.csv", 7, "sku", "duplicate HOUSING (also on row 3)")
    ]


def test_date_in_the_wrong_format(tmp_path):
    orders = [*SAMPLE["sales_orders"]]
    orders[2] = ["SO-1", "ACME", "SHAFT", "4", "20/03/2026", "2026-02-01"]
    assert rejected(write_sample(tmp_path, {"sales_orders": orders})) == [
        ("sales_orders.csv", 3, "due_date", "'20/03/2026' is not a date in the form YYYY-MM-DD")
    ]


def test_missing_required_column(tmp_path):
    items = [row[:1] + row[2:] for row in SAMPLE["items"]]  # no name column
    problems = rejected(write_sample(tmp_path, {"items": items}))
    assert ("items.csv", 1, "name", "missing required column") in problems


def test_non_utf8_file(tmp_path):
    folder = write_sample(tmp_path)
    (folder / "customers.csv").write_bytes("code,name\nACME,Société Générale\n".encode("latin-1"))
    problems = rejected(folder)
    file, row, _column, message = problems[0]
    assert (file, row) == ("customers.csv", 2)
    assert "not UTF-8" in message
    # The orders that name those customers cannot resolve them either, and say so.
    assert {p[0] for p in problems[1:]} == {"sales_orders.csv"}


def test_unknown_file_name_is_rejected(tmp_path):
    folder = write_sample(tmp_path)
    (folder / "item.csv").write_bytes(csv_text(SAMPLE["items"]))
    problems = rejected(folder)
    assert len(problems) == 1
    assert problems[0][0] == "item.csv"
    assert problems[0][3].startswith("unknown file 'item.csv'; expected one of units.csv")


def test_empty_file(tmp_path):
    folder = write_sample(tmp_path)
    (folder / "forecasts.csv").write_bytes(b"")
    assert rejected(folder) == [
        ("forecasts.csv", None, "", "the file is empty: it needs at least a header row")
    ]


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    items = [*SAMPLE["items"]]
    items[1] = ["PUMP", "Pump", "box", "make", "x", *items[1][5:]]
    items[2] = ["HOUSING", "Housing", "pcs", "maybe", *items[2][4:]]
    problems = rejected(write_sample(tmp_path, {"items": items}))
    places = {(f, r, c) for f, r, c, _ in problems}
    assert {
        ("items.csv", 2, "uom"),
        ("items.csv", 2, "lead_time_days"),
        ("items.csv", 3, "procurement"),
    } <= places


def test_model_rules_apply(tmp_path):
    items = [*SAMPLE["items"]]
    items[3] = ["SHAFT", "Shaft", "pcs", "make", "1", "fixed", "", *items[3][7:]]
    assert rejected(write_sample(tmp_path, {"items": items})) == [
        ("items.csv", 4, "lot_size", "The Fixed quantity rule needs a lot size.")
    ]


def test_cli_prints_one_line_per_problem_and_fails(tmp_path, capsys):
    bom = [*SAMPLE["bom"], ["PUMP", "GHOST-1", "1", ""], ["PUMP", "GHOST-2", "1", ""]]
    folder = write_sample(tmp_path, {"bom": bom})
    with pytest.raises(CommandError, match="rejected with 2 problems"):
        call_command("import", str(folder), "--no-progress")
    err = capsys.readouterr().err.splitlines()
    assert "bom.csv, row 7, column component_sku: unknown SKU 'GHOST-1'" in err
    assert "bom.csv, row 8, column component_sku: unknown SKU 'GHOST-2'" in err
    assert not Item.objects.exists()


def test_cli_import_and_export(tmp_path, capsys):
    call_command("import", str(write_sample(tmp_path / "in")), "--no-progress")
    out = capsys.readouterr().out
    assert "items: 5 created, 0 updated" in out
    call_command("export", str(tmp_path / "out.xlsx"), "--no-progress")
    assert (tmp_path / "out.xlsx").stat().st_size > 0
    assert Item.objects.count() == 5


def test_order_lines_and_forecasts_keep_the_orders_rules(tmp_path):
    orders = [*SAMPLE["sales_orders"]]
    orders[1] = ["SO-1", "ACME", "PUMP", "2.5", "2026-03-15", "2026-02-01"]
    orders[3] = ["SO-2", "BETA", "PUMP", "0", "2026-04-01", "2026-02-03"]
    forecasts = [*SAMPLE["forecasts"], ["PUMP", "2026-06-01", "0"]]
    assert rejected(write_sample(tmp_path, {"sales_orders": orders, "forecasts": forecasts})) == [
        ("sales_orders.csv", 2, "quantity", "PUMP is counted in whole pcs; 2.5 is not whole."),
        ("sales_orders.csv", 4, "quantity", "Quantity must be greater than zero."),
        ("forecasts.csv", 4, "quantity", "Quantity must be greater than zero."),
    ]


def test_a_shipped_line_stays_on_its_order(imported, tmp_path, planner):
    line = SalesOrder.objects.get(number="SO-1").lines.get(line=1)
    SalesOrderLine.objects.filter(pk=line.pk).update(shipped_quantity=3)
    orders = [
        ["order_number", "customer", "line", "sku", "quantity", "due_date"],
        ["SO-1", "ACME", "2", "SHAFT", "4", "2026-03-20"],
    ]
    with pytest.raises(ValidationFailed) as caught:
        services.import_path(planner, write_files(tmp_path / "o", {"sales_orders": orders}))
    assert [(p.file, p.row, p.column, p.message) for p in caught.value.problems] == [
        ("sales_orders.csv", 2, "line", "line 1 of SO-1 has been shipped and cannot be removed")
    ]
    assert SalesOrder.objects.get(number="SO-1").lines.count() == 2
