"""The page and the API: upload to import, download to export, each behind its capability."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from andon.catalog.models import Item
from andon.transfer import services
from tests.transfer.conftest import SAMPLE, csv_text

pytestmark = pytest.mark.django_db


def _csv_uploads(overrides=None):
    files = {**SAMPLE, **(overrides or {})}
    return [SimpleUploadedFile(f"{n}.csv", csv_text(rows), "text/csv") for n, rows in files.items()]


def _zip_upload(overrides=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in {**SAMPLE, **(overrides or {})}.items():
            archive.writestr(f"plant/{name}.csv", csv_text(rows))
    return SimpleUploadedFile("plant.zip", buffer.getvalue(), "application/zip")


def test_page_imports_a_zip_and_says_what_it_did(planner_client):
    response = planner_client.post(
        reverse("transfer:import"), {"files": [_zip_upload()]}, follow=True
    )
    assert response.status_code == 200
    assert "Import done: units: 3 new" in response.content.decode()
    assert Item.objects.count() == 5


def test_page_imports_several_csv_files(planner_client):
    response = planner_client.post(reverse("transfer:import"), {"files": _csv_uploads()})
    assert response.status_code == 302
    assert Item.objects.count() == 5


def test_page_lists_problems_in_a_table_and_writes_nothing(planner_client):
    bom = [*SAMPLE["bom"], ["PUMP", "GHOST-1", "1", ""]]
    response = planner_client.post(
        reverse("transfer:import"), {"files": [_zip_upload({"bom": bom})]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "problems-table" in html
    assert (
        '<td>bom.csv</td><td class="num">7</td><td>component_sku</td><td>unknown SKU &#x27;GHOST-1&#x27;</td>'
        in html
    )
    assert not Item.objects.exists()


def test_viewer_sees_export_but_cannot_import(viewer_client):
    page = viewer_client.get(reverse("transfer:index"))
    assert page.status_code == 200
    assert "Download .xlsx" in page.content.decode()
    assert 'action="/transfer/import"' not in page.content.decode()
    response = viewer_client.post(reverse("transfer:import"), {"files": [_zip_upload()]})
    assert response.status_code == 403
    assert not Item.objects.exists()


def test_page_downloads_zip_that_imports_again(planner_client, planner):
    planner_client.post(reverse("transfer:import"), {"files": _csv_uploads()})
    response = planner_client.get(reverse("transfer:export"), {"format": "zip"})
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "items.csv" in names
    assert "bom.csv" in names
    xlsx = planner_client.get(reverse("transfer:export"), {"format": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')


def test_api_import_returns_counts(planner_client):
    response = planner_client.post("/api/v1/imports", {"files": [_zip_upload()]})
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["items"] == {
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
    }


def test_api_import_rejected_with_problems(planner_client):
    items = [*SAMPLE["items"], SAMPLE["items"][1]]
    response = planner_client.post("/api/v1/imports", {"files": _csv_uploads({"items": items})})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_rejected"
    assert body["problems"] == [
        {
            "file": "items.csv",
            "row": 7,
            "column": "sku",
            "message": "duplicate PUMP (also on row 2)",
        }
    ]
    assert not Item.objects.exists()


def test_api_import_needs_the_capability(viewer_client):
    response = viewer_client.post("/api/v1/imports", {"files": [_zip_upload()]})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_api_export_xlsx_reimports_identically(planner_client, planner, tmp_path):
    planner_client.post("/api/v1/imports", {"files": [_zip_upload()]})
    response = planner_client.get("/api/v1/exports", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    result = services.import_uploads(planner, [("plant.xlsx", response.content)])
    assert all(
        c["created"] == 0 and c["updated"] == 0 for n, c in result.counts.items() if n != "bom"
    )


def test_api_export_refuses_unknown_format(viewer_client):
    response = viewer_client.get("/api/v1/exports", {"format": "pdf"})
    assert response.status_code == 422
