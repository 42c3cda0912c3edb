"""Pages for demand and supply: order lists, order documents, entry forms and goods receipt.

Views only read and present; every change goes through `orders.services`, and a refused change
comes back as an error shown on the form rather than a broken page.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.core.errors import DomainError
from andon.core.listing import Column, Filter, ListPage, render_list
from andon.inventory.services import fmt
from andon.orders import services
from andon.orders.forms import (
    ForecastForm,
    ReceiveForm,
    show_errors,
)
from andon.orders.models import (
    Forecast,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)

CHANGE = "orders.change"
DUE_SOON_DAYS = 3


def lateness(line: SalesOrderLine | PurchaseOrderLine, today: dt.date) -> tuple[str, str]:
    """A line's delivery state as (label, badge class): done, late, due soon or on time."""
    if line.open_quantity == 0:
        return "Done", "ok"
    if line.due_date < today:
        days = (today - line.due_date).days
        return f"Late {days} d", "late"
    if (line.due_date - today).days <= DUE_SOON_DAYS:
        return "Due soon", "warn"
    return "On time", "info"


# --- sales orders -------------------------------------------------------------------------------


def order_lines_page(
    title: str,
    subtitle: str,
    line_model: Any,
    statuses: Any,
    partner: str,
    delivered: str,
    url: str,
) -> ListPage:
    """A list of open orders, one row per line: sales and purchase orders look the same."""
    return ListPage(
        title=title,
        subtitle=subtitle,
        queryset=lambda: line_model.objects.select_related(f"order__{partner}", "item"),
        columns=[
            Column("Order", "order.number", sort="order__number", link=True),
            Column("Line", "line", numeric=True),
            Column(partner.title(), f"order.{partner}.name", sort=f"order__{partner}__name"),
            Column("Item", "item.sku", sort="item__sku"),
            Column("Quantity", "quantity", sort="quantity", numeric=True),
            Column(delivered.split("_")[0].title(), delivered, numeric=True),
            Column("Due", "due_date", sort="due_date"),
            Column("Status", "order.get_status_display", sort="order__status", badge=True),
        ],
        search_fields=["order__number", f"order__{partner}__name", "item__sku"],
        filters=[Filter("status", "Status", "order__status", statuses)],
        default_sort="due_date",
        detail_url=lambda line: reverse(f"orders:{url}-detail", args=[line.order_id]),
        create_url_name=f"orders:{url}-create",
        create_capability=CHANGE,
    )


SALES = order_lines_page(
    "Sales orders", "Open customer demand, one row per order line.",
    SalesOrderLine, SalesOrder.Status.choices, "customer", "shipped_quantity", "salesorder",
)  # fmt: skip


@requires("view")
def sales_order_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, SALES)


def _with_lines(model: type[SalesOrder] | type[PurchaseOrder], pk: int) -> Any:
    line_model = SalesOrderLine if model is SalesOrder else PurchaseOrderLine
    lines: QuerySet[Any] = line_model.objects.select_related("item__uom").order_by("line")
    partner = "customer" if model is SalesOrder else "supplier"
    return get_object_or_404(
        model.objects.select_related(partner).prefetch_related(Prefetch("lines", lines)), pk=pk
    )


def _document(order: Any, delivered: str) -> dict[str, Any]:
    """What both order documents show: lines with open quantity and lateness, and totals."""
    today = timezone.localdate()
    rows = []
    for line in order.lines.all():
        label, badge = lateness(line, today)
        value = line.quantity * line.unit_price if line.unit_price is not None else None
        rows.append(
            {
                "line": line,
                "delivered": getattr(line, delivered),
                "state": label,
                "badge": badge,
                "value": value,
            }
        )
    late = sum(1 for r in rows if r["badge"] == "late") if order.status not in ("cancelled",) else 0
    return {
        "order": order,
        "rows": rows,
        "late": late,
        "open_lines": sum(1 for r in rows if r["line"].open_quantity > 0),
        "total_value": sum((r["value"] for r in rows if r["value"] is not None), start=0),
        "can_change": can_change(order),
    }


