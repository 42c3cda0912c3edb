from django.db.models import Count
from django.http import HttpRequest, HttpResponse

from andon.core.listing import Column, ListPage, render_list
from andon.partners.models import Customer, Supplier

CUSTOMERS = ListPage(
    title="Customers",
    queryset=lambda: Customer.objects.annotate(orders=Count("sales_orders")),
    columns=[
        Column("Code", "code", sort="code"),
        Column("Name", "name", sort="name"),
        Column("Country", "country", sort="country"),
        Column("Email", "email"),
        Column("Priority", "priority", sort="priority", numeric=True),
        Column("Orders", "orders", sort="orders", numeric=True),
    ],
    search_fields=["code", "name", "email"],
    default_sort="code",
)


def customer_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, CUSTOMERS)


SUPPLIERS = ListPage(
    title="Suppliers",
    queryset=lambda: Supplier.objects.annotate(items=Count("supplied_items")),
    columns=[
        Column("Code", "code", sort="code"),
        Column("Name", "name", sort="name"),
        Column("Country", "country", sort="country"),
        Column("Email", "email"),
        Column("Items supplied", "items", sort="items", numeric=True),
    ],
    search_fields=["code", "name", "email"],
    default_sort="code",
)


def supplier_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, SUPPLIERS)
