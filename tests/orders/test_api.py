"""The orders API: nested lines, permissions, validation errors and receiving through the ledger."""

import datetime as dt
from decimal import Decimal

import pytest

from andon.inventory import services as inventory
from andon.orders.models import Forecast, PurchaseOrder, SalesOrder

pytestmark = pytest.mark.django_db


def send(client, method, url, body=None):
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.mark.parametrize(
    "url", ["/api/v1/sales-orders", "/api/v1/purchase-orders", "/api/v1/forecasts"]
)
def test_listing_needs_login(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_viewers_read_but_cannot_write(viewer_client, customer, widget):
    assert viewer_client.get("/api/v1/sales-orders").status_code == 200
    body = {
        "customer": "ACME",
        "order_date": "2030-03-01",
        "lines": [{"item": "WIDGET", "quantity": 1, "due_date": "2030-03-08"}],
    }
    response = send(viewer_client, "post", "/api/v1/sales-orders", body)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not SalesOrder.objects.exists()


def test_create_sales_order_with_lines(planner_client, customer, widget):
    body = {
        "customer": "ACME",
        "order_date": "2030-03-01",
        "customer_reference": "PO-7781",
        "lines": [
            {"item": "WIDGET", "quantity": "10", "due_date": "2030-03-08", "unit_price": "12.50"},
            {"item": "WIDGET", "quantity": 5, "due_date": "2030-03-15"},
        ],
    }
    response = send(planner_client, "post", "/api/v1/sales-orders", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"] == "SO-00001"
    assert [ln["line"] for ln in data["lines"]] == [1, 2]
    assert Decimal(str(data["lines"][0]["open_quantity"])) == 10


@pytest.mark.parametrize(
    ("lines", "code", "column"),
    [
        ([{"item": "WIDGET", "quantity": 0, "due_date": "2030-03-08"}], "invalid", "quantity"),
        ([{"item": "WIDGET", "quantity": 1}], "invalid", "due_date"),
        ([{"item": "GHOST", "quantity": 1, "due_date": "2030-03-08"}], "unknown_item", "item"),
        ([], "invalid", "lines"),
    ],
)
def test_bad_sales_order_is_a_400_naming_the_field(
    planner_client, customer, widget, lines, code, column
):
    response = send(
        planner_client,
        "post",
        "/api/v1/sales-orders",
        {"customer": "ACME", "order_date": "2030-03-01", "lines": lines},
    )
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == code
    assert column in {p["column"] for p in data["problems"]}
    assert not SalesOrder.objects.exists()


def test_unknown_customer_and_malformed_body(planner_client, widget):
    response = send(
        planner_client,
        "post",
        "/api/v1/sales-orders",
        {
            "customer": "NOBODY",
            "order_date": "2030-03-01",
            "lines": [{"item": "WIDGET", "quantity": 1, "due_date": "2030-03-08"}],
        },
    )
    assert response.json()["code"] == "unknown_customer"
    response = send(
        planner_client, "post", "/api/v1/sales-orders", {"customer": "ACME", "order_date": "soon"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


def test_patch_cancel_and_refuse_changes_after(planner_client, sales_order):
    url = f"/api/v1/sales-orders/{sales_order.pk}"
    patched = send(
        planner_client,
        "patch",
        url,
        {
            "customer_reference": "call Anna",
            "lines": [{"line": 1, "item": "WIDGET", "quantity": 20, "due_date": "2030-04-01"}],
        },
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["customer_reference"] == "call Anna"
    assert [ln["line"] for ln in patched.json()["lines"]] == [1]
    assert send(planner_client, "post", f"{url}/cancel").json()["status"] == "cancelled"
    again = send(planner_client, "patch", url, {"customer_reference": "x"})
    assert again.status_code == 409
    assert again.json()["code"] == "cancelled"
    assert planner_client.get("/api/v1/sales-orders/999999").status_code == 404


def test_list_filters_by_status_customer_and_item(planner_client, sales_order, customer, plate):
    assert planner_client.get("/api/v1/sales-orders", {"status": "open"}).json()["count"] == 1
    assert planner_client.get("/api/v1/sales-orders", {"status": "cancelled"}).json()["count"] == 0
    assert (
        planner_client.get("/api/v1/sales-orders", {"customer": "ACME", "item": "WIDGET"}).json()[
            "count"
        ]
        == 1
    )
    assert planner_client.get("/api/v1/sales-orders", {"item": "PLATE"}).json()["count"] == 0


def test_receiving_through_the_api_posts_stock_once(
    planner_client, purchase_order, plate, warehouse
):
    url = f"/api/v1/purchase-orders/{purchase_order.pk}/lines/1/receipts"
    body = {"quantity": 40, "location": "WH", "client_id": "grn-1"}
    assert send(planner_client, "post", url, body).status_code == 201
    assert send(planner_client, "post", url, body).status_code == 201
    assert inventory.on_hand(plate) == Decimal("40")
    too_much = send(planner_client, "post", url, {"quantity": 61, "location": "WH"})
    assert too_much.status_code == 400
    assert too_much.json()["code"] == "exceeds_open_quantity"
    order = planner_client.get(f"/api/v1/purchase-orders/{purchase_order.pk}").json()
    assert Decimal(str(order["lines"][0]["received_quantity"])) == 40
    assert (
        send(
            planner_client,
            "post",
            f"/api/v1/purchase-orders/{purchase_order.pk}/lines/9/receipts",
            body,
        ).status_code
        == 404
    )


def test_purchase_order_create_and_status_rules(planner_client, supplier, plate):
    body = {
        "supplier": "STEELCO",
        "order_date": "2030-03-01",
        "lines": [{"item": "PLATE", "quantity": 5, "due_date": "2030-03-09"}],
    }
    created = send(planner_client, "post", "/api/v1/purchase-orders", body)
    assert created.status_code == 201
    url = f"/api/v1/purchase-orders/{created.json()['id']}"
    assert (
        send(planner_client, "patch", url, {"status": "confirmed"}).json()["status"] == "confirmed"
    )
    refused = send(planner_client, "patch", url, {"status": "received"})
    assert refused.json()["code"] == "invalid_status"
    assert PurchaseOrder.objects.get().status == "confirmed"


def test_shipping_through_the_api(planner_client, sales_order, widget, warehouse):
    inventory.receive(None, item=widget, location=warehouse, quantity=3)
    url = f"/api/v1/sales-orders/{sales_order.pk}/lines/1/shipments"
    short = send(planner_client, "post", url, {"quantity": 4, "location": "WH"})
    assert short.json()["code"] == "insufficient_stock"
    assert send(planner_client, "post", url, {"quantity": 3, "location": "WH"}).status_code == 201
    assert inventory.on_hand(widget) == 0


def test_forecast_crud_and_uniqueness(planner_client, widget):
    body = {"item": "WIDGET", "date": "2030-05-01", "quantity": 100}
    created = send(planner_client, "post", "/api/v1/forecasts", body)
    assert created.status_code == 201
    duplicate = send(planner_client, "post", "/api/v1/forecasts", body)
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "duplicate_forecast"
    url = f"/api/v1/forecasts/{created.json()['id']}"
    assert (
        Decimal(str(send(planner_client, "patch", url, {"quantity": 80}).json()["quantity"])) == 80
    )
    assert send(planner_client, "patch", url, {"quantity": -1}).status_code == 400
    assert planner_client.get("/api/v1/forecasts", {"date_from": "2030-06-01"}).json()["count"] == 0
    assert send(planner_client, "delete", url).status_code == 204
    assert not Forecast.objects.exists()


def test_order_lists_do_not_query_per_row(
    planner_client, customer, widget, django_assert_max_num_queries
):
    from andon.orders import services

    for n in range(15):
        services.create_sales_order(
            None,
            customer=customer,
            order_date=dt.date(2030, 1, 1),
            lines=[services.LineInput(widget, Decimal(n + 1), dt.date(2030, 2, 1))] * 2,
        )
    with django_assert_max_num_queries(8):
        data = planner_client.get("/api/v1/sales-orders", {"limit": 50}).json()
    assert data["count"] == 15
    assert all(len(o["lines"]) == 2 for o in data["items"])
