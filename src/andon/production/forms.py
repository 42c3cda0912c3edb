"""Forms of the production pages: they collect input; the services decide what is allowed."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from andon.catalog.models import Item
from andon.orders.models import SalesOrderLine
from andon.plant.models import Location
from andon.production.models import ReasonCode

DATE = forms.DateInput(attrs={"type": "date"})


class WorkOrderForm(forms.Form):
    """A work order by hand, or for a sales order line (make to order)."""

    item = forms.ModelChoiceField(
        queryset=Item.objects.filter(procurement="make", active=True).order_by("sku"),
        required=False,
        help_text="Leave empty when making for a sales order line.",
    )
    sales_order_line = forms.ModelChoiceField(
        queryset=SalesOrderLine.objects.none(),
        required=False,
        label="For sales order line",
        help_text="Make to order: item, open quantity and due date come from the line.",
    )
    quantity = forms.DecimalField(
        max_digits=18, decimal_places=4, min_value=Decimal("0.0001"), required=False
    )
    due_date = forms.DateField(widget=DATE, required=False)
    supply_location = forms.ModelChoiceField(queryset=Location.objects.order_by("code"))
    output_location = forms.ModelChoiceField(queryset=Location.objects.order_by("code"))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        line_field = self.fields["sales_order_line"]
        assert isinstance(line_field, forms.ModelChoiceField)
        line_field.queryset = (
            SalesOrderLine.objects.filter(order__status="open", item__procurement="make")
            .select_related("order", "item")
            .order_by("due_date")
        )
        line_field.label_from_instance = lambda ln: (  # type: ignore[method-assign,assignment]
            f"{ln} · {ln.item.sku} · {ln.open_quantity.normalize():f} due {ln.due_date}"
        )
        first = Location.objects.order_by("code").first()
        if first is not None:
            self.fields["supply_location"].initial = first.pk
            self.fields["output_location"].initial = first.pk
        self.fields["due_date"].initial = timezone.localdate() + dt.timedelta(days=7)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("sales_order_line"):
            for name in ("item", "quantity", "due_date"):
                if not data.get(name):
                    self.add_error(name, "Required unless a sales order line is chosen.")
        return data


class SplitForm(forms.Form):
    quantity = forms.DecimalField(max_digits=18, decimal_places=4, min_value=Decimal("0.0001"))
    due_date = forms.DateField(widget=DATE, required=False)


class ReasonCodeForm(forms.ModelForm[ReasonCode]):
    class Meta:
        model = ReasonCode
        fields = ["kind", "code", "label", "downtime_class", "loss", "sequence", "active"]
