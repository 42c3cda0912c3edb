"""A purchase order goes to the supplier by email and comes back confirmed through a one-time link;
the confirmation is the open supply MRP plans with."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.utils import timezone

from andon.correspondence.models import ConfirmationRequest, Letter
from andon.orders.models import PurchaseOrder, PurchaseOrderLine
from tests.correspondence.conftest import parse, pdf_of, sent_token, text_of, token_in


def _answer(client, token, lines, **extra):
    data = {"name": "Sam Supplier", "comment": "", **extra}
    for number, (date, quantity) in lines.items():
        data[f"date-{number}"] = date
        data[f"quantity-{number}"] = quantity
    return client.post(f"/supplier/{token}/", data)


def _receipts(today):
    from andon.planning.inputs import build_problem

    problem, _, _ = build_problem(today, today + dt.timedelta(days=120))
    return {r.id: (r.due, r.quantity) for r in problem.scheduled_receipts}


def test_sent_confirmed_once_and_planned_with(
    purchase_order, send, smtp_server, client, today, buyer
):
    """Send -> real SMTP -> anonymous link -> new date -> PO line and MRP's receipt move."""
    letter = send(purchase_order)

    assert letter.state == Letter.State.SENT
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["orders@steelco.example"]
    message = parse(envelope)
    assert message["Subject"] == "Purchase order PO-100 from Riverside Pumps"
    assert message["Reply-To"] == "bea@riverside.example"
    body = text_of(message)
    assert "PLATE-10 Steel plate 10 mm (your part SC-PL10): 40 pcs" in body
    name, pdf = pdf_of(message)
    assert name == "PO-100.pdf"
    assert pdf.startswith(b"%PDF")
    assert b"Purchase order PO-100" in pdf  # the document title
    purchase_order.refresh_from_db()
    assert purchase_order.status == PurchaseOrder.Status.SENT  # was a draft

    token = token_in(message)
    page = client.get(f"/supplier/{token}/")
    assert page.status_code == 200
    assert b"Riverside Pumps" in page.content
    assert b"Steel plate 10 mm" in page.content
    assert b"SC-PL10" in page.content

    later = today + dt.timedelta(days=12)
    asked_bolts = (today + dt.timedelta(days=10)).isoformat()
    done = _answer(
        client,
        token,
        {1: (later.isoformat(), "40"), 2: (asked_bolts, "500")},
        comment="Plate mill shut for maintenance.",
    )
    assert done.status_code == 200
    assert b"Thank you" in done.content

    plates = PurchaseOrderLine.objects.get(order=purchase_order, line=1)
    assert plates.due_date == later
    assert plates.requested_date == today + dt.timedelta(days=7)
    assert plates.confirmed_at is not None
    bolts = PurchaseOrderLine.objects.get(order=purchase_order, line=2)
    assert bolts.due_date == today + dt.timedelta(days=10)
    purchase_order.refresh_from_db()
    assert purchase_order.status == PurchaseOrder.Status.CONFIRMED
    request = ConfirmationRequest.objects.get(letter=letter)
    assert request.changed
    assert request.later
    assert request.answered_by == "Sam Supplier"
    assert request.comment == "Plate mill shut for maintenance."

    again = _answer(client, token, {1: (today.isoformat(), "40"), 2: (asked_bolts, "500")})
    assert again.status_code == 410
    assert b"Already answered" in again.content
    plates.refresh_from_db()
    assert plates.due_date == later

    assert _receipts(today)["PO-100/1"] == (later, 40.0)


def test_a_proposed_smaller_quantity_is_what_mrp_expects(
    purchase_order, send, smtp_server, client, today
):
    token = sent_token(send, purchase_order, smtp_server)
    day = (today + dt.timedelta(days=7)).isoformat()
    bolts = (today + dt.timedelta(days=10)).isoformat()
    assert _answer(client, token, {1: (day, "30"), 2: (bolts, "500")}).status_code == 200
    line = PurchaseOrderLine.objects.get(order=purchase_order, line=1)
    assert line.quantity == Decimal("30")
    assert _receipts(today)["PO-100/1"] == (today + dt.timedelta(days=7), 30.0)


def test_the_token_is_stored_only_as_its_hash(purchase_order, send, smtp_server):
    letter = send(purchase_order)
    token = token_in(parse(smtp_server.messages[0]))
    request = ConfirmationRequest.objects.get(letter=letter)
    assert request.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 40
    assert token not in letter.body
    assert "only the supplier holds it" in letter.body
    assert request.expires_at - request.issued_at == dt.timedelta(days=30)


def test_the_link_lifetime_is_configurable(purchase_order, send, smtp_server, settings):
    settings.ANDON_SUPPLIER_LINK_DAYS = 5
    request = ConfirmationRequest.objects.get(letter=send(purchase_order))
    assert request.expires_at - request.issued_at == dt.timedelta(days=5)


