"""Forms for entering orders and forecasts; they only shape input, the services hold the rules."""

import uuid
from decimal import Decimal
from typing import Any

from django import forms

from andon.catalog.models import Item
from andon.core.errors import DomainError
from andon.orders.models import PurchaseOrder
from andon.orders.services import LineInput
from andon.partners.models import Customer, Supplier
from andon.plant.models import Location

DATE = forms.DateInput(attrs={"type": "date"})


def _items() -> Any:
    return Item.objects.filter(active=True).select_related("uom").order_by("sku")


class ItemChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.sku} · {obj.name}"


class SalesOrderForm(forms.Form):
    number = forms.CharField(max_length=40, required=False, help_text="Empty: the next number.")
    customer = forms.ModelChoiceField(queryset=Customer.objects.filter(active=True))
    order_date = forms.DateField(widget=DATE)
    customer_reference = forms.CharField(max_length=60, required=False)


class PurchaseOrderForm(forms.Form):
    number = forms.CharField(max_length=40, required=False, help_text="Empty: the next number.")
    supplier = forms.ModelChoiceField(queryset=Supplier.objects.filter(active=True))
    order_date = forms.DateField(widget=DATE)
    status = forms.ChoiceField(
        choices=[
            (s.value, s.label)
            for s in (
                PurchaseOrder.Status.DRAFT,
                PurchaseOrder.Status.SENT,
                PurchaseOrder.Status.CONFIRMED,
            )
        ]
    )


class LineForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput, required=False)
    item = ItemChoice(queryset=_items())
    quantity = forms.DecimalField(max_digits=18, decimal_places=4)
    due_date = forms.DateField(widget=DATE)
    unit_price = forms.DecimalField(max_digits=16, decimal_places=4, required=False)


LineFormSet = forms.formset_factory(LineForm, extra=3, can_delete=True)


def lines_from(formset: Any) -> tuple[list[LineInput], list[Any]]:
    """The entered lines in order, and the form each came from (to put errors back on it)."""
    entries: list[LineInput] = []
    sources: list[Any] = []
    for form in formset.forms:
        if not form.has_changed() and not form.cleaned_data.get("line"):
            continue
        if form.cleaned_data.get("DELETE"):
            continue
        data = form.cleaned_data
        entries.append(
            LineInput(
                item=data["item"], quantity=data["quantity"], due_date=data["due_date"],
                unit_price=data.get("unit_price"), line=data.get("line"),
            )
        )  # fmt: skip
        sources.append(form)
    return entries, sources


def show_errors(exc: DomainError, form: forms.Form, line_forms: list[Any]) -> None:
    """Put a service's problems where the user will look: on the line and field they concern."""
    placed = False
    for problem in exc.problems:
        if problem.row is not None and 0 < problem.row <= len(line_forms):
            target = line_forms[problem.row - 1]
            field = problem.column if problem.column in target.fields else None
            target.add_error(field, problem.message)
            placed = True
        elif problem.column in form.fields:
            form.add_error(problem.column, problem.message)
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


class ReceiveForm(forms.Form):
    """Book goods in against one open line; the hidden client id makes a double submit harmless."""

    line = forms.TypedChoiceField(coerce=int, label="Line")
    quantity = forms.DecimalField(max_digits=18, decimal_places=4, min_value=Decimal("0.0001"))
    location = forms.ModelChoiceField(queryset=Location.objects.order_by("code"))
    lot_code = forms.CharField(
        max_length=60,
        required=False,
        label="Lot",
        help_text="For lot-tracked items; a new code creates the lot.",
    )
    expires_on = forms.DateField(widget=DATE, required=False)
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, lines: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("client_id", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        line_field = self.fields["line"]
        assert isinstance(line_field, forms.TypedChoiceField)
        line_field.choices = [
            (ln.line, f"{ln.line} · {ln.item.sku} · {ln.open_quantity.normalize():f} open")
            for ln in lines
        ]


class ForecastForm(forms.Form):
    item = ItemChoice(queryset=_items())
    date = forms.DateField(widget=DATE)
    quantity = forms.DecimalField(
        max_digits=18, decimal_places=4, min_value=Decimal("0"),
        help_text="Replaces the forecast for this item and date; 0 removes it.",
    )  # fmt: skip
