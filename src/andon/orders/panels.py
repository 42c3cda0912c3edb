"""What orders show on the partners' pages: a customer's open sales orders, a supplier's
open purchase orders."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch
from django.http import HttpRequest

from andon.core.panels import register_panel
from andon.orders.models import PurchaseOrder, SalesOrder, SalesOrderLine


def open_sales_orders(request: HttpRequest, customer: Any) -> dict[str, Any]:
    """The customer's open orders, oldest first, with their open lines, next due date and value."""
    orders = (
        SalesOrder.objects.filter(customer=customer, status=SalesOrder.Status.OPEN)
        .prefetch_related(Prefetch("lines", queryset=SalesOrderLine.objects.select_related("item")))
        .order_by("order_date", "number")
    )
    rows = []
    for order in orders:
        open_lines = [line for line in order.lines.all() if line.open_quantity > 0]
        value = sum(
            (line.open_quantity * (line.unit_price or Decimal("0")) for line in open_lines),
            Decimal("0"),
        )
        rows.append(
            {
                "order": order,
                "open_lines": len(open_lines),
                "due": min((line.due_date for line in open_lines), default=None),
                "value": value,
            }
        )
    return {"orders": rows}


def open_purchase_orders(request: HttpRequest, supplier: Any) -> dict[str, Any]:
    """The supplier's orders not yet received or cancelled, with their number of lines."""
    done = [PurchaseOrder.Status.RECEIVED, PurchaseOrder.Status.CANCELLED]
    orders = PurchaseOrder.objects.filter(supplier=supplier).exclude(status__in=done)
    return {"open_orders": orders.annotate(n_lines=Count("lines"))}


def register() -> None:
    register_panel(
        "partners.customer",
        "open-sales-orders",
        context=open_sales_orders,
        cards="orders/_customer_cards.html",
        section="orders/_customer_orders.html",
    )
    register_panel(
        "partners.supplier",
        "open-purchase-orders",
        context=open_purchase_orders,
        cards="orders/_supplier_cards.html",
        section="orders/_supplier_orders.html",
    )
