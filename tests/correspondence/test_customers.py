"""Customers hear the dates the schedule in force can keep, and hear again only when they move.

A one-lathe plant on one day shift (06:00-14:00, Monday to Friday); every schedule starts on
Monday 7 January 2030 at 06:00 plant time, so the finish of each order is easy to check by hand.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from andon.core.errors import Conflict, ValidationFailed
from andon.correspondence import services
from andon.correspondence.models import Letter, LetterLine
from tests.correspondence.conftest import parse, text_of

MONDAY = dt.date(2030, 1, 7)
TUESDAY, THURSDAY = MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=3)


@pytest.fixture
def lathe(calendar):
    from andon.plant.models import WorkCenter

    return WorkCenter.objects.create(code="LATHE", name="Lathe", calendar=calendar)


@pytest.fixture
def part(make_item, lathe):
    """PART: op 10 on the lathe, 60 minutes a piece."""
    from andon.catalog.models import Operation

    item = make_item("PART", procurement="make", name="Pump shaft")
    Operation.objects.create(item=item, sequence=10, work_center=lathe, run_minutes_per_unit=60)
    return item


@pytest.fixture
def acme(customer):
    customer.email = "buying@acme.example"
    customer.save()
    return customer


@pytest.fixture
def sales_order(acme, part, make_item, buyer, warehouse):
    """Line 1: 12 shafts due Monday, made to order (720 minutes: done Tuesday 10:00).
    Line 2: a bought part due on the 21st, with no work scheduled."""
    from andon.orders import services as orders
    from andon.production import services as production

    order = orders.create_sales_order(
        buyer, customer=acme, order_date=MONDAY - dt.timedelta(days=14), number="SO-7",
        customer_reference="ACME-PO-991",
        lines=[
            orders.LineInput(item=part, quantity=Decimal("12"), due_date=MONDAY),
            orders.LineInput(
                item=make_item("SEAL"), quantity=Decimal("4"), due_date=MONDAY + dt.timedelta(days=14)
            ),
        ],
    )  # fmt: skip
    production.create_from_sales_line(
        buyer, order.lines.get(line=1), supply_location=warehouse, output_location=warehouse
    )
    return order


@pytest.fixture
def publish(buyer, django_capture_on_commit_callbacks):
    """Run and publish a schedule from Monday 06:00, running what its commit sets off."""
    from andon.scheduling import services as scheduling

    origin = timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(6)))

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            created = scheduling.create_run(buyer, time_limit=2)
            return scheduling.execute_run(created.pk, origin=origin)

    return run


@pytest.fixture
def confirm(buyer, django_capture_on_commit_callbacks):
    def run(order):
        with django_capture_on_commit_callbacks(execute=True):
            letter = services.send_order_confirmation(buyer, order)
        letter.refresh_from_db()
        return letter

    return run


def lathe_down(lathe, first: dt.date, last: dt.date):
    from andon.scheduling.models import Downtime

    start = timezone.make_aware(dt.datetime.combine(first, dt.time(0)))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0)))
    return Downtime.objects.create(work_center=lathe, start=start, end=end, reason="spindle")


def told(letter) -> dict[int, dt.date]:
    return dict(LetterLine.objects.filter(letter=letter).values_list("line", "date"))


def test_without_a_schedule_the_customer_is_promised_what_they_asked(
    sales_order, confirm, smtp_server
):
    letter = confirm(sales_order)
    assert letter.state == Letter.State.SENT
    assert told(letter) == {1: MONDAY, 2: MONDAY + dt.timedelta(days=14)}
    message = parse(smtp_server.messages[0])
    assert smtp_server.messages[0].rcpt_tos == ["buying@acme.example"]
    assert message["Subject"] == "Order confirmation SO-7 (your reference ACME-PO-991)"
    assert "PART Pump shaft: 12 pcs by Mon 07 Jan 2030" in text_of(message)


def test_the_confirmation_promises_the_scheduled_finish(sales_order, confirm, publish, smtp_server):
    publish()
    letter = confirm(sales_order)
    assert told(letter) == {1: TUESDAY, 2: MONDAY + dt.timedelta(days=14)}
    assert "12 pcs by Tue 08 Jan 2030" in text_of(parse(smtp_server.messages[0]))


def test_a_publish_that_moves_the_date_tells_the_customer_once(
    sales_order, confirm, publish, lathe, smtp_server
):
    publish()
    confirm(sales_order)
    lathe_down(lathe, MONDAY, TUESDAY)  # the lathe is down until Wednesday morning
    publish()

    revised = Letter.objects.get(kind=Letter.Kind.REVISED_DATE)
    assert revised.state == Letter.State.SENT
    assert told(revised)[1] == THURSDAY  # 720 minutes from Wednesday 06:00
    assert len(smtp_server.messages) == 2
    message = parse(smtp_server.messages[1])
    assert message["Subject"] == "Revised delivery date for order SO-7 (your reference ACME-PO-991)"
    assert "by Thu 10 Jan 2030 (was Tue 08 Jan 2030, 2 days later)" in text_of(message)

    publish()  # the same schedule again: the customer already knows
    assert Letter.objects.filter(kind=Letter.Kind.REVISED_DATE).count() == 1
    assert len(smtp_server.messages) == 2


def test_a_move_within_the_tolerance_is_not_told(
    sales_order, confirm, publish, lathe, smtp_server, settings
):
    settings.ANDON_CUSTOMER_DATE_TOLERANCE_DAYS = 2
    publish()
    confirm(sales_order)
    lathe_down(lathe, MONDAY, TUESDAY)
    publish()
    assert not Letter.objects.filter(kind=Letter.Kind.REVISED_DATE).exists()
    assert services.notify_customers(tolerance=1).counts()["revised"] == 1


def test_publishing_can_be_kept_quiet(sales_order, confirm, publish, lathe, smtp_server, settings):
    settings.ANDON_NOTIFY_CUSTOMERS_ON_PUBLISH = "no"
    publish()
    confirm(sales_order)
    lathe_down(lathe, MONDAY, TUESDAY)
    publish()
    assert not Letter.objects.filter(kind=Letter.Kind.REVISED_DATE).exists()


def test_customers_never_confirmed_hear_nothing(sales_order, publish, lathe, smtp_server):
    publish()
    lathe_down(lathe, MONDAY, TUESDAY)
    publish()
    assert services.notify_customers().counts() == {
        "checked": 0, "revised": 0, "shipped": 0, "skipped": 0,
    }  # fmt: skip
    assert smtp_server.messages == []


def test_a_shipped_order_gets_one_shipping_notice(
    sales_order, confirm, smtp_server, buyer, warehouse, part, make_item,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from andon.inventory import services as inventory
    from andon.orders import services as orders

    confirm(sales_order)
    for line in sales_order.lines.select_related("item"):
        inventory.receive(buyer, item=line.item, location=warehouse, quantity=line.quantity)
        orders.ship_sales_line(buyer, line, quantity=line.quantity, location=warehouse)
    with django_capture_on_commit_callbacks(execute=True):
        done = services.notify_customers()
    assert done.counts()["shipped"] == 1
    assert "Order SO-7 has shipped" in parse(smtp_server.messages[-1])["Subject"]
    assert services.notify_customers().counts()["shipped"] == 0


def test_refusals_write_nothing(sales_order, acme, buyer):
    from andon.orders import services as orders

    acme.email = ""
    acme.save()
    with pytest.raises(ValidationFailed) as refused:
        services.send_order_confirmation(buyer, sales_order)
    assert refused.value.code == "no_email"
    acme.email = "buying@acme.example"
    acme.save()
    orders.cancel_sales_order(buyer, sales_order)
    with pytest.raises(Conflict) as closed:
        services.send_order_confirmation(buyer, sales_order)
    assert closed.value.code == "order_closed"
    assert not Letter.objects.exists()


def test_the_sales_order_page_shows_what_was_last_told(
    sales_order, confirm, smtp_server, buyer_client
):
    page = buyer_client.get(f"/orders/sales-orders/{sales_order.pk}/")
    assert b"Send confirmation" in page.content
    assert b"No confirmation sent yet." in page.content
    confirm(sales_order)
    page = buyer_client.get(f"/orders/sales-orders/{sales_order.pk}/")
    assert b"Last told" in page.content
    assert b"Can promise now" in page.content
    assert b"Confirm to customer again" in page.content
    assert b"Order confirmation" in page.content


def test_customer_dates_page_lists_moved_orders(
    sales_order, confirm, publish, lathe, smtp_server, buyer_client, settings
):
    settings.ANDON_NOTIFY_CUSTOMERS_ON_PUBLISH = "no"
    publish()
    confirm(sales_order)
    lathe_down(lathe, MONDAY, TUESDAY)
    publish()
    page = buyer_client.get("/correspondence/customer-dates/")
    assert b"SO-7" in page.content
    assert b"+2" in page.content


def test_api_confirms_and_notifies(sales_order, buyer_client, smtp_server, acme, publish, lathe):
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = buyer_client.post(f"/api/v1/sales-orders/{sales_order.pk}/confirmation")
    assert answer.status_code == 202
    assert answer.json()["kind"] == "order_confirmation"
    assert [ln["date"] for ln in answer.json()["lines"]] == ["2030-01-07", "2030-01-21"]

    lathe_down(lathe, MONDAY, TUESDAY)
    with TestCase.captureOnCommitCallbacks(execute=True):
        notified = buyer_client.post("/api/v1/customer-notifications")
    assert notified.status_code == 200
    body = notified.json()
    assert body["checked"] == 1
    assert body["revised"] == []  # no schedule yet: the asked dates still hold

    acme.email = ""
    acme.save()
    refused = buyer_client.post(f"/api/v1/sales-orders/{sales_order.pk}/confirmation")
    assert refused.status_code == 400
    assert refused.json()["code"] == "no_email"


def test_notify_command(sales_order, confirm, publish, lathe, smtp_server, capsys, settings):
    from django.core.management import call_command

    settings.ANDON_NOTIFY_CUSTOMERS_ON_PUBLISH = "no"
    publish()
    confirm(sales_order)
    lathe_down(lathe, MONDAY, TUESDAY)
    publish()
    call_command("notify-customers")
    out = capsys.readouterr().out
    assert "SO-7: revised delivery date" in out
    assert "checked 1, revised 1, shipped 0, skipped 0" in out


def test_customers_hear_of_a_publish_only_once_it_commits_and_never_of_one_rolled_back(
    sales_order, confirm, publish, lathe, smtp_server, buyer, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from andon.scheduling import services as scheduling
    from andon.scheduling.models import ScheduleRun

    origin = timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(6)))
    first = publish()
    confirm(sales_order)
    lathe_down(lathe, MONDAY, TUESDAY)

    def publish_then_fail():
        with transaction.atomic():
            created = scheduling.create_run(buyer, time_limit=2)
            assert scheduling.execute_run(created.pk, origin=origin).status == "published"
            raise RuntimeError("the publishing transaction fails after all")

    with django_capture_on_commit_callbacks() as undone, pytest.raises(RuntimeError):
        publish_then_fail()
    assert undone == []  # nothing left to run for a publish that rolled back
    assert ScheduleRun.current() == first
    assert not Letter.objects.filter(kind=Letter.Kind.REVISED_DATE).exists()

    with django_capture_on_commit_callbacks() as on_commit:
        created = scheduling.create_run(buyer, time_limit=2)
        scheduling.execute_run(created.pk, origin=origin)
    assert not Letter.objects.filter(kind=Letter.Kind.REVISED_DATE).exists()  # not yet committed
    with django_capture_on_commit_callbacks(execute=True):
        for callback in on_commit:  # the commit
            callback()
    revised = Letter.objects.get(kind=Letter.Kind.REVISED_DATE)
    assert told(revised)[1] == THURSDAY
    assert len(smtp_server.messages) == 2
