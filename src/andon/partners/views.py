"""Pages of the partners context: customers and suppliers with the items they supply.

Thin: read with few queries, hand writes to `andon.partners.services`, check the capability on
every page. What other contexts know about a partner (its orders) shows through the panels they
register for these pages.
"""

from typing import Any

from django import forms
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.core.crud import RecordPages, editable
from andon.core.listing import Column, Filter, ListPage
from andon.core.pages import delete_page, form_page, form_values
from andon.core.panels import panels
from andon.partners import services
from andon.partners.forms import CustomerForm, SupplierForm, SupplierItemForm
from andon.partners.models import Customer, Supplier, SupplierItem

CHANGE = "partners.change"
# The order status the "Open orders" column counts: named, not imported, as partners sits
# below orders.
OPEN = "open"


def _pages(model: Any, url: str, noun: str, **spec: Any) -> RecordPages:
    return RecordPages(model, url, CHANGE, can, noun, **spec)


# --- customers ----------------------------------------------------------------------------------

CUSTOMERS = _pages(
    Customer, "partners:customer", "customer", form=CustomerForm,
    create=services.create_customer, update=services.update_customer,
    delete=services.delete_customer,
    list_page=ListPage(
        title="Customers",
        queryset=lambda: Customer.objects.annotate(
            orders=Count("sales_orders", filter=Q(sales_orders__status=OPEN))
        ),
        columns=[
            Column("Code", "code", sort="code", link=True),
            Column("Name", "name", sort="name"),
            Column("Country", "country", sort="country"),
            Column("Email", "email"),
            Column("Priority", "priority", sort="priority", numeric=True),
            Column("Open orders", "orders", sort="orders", numeric=True),
        ],
        search_fields=["code", "name", "email"],
        filters=[Filter.in_use(Customer, "country", "Country")],
        default_sort="code",
    ),
)  # fmt: skip


@requires("view")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = CUSTOMERS.get(pk)
    return render(
        request,
        "partners/customer_detail.html",
        {
            "customer": customer,
            "panels": panels(request, "partners.customer", customer),
            "can_change": CUSTOMERS.may_change(request),
        },
    )


# --- suppliers ----------------------------------------------------------------------------------

SUPPLIERS = _pages(
    Supplier, "partners:supplier", "supplier", form=SupplierForm,
    create=services.create_supplier, update=services.update_supplier,
    delete=services.delete_supplier, cascades="the list of items they supply",
    list_page=ListPage(
        title="Suppliers",
        queryset=lambda: Supplier.objects.annotate(items=Count("supplied_items")),
        columns=[
            Column("Code", "code", sort="code", link=True),
            Column("Name", "name", sort="name"),
            Column("Country", "country", sort="country"),
            Column("Email", "email"),
            Column("Items supplied", "items", sort="items", numeric=True),
        ],
        search_fields=["code", "name", "email"],
        filters=[Filter.in_use(Supplier, "country", "Country")],
        default_sort="code",
    ),
)  # fmt: skip


@requires("view")
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = SUPPLIERS.get(pk)
    items = supplier.supplied_items.select_related("item", "item__uom").order_by("item__sku")
    return render(
        request,
        "partners/supplier_detail.html",
        {
            "supplier": supplier,
            "items": items,
            "panels": panels(request, "partners.supplier", supplier),
            "can_change": SUPPLIERS.may_change(request),
        },
    )


def _supplier_item_values(form: forms.ModelForm[SupplierItem]) -> dict[str, object]:
    return {**form_values(form), "preferred": form.cleaned_data["preferred"]}


@requires(CHANGE)
def supplier_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=pk)
    return form_page(
        request,
        SupplierItemForm(request.POST or None, instance=SupplierItem(supplier=supplier)),
        title=f"New item supplied by {supplier}",
        cancel_url=reverse("partners:supplier-detail", args=[pk]),
        save=lambda form: services.create_supplier_item(
            request.user, {"supplier": supplier, **_supplier_item_values(form)}
        ),
        done=lambda _: reverse("partners:supplier-detail", args=[pk]),
    )


@requires(CHANGE)
def supplier_item_edit(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    source = get_object_or_404(
        SupplierItem.objects.select_related("item"), pk=item_id, supplier_id=pk
    )
    return form_page(
        request,
        SupplierItemForm(request.POST or None, instance=editable(source)),
        title=f"Edit {source}",
        cancel_url=reverse("partners:supplier-detail", args=[pk]),
        save=lambda form: services.update_supplier_item(
            request.user, source, _supplier_item_values(form)
        ),
        done=lambda _: reverse("partners:supplier-detail", args=[pk]),
    )


@requires(CHANGE)
def supplier_item_delete(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    source = get_object_or_404(
        SupplierItem.objects.select_related("item", "supplier"), pk=item_id, supplier_id=pk
    )
    return delete_page(
        request,
        source,
        delete=lambda: services.delete_supplier_item(request.user, source),
        cancel_url=reverse("partners:supplier-detail", args=[pk]),
        done_url=reverse("partners:supplier-detail", args=[pk]),
    )
