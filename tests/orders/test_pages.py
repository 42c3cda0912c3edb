"""Order pages: they render, they save through the services, and viewers cannot change anything."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from andon.inventory import services as inventory
from andon.orders.models import Forecast, PurchaseOrder, SalesOrder
from tests.orders.conftest import TODAY

pytestmark = pytest.mark.django_db


def formset_data(rows, initial=0):
    data = {
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": str(initial),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{i}-{key}"] = value
    return data


def test_sales_order_detail_shows_open_quantity_and_lateness(
    planner_client, sales_order, widget, warehouse
):
    inventory.receive(None, item=widget, location=warehouse, quantity=4)
    from andon.orders import services

    services.ship_sales_line(
        None, sales_order.lines.get(line=1), quantity=Decimal("4"), location=warehouse
    )
    sales_order.lines.filter(line=2).update(due_date=dt.date(2000, 1, 1))
    page = planner_client.get(reverse("orders:salesorder-detail", args=[sales_order.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "SO-1" in html
    assert "badge late" in html
    assert "<strong>6</strong>" in html  # 10 ordered, 4 shipped
    assert reverse("orders:salesorder-edit", args=[sales_order.pk]) in html


def test_viewer_sees_orders_but_not_the_edit_actions(viewer_client, sales_order, purchase_order):
    page = viewer_client.get(reverse("orders:salesorder-detail", args=[sales_order.pk]))
    assert page.status_code == 200
    assert reverse("orders:salesorder-edit", args=[sales_order.pk]) not in page.content.decode()
    po_page = viewer_client.get(reverse("orders:purchaseorder-detail", args=[purchase_order.pk]))
    assert "Receive goods" not in po_page.content.decode()


@pytest.mark.parametrize(
    ("name", "needs_pk"),
    [
        ("salesorder-create", False),
        ("salesorder-edit", True),
        ("purchaseorder-create", False),
        ("forecast-create", False),
    ],
)
def test_viewer_gets_403_on_edit_pages(viewer_client, sales_order, name, needs_pk):
    url = reverse(f"orders:{name}", args=[sales_order.pk] if needs_pk else [])
    assert viewer_client.get(url).status_code == 403
    assert viewer_client.post(url, {}).status_code == 403


def test_viewer_cannot_cancel_or_receive(viewer_client, sales_order, purchase_order):
    assert (
        viewer_client.post(reverse("orders:salesorder-cancel", args=[sales_order.pk])).status_code
        == 403
    )
    assert (
        viewer_client.post(
            reverse("orders:purchaseorder-receive", args=[purchase_order.pk]), {}
        ).status_code
        == 403
    )
    sales_order.refresh_from_db()
    assert sales_order.status == "open"


def test_create_sales_order_through_the_form(planner_client, customer, widget):
    url = reverse("orders:salesorder-create")
    assert planner_client.get(url).status_code == 200
    data = {
        "number": "",
        "customer": customer.pk,
        "order_date": "2030-03-01",
        "customer_reference": "tel.",
    }
    data |= formset_data(
        [
            {"item": widget.pk, "quantity": "8", "due_date": "2030-03-20"},
            {"item": "", "quantity": "", "due_date": ""},
        ]
    )
    response = planner_client.post(url, data)
    order = SalesOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:salesorder-detail", args=[order.pk])
    assert order.lines.get().quantity == Decimal("8")


def test_service_errors_show_on_the_line_and_nothing_is_saved(planner_client, customer, widget):
    data = {"customer": customer.pk, "order_date": "2030-03-01"}
    data |= formset_data([{"item": widget.pk, "quantity": "2.5", "due_date": "2030-03-20"}])
    response = planner_client.post(reverse("orders:salesorder-create"), data)
    assert response.status_code == 200
    assert "whole" in response.content.decode()
    assert not SalesOrder.objects.exists()


def test_edit_removes_a_ticked_line(planner_client, sales_order, widget):
    data = {"number": "SO-1", "customer": sales_order.customer_id, "order_date": "2030-03-01"}
    data |= formset_data(
        [
            {"line": "1", "item": widget.pk, "quantity": "11", "due_date": "2030-03-08"},
            {
                "line": "2",
                "item": widget.pk,
                "quantity": "5",
                "due_date": "2030-03-15",
                "DELETE": "on",
            },
        ],
        initial=2,
    )
    response = planner_client.post(reverse("orders:salesorder-edit", args=[sales_order.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(sales_order.lines.values_list("line", "quantity")) == [(1, Decimal("11"))]


def test_cancel_then_edit_is_refused_with_a_message(planner_client, sales_order):
    planner_client.post(reverse("orders:salesorder-cancel", args=[sales_order.pk]))
    sales_order.refresh_from_db()
    assert sales_order.status == "cancelled"
    response = planner_client.get(
        reverse("orders:salesorder-edit", args=[sales_order.pk]), follow=True
    )
    assert "cannot be changed" in response.content.decode()


def test_receive_form_books_stock_once_even_if_submitted_twice(
    planner_client, purchase_order, plate, warehouse
):
    page = planner_client.get(reverse("orders:purchaseorder-detail", args=[purchase_order.pk]))
    assert "Receive goods" in page.content.decode()
    data = {
        "line": "1",
        "quantity": "30",
        "location": warehouse.pk,
        "lot_code": "",
        "client_id": "form-abc",
    }
    url = reverse("orders:purchaseorder-receive", args=[purchase_order.pk])
    assert planner_client.post(url, data).status_code == 302
    assert planner_client.post(url, data).status_code == 302
    assert inventory.on_hand(plate) == Decimal("30")


def test_receive_form_shows_why_a_receipt_is_refused(planner_client, purchase_order, warehouse):
    data = {"line": "1", "quantity": "500", "location": warehouse.pk, "client_id": "form-x"}
    response = planner_client.post(
        reverse("orders:purchaseorder-receive", args=[purchase_order.pk]), data
    )
    assert response.status_code == 200
    assert "open" in response.content.decode()
    assert purchase_order.lines.get(line=1).received_quantity == 0


def test_create_purchase_order_and_enter_a_forecast(planner_client, supplier, plate, widget):
    data = {"supplier": supplier.pk, "order_date": "2030-03-01", "status": "sent"}
    data |= formset_data(
        [{"item": plate.pk, "quantity": "10", "due_date": "2030-03-20", "unit_price": "3.5"}]
    )
    assert planner_client.post(reverse("orders:purchaseorder-create"), data).status_code == 302
    assert PurchaseOrder.objects.get().number == "PO-00001"
    form = {"item": widget.pk, "date": "2030-04-01", "quantity": "40"}
    assert planner_client.post(reverse("orders:forecast-create"), form).status_code == 302
    form["quantity"] = "45"
    planner_client.post(reverse("orders:forecast-create"), form)
    assert Forecast.objects.get().quantity == Decimal("45")


@pytest.mark.parametrize(
    "name", ["orders:salesorder-list", "orders:purchaseorder-list", "orders:forecast-list"]
)
def test_list_pages_query_count_is_flat(
    planner_client, sales_order, purchase_order, widget, name, django_assert_max_num_queries
):
    for n in range(20):
        Forecast.objects.create(
            item=widget, date=TODAY + dt.timedelta(days=n), quantity=Decimal("5")
        )
    with django_assert_max_num_queries(12):
        assert planner_client.get(reverse(name)).status_code == 200
