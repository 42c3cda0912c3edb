"""The buyer's side: refusals before anything is written, a mail server that fails, retrying, the
purchase order page and the list of confirmations, and the API."""

import datetime as dt
import socket

import pytest

from andon.core.errors import Conflict, ValidationFailed
from andon.core.models import AuditEntry
from andon.correspondence import services
from andon.correspondence.models import ConfirmationRequest, Letter
from andon.orders.models import PurchaseOrder, PurchaseOrderLine
from tests.correspondence.conftest import sent_token


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dead_smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_TIMEOUT = 2
    return settings


def test_no_supplier_email_is_refused_before_anything_is_written(purchase_order, buyer, steelco):
    steelco.email = ""
    steelco.save()
    with pytest.raises(ValidationFailed) as refused:
        services.send_purchase_order(buyer, purchase_order)
    assert refused.value.code == "no_email"
    assert "STEELCO has no email address" in refused.value.detail
    assert not Letter.objects.exists()
    assert not PurchaseOrderLine.objects.filter(requested_date__isnull=False).exists()


def test_a_cancelled_order_is_not_sent(purchase_order, buyer):
    from andon.orders import services as orders

    orders.cancel_purchase_order(buyer, purchase_order)
    with pytest.raises(Conflict) as refused:
        services.send_purchase_order(buyer, purchase_order)
    assert refused.value.code == "order_closed"
    assert not Letter.objects.exists()


def test_without_a_base_url_there_is_no_link_to_send(purchase_order, buyer, settings):
    settings.ANDON_BASE_URL = ""
    with pytest.raises(ValidationFailed) as refused:
        services.send_purchase_order(buyer, purchase_order)
    assert refused.value.code == "no_base_url"
    assert not Letter.objects.exists()


def test_a_failing_mail_server_is_recorded_and_retried(
    purchase_order, buyer, smtp_server, settings, django_capture_on_commit_callbacks
):
    live_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.send_purchase_order(buyer, purchase_order)
    letter.refresh_from_db()
    assert letter.state == Letter.State.FAILED
    assert "ConnectionRefusedError" in letter.last_error
    assert letter.attempts == 1
    purchase_order.refresh_from_db()
    assert purchase_order.status == PurchaseOrder.Status.DRAFT  # not sent: still a draft
    assert letter.confirmation.state == ConfirmationRequest.State.PENDING

    settings.EMAIL_PORT = live_port
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_letter(buyer, letter)
    letter.refresh_from_db()
    assert letter.state == Letter.State.SENT
    assert letter.attempts == 2
    assert len(smtp_server.messages) == 1
    letter.confirmation.refresh_from_db()
    assert letter.confirmation.state == ConfirmationRequest.State.OPEN


def test_only_a_failed_letter_is_retried(purchase_order, send, smtp_server, buyer):
    letter = send(purchase_order)
    with pytest.raises(Conflict) as refused:
        services.retry_letter(buyer, letter)
    assert refused.value.code == "not_failed"


