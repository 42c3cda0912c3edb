"""Forms of the partner pages: input widgets and quick checks; the services decide."""

from typing import Any

from django import forms

from andon.partners.models import Customer, Supplier, SupplierItem

PARTNER_FIELDS = ["code", "name", "email", "phone", "country", "address", "active"]


class CustomerForm(forms.ModelForm[Customer]):
    class Meta:
        model = Customer
        fields = [*PARTNER_FIELDS, "priority"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class SupplierForm(forms.ModelForm[Supplier]):
    class Meta:
        model = Supplier
        fields = PARTNER_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class SupplierItemForm(forms.ModelForm[SupplierItem]):
    # Not a model field on the form: the model allows one preferred source per item, and the
    # service moves the mark from the old one, so the form must not refuse it beforehand.
    preferred = forms.BooleanField(
        required=False, help_text="MRP buys from the preferred source; the others are un-marked."
    )

    class Meta:
        model = SupplierItem
        fields = ["item", "supplier_sku", "price", "lead_time_days", "min_order_qty"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["preferred"] = self.instance.preferred
