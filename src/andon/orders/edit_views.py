"""Order entry: create, change and cancel sales and purchase orders with their lines.

Both kinds of order are entered the same way (a header form and a formset of lines, handed to
the service together, whose refusals come back on the form, by line); what differs is declared
in an `OrderEntry`. An order that is shipped, received or cancelled cannot be changed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from andon.accounts.roles import can
from andon.core.crud import guard
from andon.core.errors import DomainError
from andon.orders import services
from andon.orders.forms import (
    LineFormSet,
    PurchaseOrderForm,
    SalesOrderForm,
    lines_from,
    show_errors,
)
from andon.orders.models import PurchaseOrder, SalesOrder
from andon.orders.views import CHANGE, _with_lines, can_change


def _line_initial(order: Any) -> list[dict[str, Any]]:
    return [
        {
            "line": ln.line,
            "item": ln.item_id,
            "quantity": ln.quantity.normalize(),
            "due_date": ln.due_date,
            "unit_price": ln.unit_price,
        }
        for ln in order.lines.all()
    ]


@dataclass(frozen=True)
class OrderEntry:
    """One kind of order: its model, header form and fields, URL names and use cases."""

    label: str
    url: str
    model: Any
    header: type[forms.Form]
    fields: tuple[str, ...]
    create: Callable[..., Any]
    update: Callable[..., Any]
    cancel: Callable[[Any, Any], Any]
    defaults: tuple[tuple[str, str], ...] = ()

    def _page(self, name: str, *args: Any) -> str:
        return reverse(f"orders:{self.url}-{name}", args=list(args))

    def _form(
        self,
        request: HttpRequest,
        header: Any,
        formset: Any,
        save: Any,
        cancel_url: str,
        title: str,
    ) -> HttpResponse:
        """Validate header and lines, call the service; show its problems on the form if refused."""
        if request.method == "POST" and header.is_valid() and formset.is_valid():
            entries, sources = lines_from(formset)
            try:
                order = save(header.cleaned_data, entries)
            except DomainError as exc:
                show_errors(exc, header, sources)
            else:
                messages.success(request, f"{self.label} {order.number} saved.")
                return HttpResponseRedirect(self._page("detail", order.pk))
        return render(
            request,
            "orders/order_form.html",
            {"title": title, "form": header, "formset": formset, "cancel_url": cancel_url},
        )

    def create_view(self, request: HttpRequest) -> HttpResponse:
        guard(can, request, CHANGE)
        data = request.POST if request.method == "POST" else None
        header = self.header(
            data, initial={"order_date": timezone.localdate(), **dict(self.defaults)}
        )
        formset = LineFormSet(data, prefix="lines")

        def save(cleaned: dict[str, Any], lines: list[services.LineInput]) -> Any:
            return self.create(request.user, lines=lines, **cleaned)

        title = f"New {self.label.lower()}"
        return self._form(request, header, formset, save, self._page("list"), title)

    def edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        guard(can, request, CHANGE)
        order = _with_lines(self.model, pk)
        back = self._page("detail", pk)
        if not can_change(order):
            state = order.get_status_display().lower()
            messages.error(request, f"Order {order.number} is {state}: it cannot be changed.")
            return HttpResponseRedirect(back)
        data = request.POST if request.method == "POST" else None
        meta = self.model._meta
        initial = {name: getattr(order, meta.get_field(name).attname) for name in self.fields}
        header = self.header(data, initial=initial)
        formset = LineFormSet(data, prefix="lines", initial=_line_initial(order))

        def save(cleaned: dict[str, Any], lines: list[services.LineInput]) -> Any:
            return self.update(request.user, order, changes=cleaned, lines=lines)

        title = f"Edit {self.label.lower()} {order.number}"
        return self._form(request, header, formset, save, back, title)

    def cancel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        guard(can, request, CHANGE)
        order = get_object_or_404(self.model, pk=pk)
        try:
            self.cancel(request.user, order)
            messages.success(request, f"{self.label} {order.number} cancelled.")
        except DomainError as exc:
            messages.error(request, exc.detail)
        return HttpResponseRedirect(self._page("detail", pk))


SALES_ORDERS = OrderEntry(
    "Sales order", "salesorder", SalesOrder, SalesOrderForm,
    ("number", "customer", "order_date", "customer_reference"),
    services.create_sales_order, services.update_sales_order, services.cancel_sales_order,
)  # fmt: skip
PURCHASE_ORDERS = OrderEntry(
    "Purchase order", "purchaseorder", PurchaseOrder, PurchaseOrderForm,
    ("number", "supplier", "order_date", "status"),
    services.create_purchase_order, services.update_purchase_order,
    services.cancel_purchase_order, defaults=(("status", "sent"),),
)  # fmt: skip

sales_order_create = SALES_ORDERS.create_view
sales_order_edit = SALES_ORDERS.edit_view
sales_order_cancel = require_POST(SALES_ORDERS.cancel_view)
purchase_order_create = PURCHASE_ORDERS.create_view
purchase_order_edit = PURCHASE_ORDERS.edit_view
purchase_order_cancel = require_POST(PURCHASE_ORDERS.cancel_view)
