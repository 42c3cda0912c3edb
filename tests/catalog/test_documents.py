"""Drawings and instructions on routing operations: attached by planners, opened by anyone logged
in (the operator's terminal lists them), and only files that really are what they claim."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from andon.catalog import documents
from andon.catalog.models import Operation, OperationDocument
from andon.core.errors import ValidationFailed

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def operation(make_item, work_center):
    shaft = make_item("SHAFT", procurement="make")
    return Operation.objects.create(
        item=shaft, sequence=10, work_center=work_center, run_minutes_per_unit=5, name="Turn"
    )


@pytest.fixture
def planner_client(planner):
    client = Client()
    client.force_login(planner)
    return client


def stored_files(media) -> list:
    return sorted(p.name for p in media.rglob("*") if p.is_file())


def test_planner_attaches_a_drawing_and_anyone_logged_in_opens_it(
    planner_client, operation, viewer, media
):
    page = reverse("catalog:operation-documents", args=[operation.pk])
    response = planner_client.post(
        page,
        {"file": SimpleUploadedFile("shaft-rev-C.pdf", PDF), "title": "", "kind": "drawing"},
    )
    assert response.status_code == 302
    document = OperationDocument.objects.get()
    assert (document.title, document.content_type, document.size) == (
        "shaft-rev-C",
        "application/pdf",
        len(PDF),
    )
    assert "shaft-rev-C" not in document.file.name  # stored under a random name
    reader = Client()
    reader.force_login(viewer)
    opened = reader.get(reverse("catalog:document-file", args=[document.pk]))
    assert opened.status_code == 200
    assert opened["Content-Type"] == "application/pdf"
    assert opened["X-Content-Type-Options"] == "nosniff"
    assert b"".join(opened.streaming_content) == PDF
    assert Client().get(reverse("catalog:document-file", args=[document.pk])).status_code == 302
    assert reader.post(page, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 403


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("notes.txt", b"hello", "Attach a PDF, PNG, JPEG or WebP"),
        ("evil.pdf", b"<html><script>alert(1)</script>", "not really a PDF"),
        ("photo.png", PDF, "not really a PNG"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(operation, media, name, content, problem):
    with pytest.raises(ValidationFailed, match=problem):
        documents.attach(None, operation, SimpleUploadedFile(name, content))
    assert not OperationDocument.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_limit_is_refused(operation, media, settings):
    settings.ANDON_MAX_DOCUMENT_MB = 1
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (1024 * 1024))
    with pytest.raises(ValidationFailed, match="larger than 1 MB"):
        documents.attach(None, operation, big)
    assert stored_files(media) == []


def test_removing_a_document_deletes_its_file_once_committed(
    planner_client, operation, media, django_capture_on_commit_callbacks
):
    document = documents.attach(None, operation, SimpleUploadedFile("a.png", PNG), kind="photo")
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(reverse("catalog:document-remove", args=[document.pk]))
    assert response.status_code == 302
    assert not OperationDocument.objects.exists()
    assert stored_files(media) == []


def test_documents_over_the_api(planner_client, operation):
    url = f"/api/v1/operations/{operation.pk}/documents"
    created = planner_client.post(
        url, {"file": io.BytesIO(PDF), "title": "Work instruction 7", "kind": "instruction"}
    )
    assert created.status_code == 400  # a file needs its name to say its type
    upload = SimpleUploadedFile("wi-7.pdf", PDF)
    created = planner_client.post(url, {"file": upload, "kind": "instruction"})
    assert created.status_code == 201, created.content
    listed = planner_client.get(url).json()
    assert [(d["title"], d["kind"]) for d in listed] == [("wi-7", "instruction")]
    bad = planner_client.post(url, {"file": SimpleUploadedFile("x.pdf", b"GIF89a")})
    assert bad.status_code == 400
    assert bad.json()["code"] == "bad_document"
    gone = planner_client.delete(f"/api/v1/documents/{listed[0]['id']}")
    assert gone.status_code == 204
    assert planner_client.get(url).json() == []


@pytest.fixture
def supervisor_terminal(user_with_role, warehouse):
    """The terminal's state at the operation's work center, with a released order there."""
    import datetime as dt

    from django.utils import timezone

    from andon.production import services

    supervisor = user_with_role("supervisor", username="sup")
    client = Client()
    client.force_login(supervisor)

    def state(operation):
        order = services.create_work_order(
            supervisor,
            item=operation.item,
            quantity=5,
            due_date=timezone.localdate() + dt.timedelta(days=3),
            supply_location=warehouse,
            output_location=warehouse,
        )
        services.release(supervisor, order, allow_shortage=True)
        code = operation.work_center.code
        return client.get(reverse("production:terminal-state", args=[code])).json()

    return state


def test_the_terminal_lists_the_documents_of_the_operation(operation, supervisor_terminal):
    documents.attach(None, operation, SimpleUploadedFile("drawing.pdf", PDF), title="Drawing C")
    state = supervisor_terminal(operation)
    (listed,) = state["operations"][0]["documents"]
    assert listed["title"] == "Drawing C"
    assert listed["url"].startswith("/catalog/documents/")
