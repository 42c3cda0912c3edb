"""Pages of the partners context: customers with their open orders, suppliers with their items.

Thin: read with few queries, hand writes to `andon.partners.services`, check the capability on
every page.
"""

from decimal import Decimal

from django import forms
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.core.listing import Column, Filter, ListPage, render_list
from andon.core.pages import delete_page, form_page, form_values
from andon.orders.models import PurchaseOrder, SalesOrder, SalesOrderLine
from andon.partners import services
from andon.partners.forms import CustomerForm, SupplierForm, SupplierItemForm
from andon.partners.models import Customer, Supplier, SupplierItem

CHANGE = "partners.change"


def _countries(model: type[Customer] | type[Supplier]) -> list[tuple[str, str]]:
    values = model.objects.exclude(country="").order_by("country").values_list("country", flat=True)
    return [(c, c) for c in values.distinct()]


# --- customers ----------------------------------------------------------------------------------

CUSTOMERS = ListPage(
    title="Customers",
    queryset=lambda: Customer.objects.annotate(
        orders=Count("sales_orders", filter=Q(sales_orders__status=SalesOrder.Status.OPEN))
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
    filters=[Filter("country", "Country", "country", lambda: _countries(Customer))],
    default_sort="code",
    detail_url=lambda c: reverse("partners:customer-detail", args=[c.pk]),
    create_url_name="partners:customer-create",
    create_capability=CHANGE,
)


@requires("view")
def customer_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, CUSTOMERS)


@requires("view")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    orders = (
        customer.sales_orders.filter(status=SalesOrder.Status.OPEN)
        .prefetch_related(Prefetch("lines", queryset=SalesOrderLine.objects.select_related("item")))
        .order_by("order_date", "number")
    )
    rows = []
    for order in orders:
        lines = list(order.lines.all())
        open_lines = [line for line in lines if line.open_quantity > 0]
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
    change = can(request.user, CHANGE)
    return render(
        request,
        "partners/customer_detail.html",
        {"customer": customer, "orders": rows, "can_change": change},
    )


@requires(CHANGE)
def customer_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        CustomerForm(request.POST or None),
        title="New customer",
        cancel_url=reverse("partners:customer-list"),
        save=lambda form: services.create_customer(request.user, form_values(form)),
        done=lambda c: reverse("partners:customer-detail", args=[c.pk]),
    )


@requires(CHANGE)
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    return form_page(
        request,
        CustomerForm(request.POST or None, instance=Customer.objects.get(pk=pk)),
        title=f"Edit {customer}",
        cancel_url=reverse("partners:customer-detail", args=[pk]),
        save=lambda form: services.update_customer(request.user, customer, form_values(form)),
        done=lambda c: reverse("partners:customer-detail", args=[c.pk]),
    )


@requires(CHANGE)
def customer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    return delete_page(
        request,
        customer,
        delete=lambda: services.delete_customer(request.user, customer),
        cancel_url=reverse("partners:customer-detail", args=[pk]),
        done_url=reverse("partners:customer-list"),
    )


# --- suppliers ----------------------------------------------------------------------------------

SUPPLIERS = ListPage(
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
    filters=[Filter("country", "Country", "country", lambda: _countries(Supplier))],
    default_sort="code",
    detail_url=lambda s: reverse("partners:supplier-detail", args=[s.pk]),
    create_url_name="partners:supplier-create",
    create_capability=CHANGE,
)


@requires("view")
def supplier_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, SUPPLIERS)


@requires("view")
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=pk)
    items = supplier.supplied_items.select_related("item", "item__uom").order_by("item__sku")
    open_orders = supplier.purchase_orders.exclude(
        status__in=[PurchaseOrder.Status.RECEIVED, PurchaseOrder.Status.CANCELLED]
    ).annotate(n_lines=Count("lines"))
    return render(
        request,
        "partners/supplier_detail.html",
        {
            "supplier": supplier,
            "items": items,
            "open_orders": open_orders,
            "can_change": can(request.user, CHANGE),
        },
    )


@requires(CHANGE)
def supplier_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        SupplierForm(request.POST or None),
        title="New supplier",
        cancel_url=reverse("partners:supplier-list"),
        save=lambda form: services.create_supplier(request.user, form_values(form)),
        done=lambda s: reverse("partners:supplier-detail", args=[s.pk]),
    )


@requires(CHANGE)
def supplier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=pk)
    return form_page(
        request,
        SupplierForm(request.POST or None, instance=Supplier.objects.get(pk=pk)),
        title=f"Edit {supplier}",
        cancel_url=reverse("partners:supplier-detail", args=[pk]),
        save=lambda form: services.update_supplier(request.user, supplier, form_values(form)),
        done=lambda s: reverse("partners:supplier-detail", args=[s.pk]),
    )


@requires(CHANGE)
def supplier_delete(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=pk)
    return delete_page(
        request,
        supplier,
        delete=lambda: services.delete_supplier(request.user, supplier),
        cancel_url=reverse("partners:supplier-detail", args=[pk]),
        done_url=reverse("partners:supplier-list"),
        cascades="the list of items they supply",
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
        SupplierItemForm(request.POST or None, instance=SupplierItem.objects.get(pk=item_id)),
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
