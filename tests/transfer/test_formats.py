"""Reading what people really send: typed workbook cells, odd headers, self-referencing rows;
and the format documentation stays in step with the files the code reads."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from andon.catalog.models import Item
from andon.core.errors import ValidationFailed
from andon.orders.models import SalesOrderLine
from andon.transfer import services
from andon.transfer.formats import format_value
from andon.transfer.specs import SPECS
from tests.transfer.conftest import SAMPLE, write_files

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "import-format.md"


def test_workbook_with_numbers_and_dates_typed_by_excel(tmp_path, planner):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in ("units", "customers", "items"):
        sheet = book.create_sheet(name)
        for row in SAMPLE[name]:
            sheet.append(row)
    items = book["items"]
    items["L2"].value = 310.0  # standard_cost typed as a float
    items["E2"].value = 2  # lead_time_days typed as an int
    orders = book.create_sheet("sales_orders")
    orders.append(["order_number", "customer", "sku", "quantity", "due_date"])
    # BAR is counted in kg: a fraction fits its unit (a pump's would not).
    orders.append(["SO-9", "ACME", "BAR", 2.5, dt.datetime(2026, 3, 15)])
    path = tmp_path / "typed.xlsx"
    book.save(path)
    services.import_path(planner, path)
    assert Item.objects.get(sku="PUMP").standard_cost == Decimal("310")
    line = SalesOrderLine.objects.get(order__number="SO-9")
    assert (line.quantity, line.due_date) == (Decimal("2.5"), dt.date(2026, 3, 15))


def test_unknown_column_is_rejected(tmp_path, planner):
    rows = [["code", "name", "priorty"], ["ACME", "Acme", "1"]]
    with pytest.raises(ValidationFailed) as caught:
        services.import_path(planner, write_files(tmp_path, {"customers": rows}))
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("customers.csv", 1, "priorty")


def test_location_loop_within_the_file_is_rejected(tmp_path, planner):
    rows = [["code", "name", "parent"], ["A", "A", "B"], ["B", "B", "A"]]
    with pytest.raises(ValidationFailed) as caught:
        services.import_path(planner, write_files(tmp_path, {"locations": rows}))
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (3, "parent", "a location cannot be inside itself")
    ]


def test_headers_are_case_insensitive_and_blank_rows_skipped(tmp_path, planner):
    rows = [["Code", " Name "], [], ["ACME", "Acme"], ["", ""]]
    result = services.import_path(planner, write_files(tmp_path, {"customers": rows}))
    assert result.counts["customers"]["created"] == 1


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("2.0000"), "2"),
        (Decimal("0.2500"), "0.25"),
        (Decimal("100.0000"), "100"),
        (Decimal("-0.0000"), "0"),
        (Decimal("1E+3"), "1000"),
        (dt.date(2026, 1, 5), "2026-01-05"),
        (dt.time(6, 0), "06:00"),
        (True, "true"),
        (None, ""),
    ],
)
def test_values_have_one_stable_text_form(value, text):
    assert format_value(value) == text


def test_documentation_lists_every_file_and_column():
    doc = DOC.read_text(encoding="utf-8")
    for spec in SPECS:
        section = doc.split(f"### `{spec.filename}`", 1)
        assert len(section) == 2, f"{spec.filename} is not documented"
        body = section[1].split("### ", 1)[0]
        for column in spec.columns:
            assert f"| `{column.name}` |" in body, f"{spec.filename}: {column.name} undocumented"
