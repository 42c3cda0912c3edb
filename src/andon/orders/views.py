from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from andon.core.detail import render_detail
from andon.core.listing import Column, Filter, ListPage, render_list
from andon.orders.models import Forecast, PurchaseOrderLine, SalesOrder, SalesOrderLine

SALES = ListPage(
    title="Sales orders",
    subtitle="Open customer demand, one row per order line.",
    queryset=lambda: SalesOrderLine.objects.select_related("order__customer", "item"),
    columns=[
        Column("Order", "order.number", sort="order__number", link=True),
        Column("Line", "line", numeric=True),
        Column("Customer", "order.customer.name", sort="order__customer__name"),
        Column("Item", "item.sku", sort="item__sku"),
        Column("Quantity", "quantity", sort="quantity", numeric=True),
        Column("Shipped", "shipped_quantity", numeric=True),
        Column("Due", "due_date", sort="due_date"),
        Column("Status", "order.get_status_display", sort="order__status", badge=True),
    ],
    search_fields=["order__number", "order__customer__name", "item__sku"],
    filters=[Filter("status", "Status", "order__status", SalesOrder.Status.choices)],
    default_sort="due_date",
    detail_url=lambda line: reverse("orders:salesorder-detail", args=[line.order_id]),
)


def sales_order_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, SALES)


def sales_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(SalesOrder.objects.select_related("customer"), pk=pk)
    lines = order.lines.select_related("item")
    related = [
        {
            "title": "Lines",
            "headers": ["Line", "Item", "Quantity", "Shipped", "Due"],
            "rows": [
                [ln.line, ln.item.sku, ln.quantity, ln.shipped_quantity, ln.due_date]
                for ln in lines
            ],
        }
    ]
    return render_detail(
        request,
        order,
        title=f"Sales order {order.number}",
        back_url=reverse("orders:salesorder-list"),
        related=related,
    )


PURCHASES = ListPage(
    title="Purchase orders",
    subtitle="Open supply from suppliers, one row per order line.",
    queryset=lambda: PurchaseOrderLine.objects.select_related("order__supplier", "item"),
    columns=[
        Column("Order", "order.number", sort="order__number"),
        Column("Line", "line", numeric=True),
        Column("Supplier", "order.supplier.name", sort="order__supplier__name"),
        Column("Item", "item.sku", sort="item__sku"),
        Column("Quantity", "quantity", sort="quantity", numeric=True),
        Column("Received", "received_quantity", numeric=True),
        Column("Due", "due_date", sort="due_date"),
        Column("Status", "order.get_status_display", sort="order__status", badge=True),
    ],
    search_fields=["order__number", "order__supplier__name", "item__sku"],
    default_sort="due_date",
)


def purchase_order_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, PURCHASES)


FORECASTS = ListPage(
    title="Forecasts",
    queryset=lambda: Forecast.objects.select_related("item"),
    columns=[
        Column("Item", "item.sku", sort="item__sku"),
        Column("Name", "item.name"),
        Column("Date", "date", sort="date"),
        Column("Quantity", "quantity", sort="quantity", numeric=True),
    ],
    search_fields=["item__sku", "item__name"],
    default_sort="date",
)


def forecast_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, FORECASTS)
