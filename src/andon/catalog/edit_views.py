"""Write pages of the catalog's structure: BOM lines and routing operations.

Items and units are plain master data (`views.ITEMS`, `views.UNITS`); a line or an operation
belongs to its item, so it is added from the item's pages and goes back there. Thin: a form
parses the input, a service decides and writes, and whatever the service refuses (a loop in the
bill, a taken sequence) is shown on the form next to the field it concerns.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from andon.accounts.permissions import requires
from andon.catalog import services
from andon.catalog.forms import BomLineForm, OperationForm
from andon.catalog.models import BomLine, Item, Operation
from andon.core.crud import editable
from andon.core.pages import delete_page, form_page

CHANGE = "catalog.change"


def _bom_url(item_id: int) -> str:
    return reverse("catalog:item-bom", args=[item_id])


# --- BOM lines ----------------------------------------------------------------------------------


@requires(CHANGE)
def bom_line_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = get_object_or_404(Item, pk=pk)
    form = BomLineForm(request.POST or None, initial={"scrap_percent": 0})
    return form_page(
        request,
        form,
        title=f"Add a component to {parent.sku}",
        cancel_url=_bom_url(parent.pk),
        save=lambda form: services.add_bom_line(request.user, parent=parent, **form.values()),
        done=lambda line: _bom_url(parent.pk),
    )


@requires(CHANGE)
def bom_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(BomLine.objects.select_related("parent", "component"), pk=pk)
    initial = {
        "component": line.component.sku,
        "quantity": line.quantity.normalize(),
        "scrap_percent": line.scrap_percent.normalize(),
        "position": line.position,
        "valid_from": line.valid_from,
        "valid_to": line.valid_to,
        "operation_sequence": line.operation_sequence,
    }
    form = BomLineForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        title=f"Edit line {line.position} of {line.parent.sku}",
        cancel_url=_bom_url(line.parent_id),
        save=lambda form: services.update_bom_line(request.user, line, form.values()),
        done=lambda saved: _bom_url(line.parent_id),
    )


@requires(CHANGE)
def bom_line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(BomLine.objects.select_related("parent", "component"), pk=pk)
    return delete_page(
        request,
        line,
        cancel_url=_bom_url(line.parent_id),
        done_url=_bom_url(line.parent_id),
        delete=lambda: services.remove_bom_line(request.user, line),
    )


# --- routing operations -------------------------------------------------------------------------


def _routing_url(item_id: int) -> str:
    return reverse("catalog:item-detail", args=[item_id]) + "#routing"


@requires(CHANGE)
def operation_create(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Item, pk=pk)
    last = item.operations.order_by("-sequence").values_list("sequence", flat=True).first()
    form = OperationForm(request.POST or None, initial={"sequence": (last or 0) + 10})
    return form_page(
        request,
        form,
        title=f"Add an operation to {item.sku}",
        cancel_url=_routing_url(item.pk),
        save=lambda form: services.create_operation(
            request.user, {"item": item, **form.cleaned_data}
        ),
        done=lambda op: _routing_url(item.pk),
    )


@requires(CHANGE)
def operation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    operation = get_object_or_404(Operation.objects.select_related("item"), pk=pk)
    form = OperationForm(request.POST or None, instance=editable(operation))
    return form_page(
        request,
        form,
        title=f"Edit operation {operation.sequence} of {operation.item.sku}",
        cancel_url=_routing_url(operation.item_id),
        save=lambda form: services.update_operation(request.user, operation, form.cleaned_data),
        done=lambda op: _routing_url(operation.item_id),
    )


@requires(CHANGE)
def operation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    operation = get_object_or_404(Operation.objects.select_related("item", "work_center"), pk=pk)
    return delete_page(
        request,
        operation,
        cancel_url=_routing_url(operation.item_id),
        done_url=_routing_url(operation.item_id),
        delete=lambda: services.delete_operation(request.user, operation),
    )
