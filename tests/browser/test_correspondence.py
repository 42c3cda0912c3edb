"""A purchase order goes out from its page and the supplier answers on a phone, without an account.

Set ANDON_SCREENSHOT_DIR to keep screenshots of each step (desktop and phone widths).
"""

import datetime as dt
import email
import os
import re
from decimal import Decimal
from pathlib import Path

SHOTS = os.environ.get("ANDON_SCREENSHOT_DIR", "")
PHONE = {"width": 390, "height": 844}


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _order(today):
    from andon.catalog.models import Item, UnitOfMeasure
    from andon.orders import services
    from andon.partners.models import Supplier, SupplierItem

    pcs = UnitOfMeasure.objects.create(code="pcs", name="Pieces", whole_numbers=True)
    kg = UnitOfMeasure.objects.create(code="kg", name="Kilogram", dimension="mass")
    supplier = Supplier.objects.create(
        code="STEELCO", name="Steel Co", email="orders@steelco.example",
        address="Harbour Road 7, Steeltown",
    )  # fmt: skip
    plate = Item.objects.create(sku="PLATE-10", name="Steel plate 10 mm", uom=pcs)
    bar = Item.objects.create(sku="BAR-25", name="Round bar 25 mm, S355", uom=kg)
    bolt = Item.objects.create(sku="BOLT-M8", name="Hex bolt M8x40, zinc plated", uom=pcs)
    SupplierItem.objects.create(supplier=supplier, item=plate, supplier_sku="SC-PL10")
    SupplierItem.objects.create(supplier=supplier, item=bar, supplier_sku="SC-RB25-S355")
    line = services.LineInput
    return services.create_purchase_order(
        None, supplier=supplier, order_date=today, number="PO-2041",
        lines=[
            line(item=plate, quantity=Decimal("40"), due_date=today + dt.timedelta(days=7),
                 unit_price=Decimal("12.50")),
            line(item=bar, quantity=Decimal("250.5"), due_date=today + dt.timedelta(days=7),
                 unit_price=Decimal("1.84")),
            line(item=bolt, quantity=Decimal("500"), due_date=today + dt.timedelta(days=10)),
        ],
    )  # fmt: skip


def test_send_a_purchase_order_and_answer_it_on_a_phone(
    live_server, page, chromium, login, roles, smtp_server, settings
):
    from django.utils import timezone

    from andon.orders.models import PurchaseOrderLine

    settings.ANDON_BASE_URL = live_server.url
    settings.ANDON_PLANT_NAME = "Riverside Pumps"
    today = timezone.localdate()
    order = _order(today)
    buyer = login("planner", username="bea")
    buyer.email = "bea@riverside.example"
    buyer.save()

    page.goto(f"{live_server.url}/orders/purchase-orders/{order.pk}/")
    page.click("button:has-text('Send to supplier')")
    page.wait_for_selector(".message.success:has-text('sent to orders@steelco.example')")
    shot(page, "po-sent")
    message = email.message_from_bytes(smtp_server.messages[0].content)
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    link = re.search(r"http\S+/supplier/\S+/", body.get_payload(decode=True).decode()).group(0)
    pdf = next(p for p in message.walk() if p.get_content_type() == "application/pdf")
    assert pdf.get_filename() == "PO-2041.pdf"
    if SHOTS:
        (Path(SHOTS) / "PO-2041.pdf").write_bytes(pdf.get_payload(decode=True))

    phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    supplier = phone.new_page()
    supplier.goto(link)
    assert supplier.locator(".plant").inner_text().strip() == "Riverside Pumps"
    assert supplier.locator(".answer-line").count() == 3
    assert "your part SC-PL10" in supplier.locator(".answer-line").first.inner_text()
    shot(supplier, "supplier-phone")

    supplier.fill("#date-1", (today - dt.timedelta(days=2)).isoformat())
    supplier.fill("#quantity-2", "many")
    supplier.click("button:has-text('Send answer')")
    supplier.wait_for_selector(".message.error")
    assert "The date cannot be in the past." in supplier.inner_text("[data-line='1']")
    assert "Give a quantity." in supplier.inner_text("[data-line='2']")
    assert supplier.input_value("#quantity-2") == "many"
    shot(supplier, "supplier-phone-errors")
    assert not PurchaseOrderLine.objects.filter(confirmed_at__isnull=False).exists()

    later = today + dt.timedelta(days=12)
    supplier.fill("#date-1", later.isoformat())
    supplier.fill("#quantity-2", "250.5")
    supplier.fill("#name", "Sam Ortega")
    supplier.fill("#comment", "Plate mill is down for maintenance until the 5th.")
    supplier.click("button:has-text('Send answer')")
    supplier.wait_for_selector("h1:has-text('Thank you')")
    shot(supplier, "supplier-phone-thanks")
    supplier.goto(link)
    assert "Already answered" in supplier.inner_text("h1")
    phone.close()

    assert PurchaseOrderLine.objects.get(order=order, line=1).due_date == later
    page.goto(f"{live_server.url}/orders/purchase-orders/{order.pk}/")
    card = page.locator("#supplier-confirmation")
    assert "Changes proposed" in card.inner_text()
    assert "5 days later" in card.inner_text()
    shot(page, "po-answered")

    page.goto(f"{live_server.url}/correspondence/supplier-confirmations/?status=proposed")
    assert "PO-2041" in page.inner_text("table.data")
    shot(page, "confirmations-proposed")
    page.click("table.data a:has-text('24'), table.data td:nth-child(3) a")
    page.wait_for_selector("h2:has-text('Supplier')")
    assert "only the supplier holds it" in page.inner_text("pre.letter")
    shot(page, "letter-detail")


