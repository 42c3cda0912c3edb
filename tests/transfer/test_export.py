"""Export writes the files an import reads: export -> import into an empty database -> export
gives identical bytes, for folders of CSV and for workbooks."""

import pytest

from andon.catalog.models import Item
from andon.transfer import services
from tests.transfer.conftest import wipe

pytestmark = pytest.mark.django_db


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_csv_round_trip_is_byte_for_byte(imported, tmp_path, planner):
    first = tmp_path / "first"
    services.export_path(first)
    wipe()
    assert not Item.objects.exists()
    services.import_path(planner, first)
    second = tmp_path / "second"
    services.export_path(second)
    assert _files(first) == _files(second)


def test_export_formats_values_once_and_plainly(imported, tmp_path):
    folder = tmp_path / "out"
    services.export_path(folder)
    items = (folder / "items.csv").read_text(encoding="utf-8").splitlines()
    assert items[0].startswith("sku,name,uom,procurement,lead_time_days,lot_size_rule,lot_size,")
    bar = next(line for line in items if line.startswith("BAR,"))
    assert ",2.4," in bar
    assert "2.4000" not in bar
    bom = (folder / "bom.csv").read_text(encoding="utf-8")
    assert "SHAFT,BAR,0.25,0,10,,," in bom
    assert "2026-03-15" in (folder / "sales_orders.csv").read_text(encoding="utf-8")
    assert (
        (folder / "workers.csv")
        .read_text(encoding="utf-8")
        .splitlines()[1]
        .startswith("W1,Ana Lima,EARLY,assemble:2;weld:3,FORKLIFT:2025-06-01/2027-05-31")
    )
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{n}.csv"
        for n in [
            "units",
            "shifts",
            "calendars",
            "work_centers",
            "skills",
            "certifications",
            "items",
            "bom",
            "routings",
            "workers",
            "customers",
            "suppliers",
            "supplier_items",
            "locations",
            "stock",
            "sales_orders",
            "purchase_orders",
            "forecasts",
        ]
    )


def test_xlsx_round_trip_gives_the_same_csv(imported, tmp_path, planner):
    services.export_path(tmp_path / "before")
    book = tmp_path / "plant.xlsx"
    services.export_path(book)
    wipe()
    services.import_path(planner, book)
    services.export_path(tmp_path / "after")
    assert _files(tmp_path / "before") == _files(tmp_path / "after")


def test_export_of_an_empty_database_is_headers_only(db, tmp_path):
    services.export_path(tmp_path / "empty")
    assert (tmp_path / "empty" / "bom.csv").read_bytes() == (
        b"parent_sku,component_sku,quantity,scrap_percent,position,valid_from,valid_to,"
        b"operation_sequence\n"
    )
