"""Forms of the scheduling pages: start a run, a machine down, move an operation, promise."""

from django import forms

from andon.catalog.models import Item
from andon.partners.models import Customer
from andon.plant.models import WorkCenter
from andon.scheduling.services import DEFAULT_HORIZON_DAYS, DEFAULT_TIME_LIMIT

LOCAL = {"type": "datetime-local"}


class RunForm(forms.Form):
    time_limit = forms.FloatField(
        min_value=0.5, max_value=3600, initial=DEFAULT_TIME_LIMIT, label="Time limit (s)"
    )
    horizon_days = forms.IntegerField(
        min_value=1, max_value=366, initial=DEFAULT_HORIZON_DAYS, label="Horizon (days)"
    )


class DowntimeForm(forms.Form):
    work_center = forms.ModelChoiceField(WorkCenter.objects.filter(active=True))
    start = forms.DateTimeField(widget=forms.DateTimeInput(attrs=LOCAL))
    end = forms.DateTimeField(widget=forms.DateTimeInput(attrs=LOCAL))
    reason = forms.CharField(max_length=200, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise forms.ValidationError("The downtime must end after it starts.")
        return data


class MoveForm(forms.Form):
    work_center = forms.ModelChoiceField(WorkCenter.objects.filter(active=True))
    start = forms.DateTimeField(widget=forms.DateTimeInput(attrs=LOCAL))


class PromiseForm(forms.Form):
    item = forms.ModelChoiceField(
        Item.objects.filter(
            procurement=Item.Procurement.MAKE, active=True, operations__isnull=False
        )
        .distinct()
        .order_by("sku")
    )
    quantity = forms.DecimalField(min_value=0, max_digits=14, decimal_places=4)
    customer = forms.ModelChoiceField(Customer.objects.filter(active=True), required=False)

    def clean_quantity(self) -> object:
        value = self.cleaned_data["quantity"]
        if value <= 0:
            raise forms.ValidationError("Give a quantity above zero.")
        return value