def test_the_supplier_page_on_a_desktop(live_server, chromium, transactional_db, settings):
    from django.db import transaction
    from django.utils import timezone

    from andon.correspondence.mail import _issue_link
    from andon.correspondence.models import ConfirmationRequest, Letter, LetterLine

    settings.ANDON_PLANT_NAME = "Riverside Pumps"
    order = _order(timezone.localdate())
    letter = Letter.objects.create(
        kind=Letter.Kind.PURCHASE_ORDER, purchase_order=order, recipient="orders@steelco.example",
        subject="Purchase order PO-2041",
    )  # fmt: skip
    for ln in order.lines.select_related("item__uom"):
        LetterLine.objects.create(
            letter=letter, line=ln.line, purchase_line=ln, item_sku=ln.item.sku,
            item_name=ln.item.name, quantity=ln.quantity, unit=ln.item.uom.code, date=ln.due_date,
        )  # fmt: skip
    ConfirmationRequest.objects.create(letter=letter, purchase_order=order)
    with transaction.atomic():
        token, _ = _issue_link(letter, timezone.now())
    desk = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = desk.new_page()
    page.goto(f"{live_server.url}/supplier/{token}/")
    assert page.locator(".answer-head").is_visible()
    shot(page, "supplier-desktop")
    page.goto(f"{live_server.url}/supplier/{token[:-3]}xyz/")
    assert "This link is not valid" in page.inner_text("h1")
    shot(page, "supplier-unknown-link")
    desk.close()


def test_confirm_a_sales_order_from_its_page(live_server, page, login, roles, smtp_server):
    from django.utils import timezone

    from andon.catalog.models import Item, UnitOfMeasure
    from andon.orders import services
    from andon.partners.models import Customer

    today = timezone.localdate()
    pcs = UnitOfMeasure.objects.create(code="pcs", name="Pieces", whole_numbers=True)
    pump = Item.objects.create(sku="PUMP-40", name="Centrifugal pump 40 mm", uom=pcs)
    acme = Customer.objects.create(code="ACME", name="Acme Industrial", email="buy@acme.example")
    order = services.create_sales_order(
        None, customer=acme, order_date=today, number="SO-3107", customer_reference="A-77",
        lines=[services.LineInput(item=pump, quantity=Decimal("6"),
                                  due_date=today + dt.timedelta(days=21))],
    )  # fmt: skip
    login("planner")
    page.goto(f"{live_server.url}/orders/sales-orders/{order.pk}/")
    page.click("button:has-text('Send confirmation')")
    page.wait_for_selector(".message.success:has-text('buy@acme.example')")
    assert "Last told" in page.inner_text("#customer-letters")
    shot(page, "so-confirmed")
    assert len(smtp_server.messages) == 1
    page.goto(f"{live_server.url}/correspondence/customer-dates/")
    assert "Every confirmed order is still on the date" in page.inner_text("table.data")
    shot(page, "customer-dates")