@pytest.mark.parametrize(
    ("date", "quantity", "message"),
    [
        ("yesterday", "40", b"Give a date."),
        ("PAST", "40", b"The date cannot be in the past."),
        ("OK", "0", b"The quantity must be more than zero."),
        ("OK", "-5", b"The quantity must be more than zero."),
        ("OK", "lots", b"Give a quantity."),
        ("OK", "12.5", b"is not whole"),
        ("OK", "", b"Give a quantity."),
    ],
)
def test_bad_answers_show_the_form_again_and_change_nothing(
    purchase_order, send, smtp_server, client, today, date, quantity, message
):
    token = sent_token(send, purchase_order, smtp_server)
    ok = (today + dt.timedelta(days=8)).isoformat()
    typed = {"PAST": (today - dt.timedelta(days=1)).isoformat(), "OK": ok}.get(date, date)
    page = _answer(client, token, {1: (typed, quantity), 2: (ok, "500")})

    assert page.status_code == 400
    assert message in page.content
    assert b"Nothing has been saved yet" in page.content
    assert f'value="{quantity}"'.encode() in page.content  # what they typed is kept
    line = PurchaseOrderLine.objects.get(order=purchase_order, line=1)
    assert (line.due_date, line.quantity, line.confirmed_at) == (
        today + dt.timedelta(days=7),
        Decimal("40"),
        None,
    )
    assert ConfirmationRequest.objects.get().state == ConfirmationRequest.State.OPEN
    # and the link still works for a good answer
    good = _answer(client, token, {1: (ok, "40"), 2: (ok, "500")})
    assert good.status_code == 200


def test_a_comment_too_long_is_refused(purchase_order, send, smtp_server, client, today):
    token = sent_token(send, purchase_order, smtp_server)
    ok = (today + dt.timedelta(days=8)).isoformat()
    page = _answer(client, token, {1: (ok, "40"), 2: (ok, "500")}, comment="x" * 2001)
    assert page.status_code == 400
    assert ConfirmationRequest.objects.get().state == ConfirmationRequest.State.OPEN


@pytest.mark.parametrize(
    "token",
    ["not-a-real-token-but-long-enough-to-look-like-one-1234", "short", "a/b", "x" * 300],
)
def test_unknown_or_tampered_links_are_refused(purchase_order, send, smtp_server, client, token):
    send(purchase_order)
    page = client.get(f"/supplier/{token}/")
    assert page.status_code == 404
    assert b"This link is not valid" in page.content


def test_a_changed_character_is_an_unknown_link(purchase_order, send, smtp_server, client, today):
    token = sent_token(send, purchase_order, smtp_server)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    ok = (today + dt.timedelta(days=8)).isoformat()
    page = _answer(client, tampered, {1: (ok, "40"), 2: (ok, "500")})
    assert page.status_code == 404
    assert PurchaseOrderLine.objects.filter(confirmed_at__isnull=False).count() == 0


def test_an_expired_link_changes_nothing(purchase_order, send, smtp_server, client, today):
    letter = send(purchase_order)
    token = token_in(parse(smtp_server.messages[0]))
    ConfirmationRequest.objects.filter(letter=letter).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    ok = (today + dt.timedelta(days=8)).isoformat()
    page = _answer(client, token, {1: (ok, "40"), 2: (ok, "500")})
    assert page.status_code == 410
    assert b"This link has expired" in page.content
    assert PurchaseOrderLine.objects.filter(confirmed_at__isnull=False).count() == 0


def test_sending_again_supersedes_the_earlier_link(
    purchase_order, send, smtp_server, client, today
):
    send(purchase_order)
    send(purchase_order)
    first, second = (token_in(parse(m)) for m in smtp_server.messages)
    ok = (today + dt.timedelta(days=8)).isoformat()
    old = _answer(client, first, {1: (ok, "40"), 2: (ok, "500")})
    assert old.status_code == 410
    assert b"A newer version was sent" in old.content
    assert _answer(client, second, {1: (ok, "40"), 2: (ok, "500")}).status_code == 200


def test_a_cancelled_order_cannot_be_confirmed(purchase_order, send, smtp_server, client, buyer):
    from andon.orders import services

    token = sent_token(send, purchase_order, smtp_server)
    services.cancel_purchase_order(buyer, purchase_order)
    page = client.get(f"/supplier/{token}/")
    assert page.status_code == 410
    assert b"Order cancelled" in page.content


def test_a_logged_in_user_sees_the_same_plain_page(purchase_order, send, smtp_server, buyer_client):
    token = sent_token(send, purchase_order, smtp_server)
    page = buyer_client.get(f"/supplier/{token}/")
    assert page.status_code == 200
    assert b"Log out" not in page.content


def test_the_supplier_needs_no_cookie_to_answer(purchase_order, send, smtp_server, today):
    from django.test import Client

    token = sent_token(send, purchase_order, smtp_server)
    strict = Client(enforce_csrf_checks=True)
    ok = (today + dt.timedelta(days=8)).isoformat()
    page = _answer(strict, token, {1: (ok, "40"), 2: (ok, "500")})
    assert page.status_code == 200
    assert not page.cookies