def test_the_failed_letter_is_retried_from_its_page_without_an_error_page(
    purchase_order, buyer_client, dead_smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = buyer_client.post(
            f"/correspondence/purchase-orders/{purchase_order.pk}/send/", follow=True
        )
    assert page.status_code == 200
    after = buyer_client.get(f"/orders/purchase-orders/{purchase_order.pk}/")
    assert b"The mail server refused it" in after.content
    letter = Letter.objects.get()
    detail = buyer_client.get(f"/correspondence/letters/{letter.pk}/")
    assert b"Retry sending" in detail.content
    with django_capture_on_commit_callbacks(execute=True):
        again = buyer_client.post(f"/correspondence/letters/{letter.pk}/retry/", follow=True)
    assert again.status_code == 200
    letter.refresh_from_db()
    assert letter.attempts == 2


def test_the_purchase_order_page_shows_asked_against_confirmed(
    purchase_order, send, smtp_server, client, buyer_client, today
):
    token = sent_token(send, purchase_order, smtp_server)
    page = buyer_client.get(f"/orders/purchase-orders/{purchase_order.pk}/")
    assert b"Awaiting answer" in page.content
    assert b"Send to supplier again" in page.content

    later = today + dt.timedelta(days=12)
    bolts = (today + dt.timedelta(days=10)).isoformat()
    client.post(
        f"/supplier/{token}/",
        {"date-1": later.isoformat(), "quantity-1": "40", "date-2": bolts, "quantity-2": "500",
         "name": "Sam", "comment": "Mill shut."},
    )  # fmt: skip
    page = buyer_client.get(f"/orders/purchase-orders/{purchase_order.pk}/")
    html = page.content.decode()
    assert "Changes proposed" in html
    assert "proposes a later date than asked" in html
    assert "5 days later" in html
    assert "Answered" in html
    assert "by Sam" in html
    assert "Mill shut." in html

    listing = buyer_client.get("/correspondence/supplier-confirmations/?status=proposed")
    assert b"PO-100" in listing.content
    buyer_client.post(
        f"/correspondence/supplier-confirmations/{ConfirmationRequest.objects.get().pk}/review/"
    )
    listing = buyer_client.get("/correspondence/supplier-confirmations/?status=proposed")
    assert b"marked as seen" in listing.content
    assert b"No supplier has proposed changes you have not seen." in listing.content


def test_a_viewer_sees_but_cannot_send(purchase_order, viewer_client):
    page = viewer_client.get(f"/orders/purchase-orders/{purchase_order.pk}/")
    assert page.status_code == 200
    assert b"Send to supplier" not in page.content
    refused = viewer_client.post(f"/correspondence/purchase-orders/{purchase_order.pk}/send/")
    assert refused.status_code == 403
    assert not Letter.objects.exists()


def test_letters_list_and_pdf(purchase_order, send, smtp_server, buyer_client):
    letter = send(purchase_order)
    listing = buyer_client.get("/correspondence/letters/?kind=purchase_order")
    assert b"orders@steelco.example" in listing.content
    pdf = buyer_client.get(f"/correspondence/letters/{letter.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_every_step_is_audited(purchase_order, send, smtp_server, client, today):
    token = sent_token(send, purchase_order, smtp_server)
    day = (today + dt.timedelta(days=9)).isoformat()
    client.post(
        f"/supplier/{token}/",
        {"date-1": day, "quantity-1": "40", "date-2": day, "quantity-2": "500"},
    )
    models = set(AuditEntry.objects.values_list("model", flat=True))
    assert {"correspondence.letter", "correspondence.confirmationrequest"} <= models
    line_changes = AuditEntry.objects.filter(model="orders.purchaseorderline", action="update")
    assert any("due_date" in e.changes for e in line_changes)


# --- API ----------------------------------------------------------------------------------------


def test_api_sends_lists_and_refuses_in_json(
    purchase_order, buyer_client, smtp_server, steelco, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = buyer_client.post(f"/api/v1/purchase-orders/{purchase_order.pk}/send")
    assert answer.status_code == 202
    body = answer.json()
    assert body["kind"] == "purchase_order"
    assert body["purchase_order"] == "PO-100"
    assert [line["item"] for line in body["lines"]] == ["PLATE-10", "BOLT-M8"]
    assert body["lines"][0]["partner_reference"] == "SC-PL10"

    letters = buyer_client.get("/api/v1/letters?order=PO-100").json()
    assert letters["count"] == 1
    assert letters["items"][0]["state"] == "sent"
    assert letters["items"][0]["confirmation"]["status"] == "awaiting"
    waiting = buyer_client.get("/api/v1/supplier-confirmations?status=awaiting").json()
    assert [c["purchase_order"] for c in waiting["items"]] == ["PO-100"]

    retry = buyer_client.post(f"/api/v1/letters/{body['id']}/retry")
    assert retry.status_code == 409
    assert retry.json()["code"] == "not_failed"

    steelco.email = ""
    steelco.save()
    refused = buyer_client.post(f"/api/v1/purchase-orders/{purchase_order.pk}/send")
    assert refused.status_code == 400
    assert refused.json()["code"] == "no_email"
    assert refused.json()["problems"][0]["column"] == "email"
    assert buyer_client.post("/api/v1/purchase-orders/999999/send").status_code == 404
    assert buyer_client.get("/api/v1/supplier-confirmations?status=bogus").status_code == 422


def test_api_needs_the_orders_capability(purchase_order, viewer_client):
    refused = viewer_client.post(f"/api/v1/purchase-orders/{purchase_order.pk}/send")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert viewer_client.get("/api/v1/letters").status_code == 200


def test_bulk_send_command(transactional_db, purchase_order, smtp_server, capsys):
    """Outside a test transaction the letter leaves when the command's transaction commits."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("send-purchase-orders", "--unsent")
    assert "PO-100: sent to orders@steelco.example" in capsys.readouterr().out
    assert len(smtp_server.messages) == 1
    with pytest.raises(CommandError, match="1 of 1"):
        call_command("send-purchase-orders", "PO-NOPE")


def test_letter_list_queries_do_not_grow_with_letters(
    purchase_order, send, smtp_server, buyer_client, django_assert_max_num_queries
):
    send(purchase_order)
    with django_assert_max_num_queries(12) as one:
        buyer_client.get("/api/v1/letters")
    for _ in range(4):
        send(purchase_order)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert buyer_client.get("/api/v1/letters").json()["count"] == 5
    with django_assert_max_num_queries(20) as page:
        buyer_client.get("/correspondence/supplier-confirmations/?status=awaiting")
    send(purchase_order)
    with django_assert_max_num_queries(len(page.captured_queries)):
        buyer_client.get("/correspondence/supplier-confirmations/?status=awaiting")


def test_a_line_received_in_full_keeps_its_quantity(
    purchase_order, send, smtp_server, client, buyer, warehouse, today
):
    from decimal import Decimal

    from andon.orders import services as orders

    token = sent_token(send, purchase_order, smtp_server)
    line = PurchaseOrderLine.objects.get(order=purchase_order, line=2)
    orders.receive_purchase_line(buyer, line, quantity=Decimal("500"), location=warehouse)
    day = (today + dt.timedelta(days=9)).isoformat()
    client.post(
        f"/supplier/{token}/",
        {"date-1": day, "quantity-1": "40", "date-2": day, "quantity-2": "500"},
    )
    line.refresh_from_db()
    assert line.quantity == Decimal("500")
    assert line.open_quantity == 0
