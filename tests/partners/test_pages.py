"""Partner pages: customer and supplier detail pages, forms, permissions, query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from andon.partners.models import Customer, Supplier, SupplierItem

pytestmark = pytest.mark.django_db


def test_customer_page_lists_open_sales_orders(planner_client, customer, make_item):
    from andon.orders.models import SalesOrder

    item = make_item("PUMP")
    for number, status in [("SO-1", "open"), ("SO-2", "shipped")]:
        order = SalesOrder.objects.create(
            number=number, customer=customer, order_date=dt.date(2025, 1, 1), status=status
        )
        order.lines.create(
            line=1, item=item, quantity=5, due_date=dt.date(2025, 2, 1), unit_price=Decimal("10")
        )
    response = planner_client.get(reverse("partners:customer-detail", args=[customer.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "SO-1" in html
    assert "SO-2" not in html
    assert "50.00" in html


def test_supplier_page_lists_items_with_price_and_lead_time(planner_client, supplier, make_item):
    SupplierItem.objects.create(
        supplier=supplier,
        item=make_item("BOLT"),
        price=Decimal("0.25"),
        lead_time_days=7,
        preferred=True,
    )
    html = planner_client.get(
        reverse("partners:supplier-detail", args=[supplier.pk])
    ).content.decode()
    assert "BOLT" in html
    assert "0.25" in html
    assert "7 d" in html
    assert "preferred" in html


def test_viewer_cannot_edit(viewer_client, customer, supplier):
    assert (
        viewer_client.get(reverse("partners:customer-edit", args=[customer.pk])).status_code == 403
    )
    assert viewer_client.get(reverse("partners:supplier-create")).status_code == 403


def test_create_customer_and_bad_email(planner_client):
    response = planner_client.post(
        reverse("partners:customer-create"),
        {"code": "NEW", "name": "New", "priority": 2, "active": "on"},
    )
    assert response.status_code == 302
    response = planner_client.post(
        reverse("partners:customer-create"),
        {"code": "BAD", "name": "Bad", "priority": 1, "email": "nope"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not Customer.objects.filter(code="BAD").exists()


def test_add_preferred_item_moves_the_mark(planner_client, supplier, make_item):
    bolt = make_item("BOLT")
    other = Supplier.objects.create(code="FAST", name="Fast")
    SupplierItem.objects.create(supplier=other, item=bolt, preferred=True)
    response = planner_client.post(
        reverse("partners:supplieritem-create", args=[supplier.pk]),
        {
            "item": bolt.pk,
            "price": "1",
            "lead_time_days": 3,
            "min_order_qty": "0",
            "preferred": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert SupplierItem.objects.get(preferred=True).supplier == supplier


def test_customer_with_orders_delete_page(planner_client, customer):
    from andon.orders.models import SalesOrder

    SalesOrder.objects.create(number="SO-9", customer=customer, order_date=dt.date(2025, 1, 1))
    html = planner_client.get(
        reverse("partners:customer-delete", args=[customer.pk])
    ).content.decode()
    assert "still used by" in html
    assert "SO-9" in html


@pytest.mark.parametrize("url_name", ["partners:customer-list", "partners:supplier-list"])
def test_list_pages_query_count(planner_client, url_name, django_assert_max_num_queries):
    for n in range(30):
        Customer.objects.create(code=f"C{n}", name="C", country="DE")
        Supplier.objects.create(code=f"S{n}", name="S", country="FR")
    with django_assert_max_num_queries(10):
        response = planner_client.get(reverse(url_name))
    assert response.status_code == 200


def test_country_filter_offers_the_countries_in_use_and_narrows(planner_client):
    for code, country in [("C1", "DE"), ("C2", "FR"), ("C3", "DE"), ("C4", "")]:
        Customer.objects.create(code=code, name=code, country=country)
    page = planner_client.get(reverse("partners:customer-list"))
    (country,) = [f for f in page.context["filters"] if f["name"] == "country"]
    assert [value for value, _ in country["options"]] == ["DE", "FR"]
    narrowed = planner_client.get(reverse("partners:customer-list") + "?country=FR")
    assert "C2" in narrowed.content.decode()
    assert "C1" not in narrowed.content.decode()