def can_change(order: Any) -> bool:
    return order.status not in ("cancelled", "shipped", "received")


@requires("view")
def sales_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _with_lines(SalesOrder, pk)
    context = _document(order, "shipped_quantity")
    context["may_change"] = can(request.user, CHANGE) and context["can_change"]
    return render(request, "orders/salesorder_detail.html", context)


# --- purchase orders ----------------------------------------------------------------------------

PURCHASES = order_lines_page(
    "Purchase orders", "Open supply from suppliers, one row per order line.",
    PurchaseOrderLine, PurchaseOrder.Status.choices, "supplier", "received_quantity",
    "purchaseorder",
)  # fmt: skip


@requires("view")
def purchase_order_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, PURCHASES)


def _receivable(order: PurchaseOrder) -> list[PurchaseOrderLine]:
    if order.status in (PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.CANCELLED):
        return []
    return [ln for ln in order.lines.all() if ln.open_quantity > 0]


def _purchase_page(
    request: HttpRequest, order: PurchaseOrder, form: ReceiveForm | None
) -> HttpResponse:
    context = _document(order, "received_quantity")
    context["may_change"] = can(request.user, CHANGE) and context["can_change"]
    open_lines = _receivable(order)
    if context["may_change"] and open_lines:
        context["receive_form"] = form or ReceiveForm(lines=open_lines)
    return render(request, "orders/purchaseorder_detail.html", context)


@requires("view")
def purchase_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _purchase_page(request, _with_lines(PurchaseOrder, pk), None)


@require_POST
@requires(CHANGE)
def purchase_order_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """Book a delivery; on success go back to the order (a reload does not receive twice)."""
    order = _with_lines(PurchaseOrder, pk)
    form = ReceiveForm(request.POST, lines=_receivable(order))
    if form.is_valid():
        data = form.cleaned_data
        line = next(ln for ln in order.lines.all() if ln.line == data["line"])
        try:
            services.receive_purchase_line(
                request.user, line, quantity=data["quantity"], location=data["location"],
                lot_code=data["lot_code"], expires_on=data["expires_on"],
                client_id=data["client_id"],
            )  # fmt: skip
        except DomainError as exc:
            show_errors(exc, form, [])
        else:
            amount = f"{fmt(data['quantity'])} {line.item.uom.code} of {line.item.sku}"
            messages.success(request, f"Received {amount} on line {line.line}.")
            return HttpResponseRedirect(reverse("orders:purchaseorder-detail", args=[pk]))
    return _purchase_page(request, order, form)


# --- forecasts ----------------------------------------------------------------------------------

FORECASTS = ListPage(
    title="Forecasts",
    subtitle="Expected demand per item and date; sales orders consume it.",
    queryset=lambda: Forecast.objects.select_related("item__uom"),
    columns=[
        Column("Item", "item.sku", sort="item__sku"),
        Column("Name", "item.name"),
        Column("Date", "date", sort="date"),
        Column("Quantity", "quantity", sort="quantity", numeric=True),
        Column("Unit", "item.uom.code"),
    ],
    search_fields=["item__sku", "item__name"],
    default_sort="date",
    create_url_name="orders:forecast-create",
    create_capability=CHANGE,
)


@requires("view")
def forecast_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, FORECASTS)


@requires(CHANGE)
def forecast_create(request: HttpRequest) -> HttpResponse:
    form = ForecastForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_forecast(
                request.user, item=data["item"], date=data["date"], quantity=data["quantity"]
            )
        except DomainError as exc:
            show_errors(exc, form, [])
        else:
            messages.success(request, f"Forecast for {data['item'].sku} on {data['date']} saved.")
            return HttpResponseRedirect(reverse("orders:forecast-list"))
    return render(
        request,
        "core/form.html",
        {"title": "Enter a forecast", "form": form, "cancel_url": reverse("orders:forecast-list")},
    )
