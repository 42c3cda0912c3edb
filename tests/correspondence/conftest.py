"""A buyer, a supplier with an email address and a purchase order of two lines due after today;
a customer with an email address; and the settings letters need (where Andon is reached)."""

import datetime as dt
import email
import re
from decimal import Decimal
from email.message import Message

import pytest
from django.utils import timezone

BASE_URL = "https://andon.example.com"
LINK = re.compile(re.escape(BASE_URL) + r"/supplier/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def letter_settings(settings):
    settings.ANDON_BASE_URL = BASE_URL
    settings.ANDON_PLANT_NAME = "Riverside Pumps"
    settings.ANDON_PLANT_ADDRESS = "1 Mill Lane, Riverside"
    settings.DEFAULT_FROM_EMAIL = "andon@riverside.example"
    return settings


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def buyer(user_with_role):
    user = user_with_role("planner", username="bea")
    user.first_name, user.last_name, user.email = "Bea", "Buyer", "bea@riverside.example"
    user.save()
    return user


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def plate(make_item):
    return make_item("PLATE-10", name="Steel plate 10 mm")


@pytest.fixture
def bolt(make_item):
    return make_item("BOLT-M8", name="Bolt M8x40")


@pytest.fixture
def steelco(supplier, plate):
    from andon.partners.models import SupplierItem

    supplier.email = "orders@steelco.example"
    supplier.address = "Harbour Road 7, Steeltown"
    supplier.save()
    SupplierItem.objects.create(supplier=supplier, item=plate, supplier_sku="SC-PL10")
    return supplier


@pytest.fixture
def purchase_order(steelco, plate, bolt, buyer, today):
    from andon.orders import services

    return services.create_purchase_order(
        buyer,
        supplier=steelco,
        order_date=today,
        number="PO-100",
        status="draft",
        lines=[
            services.LineInput(
                item=plate, quantity=Decimal("40"), due_date=today + dt.timedelta(days=7),
                unit_price=Decimal("12.50"),
            ),
            services.LineInput(
                item=bolt, quantity=Decimal("500"), due_date=today + dt.timedelta(days=10)
            ),
        ],
    )  # fmt: skip


@pytest.fixture
def send(buyer, django_capture_on_commit_callbacks):
    """Send a purchase order as the buyer, delivering it as the commit would."""
    from andon.correspondence import services

    def run(order):
        with django_capture_on_commit_callbacks(execute=True):
            letter = services.send_purchase_order(buyer, order)
        letter.refresh_from_db()
        return letter

    return run


def parse(envelope) -> Message:
    return email.message_from_bytes(envelope.content)


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


def pdf_of(message: Message) -> tuple[str, bytes]:
    for part in message.walk():
        if part.get_content_type() == "application/pdf":
            return part.get_filename(), part.get_payload(decode=True)
    return "", b""


def token_in(message: Message) -> str:
    found = LINK.search(text_of(message))
    assert found, "no confirmation link in the letter"
    return found.group(1)


def sent_token(send, order, smtp_server) -> str:
    """Send `order` and return the token of the link in the letter that arrived."""
    send(order)
    return token_in(parse(smtp_server.messages[-1]))
