"""Forms for the catalog pages: they parse input; the services decide and write.

A form's job ends at typed values. Whatever the services refuse (a loop in the bill, a lot-size
rule without its parameters) comes back as problems that `show_problems` puts on the right field.
"""

from typing import Any

from django import forms

from andon.catalog.models import Item, Operation, UnitOfMeasure
from andon.core.errors import DomainError


def show_problems(form: forms.BaseForm, error: DomainError) -> None:
    """Attach a service's problems to the fields they name, the rest to the form as a whole."""
    placed = False
    for problem in error.problems:
        if problem.column and problem.column in form.fields:
            form.add_error(problem.column, problem.message)
            placed = True
    if not placed:
        form.add_error(None, error.detail)


class UnitForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = UnitOfMeasure
        fields = ["code", "name", "dimension", "ratio_to_base", "whole_numbers"]


class ItemForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Item
        fields = [
            "sku", "name", "description", "category", "uom", "procurement", "lead_time_days",
            "lot_size_rule", "lot_size", "min_qty", "max_qty", "multiple", "safety_stock",
            "order_cost", "holding_rate_percent", "standard_cost", "lot_tracked",
            "allow_negative_stock", "active",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class BomLineForm(forms.Form):
    """A line of a parent's bill; the component is typed by SKU (a plant has thousands)."""

    component = forms.CharField(
        label="Component SKU", max_length=40, widget=forms.TextInput(attrs={"autofocus": True})
    )
    quantity = forms.DecimalField(
        label="Quantity per parent unit", max_digits=18, decimal_places=4, min_value=0
    )
    scrap_percent = forms.DecimalField(
        label="Scrap %", max_digits=5, decimal_places=2, initial=0, required=False
    )
    position = forms.IntegerField(min_value=0, required=False, help_text="Empty: at the end.")
    valid_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    operation_sequence = forms.IntegerField(
        min_value=0, required=False, help_text="Routing operation that consumes it."
    )

    def clean_component(self) -> Item:
        sku = self.cleaned_data["component"].strip()
        item = Item.objects.filter(sku=sku).first()
        if item is None:
            raise forms.ValidationError(f"There is no item with SKU {sku!r}.")
        return item

    def values(self) -> dict[str, Any]:
        """The cleaned values as service arguments (empty scrap: none; empty position: keep)."""
        data = dict(self.cleaned_data)
        if data.get("scrap_percent") is None:
            data["scrap_percent"] = 0
        if data.get("position") is None:
            data.pop("position", None)
        return data


class OperationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Operation
        fields = [
            "sequence", "name", "work_center", "setup_minutes", "run_minutes_per_unit",
            "setup_family", "skill", "skill_level", "crew_size", "certification", "instructions",
        ]  # fmt: skip
        widgets = {"instructions": forms.Textarea(attrs={"rows": 3})}
