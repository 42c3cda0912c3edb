"""Write pages of the catalog: create, edit and delete items, BOM lines, operations and units.

Thin: a form parses the input, a service decides and writes, and whatever the service refuses
(a loop in the bill, a taken SKU) is shown on the form next to the field it concerns.
"""

import copy
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from andon.accounts.permissions import requires
from andon.catalog import services
from andon.catalog.forms import BomLineForm, ItemForm, OperationForm, UnitForm, show_problems
from andon.catalog.models import BomLine, Item, Operation, UnitOfMeasure
from andon.core.errors import DomainError

CHANGE = "catalog.change"


def _form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    cancel_url: str,
    save: Callable[[dict[str, Any]], models.Model],
    done_url: Callable[[models.Model], str],
) -> HttpResponse:
    """Show the form; on a valid POST call `save` with the values, or show what it refused."""
    if request.method == "POST" and form.is_valid():
        values = form.values() if isinstance(form, BomLineForm) else dict(form.cleaned_data)
        try:
            saved = save(values)
        except DomainError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, f"Saved {saved}.")
            return redirect(done_url(saved))
    return render(
        request, "core/form.html", {"form": form, "title": title, "cancel_url": cancel_url}
    )


def _delete_page(
    request: HttpRequest,
    instance: models.Model,
    *,
    cancel_url: str,
    done_url: str,
    delete: Callable[[], None],
) -> HttpResponse:
    """Confirm, then delete; a record still in use stays and the page says who uses it."""
    if request.method == "POST":
        label = str(instance)
        try:
            delete()
        except DomainError as exc:
            messages.error(request, exc.detail)
            return redirect(cancel_url)
        messages.success(request, f"Deleted {label}.")
        return redirect(done_url)
    return render(
        request, "core/record_delete.html", {"object": instance, "cancel_url": cancel_url}
    )


def _item_url(item: models.Model) -> str:
    return reverse("catalog:item-detail", args=[item.pk])


def _bom_url(item_id: int) -> str:
    return reverse("catalog:item-bom", args=[item_id])


# --- items --------------------------------------------------------------------------------------


@requires(CHANGE)
def item_create(request: HttpRequest) -> HttpResponse:
    form = ItemForm(request.POST or None)
    return _form_page(
        request,
        form,
        title="New item",
        cancel_url=reverse("catalog:item-list"),
        save=lambda values: services.create_item(request.user, values),
        done_url=_item_url,
    )


@requires(CHANGE)
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Item, pk=pk)
    # The form works on a copy: the service must see the record as it was to audit the change.
    form = ItemForm(request.POST or None, instance=copy.copy(item))
    return _form_page(
        request,
        form,
        title=f"Edit {item.sku}",
        cancel_url=_item_url(item),
        save=lambda values: services.update_item(request.user, item, values),
        done_url=_item_url,
    )


@requires(CHANGE)
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Item, pk=pk)
    return _delete_page(
        request,
        item,
        cancel_url=_item_url(item),
        done_url=reverse("catalog:item-list"),
        delete=lambda: services.delete_item(request.user, item),
    )


# --- BOM lines ----------------------------------------------------------------------------------


@requires(CHANGE)
def bom_line_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = get_object_or_404(Item, pk=pk)
    form = BomLineForm(request.POST or None, initial={"scrap_percent": 0})
    return _form_page(
        request,
        form,
        title=f"Add a component to {parent.sku}",
        cancel_url=_bom_url(parent.pk),
        save=lambda values: services.add_bom_line(request.user, parent=parent, **values),
        done_url=lambda line: _bom_url(parent.pk),
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
    return _form_page(
        request,
        form,
        title=f"Edit line {line.position} of {line.parent.sku}",
        cancel_url=_bom_url(line.parent_id),
        save=lambda values: services.update_bom_line(request.user, line, values),
        done_url=lambda saved: _bom_url(line.parent_id),
    )


@requires(CHANGE)
def bom_line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(BomLine.objects.select_related("parent", "component"), pk=pk)
    return _delete_page(
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
    return _form_page(
        request,
        form,
        title=f"Add an operation to {item.sku}",
        cancel_url=_routing_url(item.pk),
        save=lambda values: services.create_operation(request.user, {"item": item, **values}),
        done_url=lambda op: _routing_url(item.pk),
    )


@requires(CHANGE)
def operation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    operation = get_object_or_404(Operation.objects.select_related("item"), pk=pk)
    form = OperationForm(request.POST or None, instance=copy.copy(operation))
    return _form_page(
        request,
        form,
        title=f"Edit operation {operation.sequence} of {operation.item.sku}",
        cancel_url=_routing_url(operation.item_id),
        save=lambda values: services.update_operation(request.user, operation, values),
        done_url=lambda op: _routing_url(operation.item_id),
    )


@requires(CHANGE)
def operation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    operation = get_object_or_404(Operation.objects.select_related("item", "work_center"), pk=pk)
    return _delete_page(
        request,
        operation,
        cancel_url=_routing_url(operation.item_id),
        done_url=_routing_url(operation.item_id),
        delete=lambda: services.delete_operation(request.user, operation),
    )


# --- units of measure ---------------------------------------------------------------------------


def _units_url(unit: models.Model | None = None) -> str:
    return reverse("catalog:uom-list")


@requires(CHANGE)
def uom_create(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        UnitForm(request.POST or None),
        title="New unit of measure",
        cancel_url=_units_url(),
        save=lambda values: services.create_unit(request.user, values),
        done_url=_units_url,
    )


@requires(CHANGE)
def uom_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(UnitOfMeasure, pk=pk)
    return _form_page(
        request,
        UnitForm(request.POST or None, instance=copy.copy(unit)),
        title=f"Edit unit {unit.code}",
        cancel_url=_units_url(),
        save=lambda values: services.update_unit(request.user, unit, values),
        done_url=_units_url,
    )


@requires(CHANGE)
def uom_delete(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(UnitOfMeasure, pk=pk)
    return _delete_page(
        request,
        unit,
        cancel_url=reverse("catalog:uom-edit", args=[unit.pk]),
        done_url=_units_url(),
        delete=lambda: services.delete_unit(request.user, unit),
    )
