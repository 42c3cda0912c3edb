"""Forms of the plant pages: input widgets and quick checks; the services decide."""

from typing import Any

from django import forms

from andon.core.pages import DATE, TIME
from andon.plant.models import Calendar, CalendarException, Location, Shift, WorkCenter

WEEKDAY_CHOICES = [
    ("1", "Mon"),
    ("2", "Tue"),
    ("3", "Wed"),
    ("4", "Thu"),
    ("5", "Fri"),
    ("6", "Sat"),
    ("7", "Sun"),
]


class WorkCenterForm(forms.ModelForm[WorkCenter]):
    class Meta:
        model = WorkCenter
        fields = [
            "code",
            "name",
            "line",
            "calendar",
            "capacity",
            "cost_rate",
            "efficiency_percent",
            "description",
            "active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ShiftForm(forms.ModelForm[Shift]):
    weekdays = forms.MultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="The days the shift starts on.",
    )

    class Meta:
        model = Shift
        fields = ["code", "name", "start_time", "end_time", "weekdays", "break_minutes"]
        widgets = {"start_time": TIME, "end_time": TIME}
        help_texts = {"end_time": "An end before the start runs past midnight."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["weekdays"] = list(self.instance.weekdays)

    def clean_weekdays(self) -> str:
        return "".join(sorted(self.cleaned_data["weekdays"]))


class CalendarForm(forms.ModelForm[Calendar]):
    class Meta:
        model = Calendar
        fields = ["code", "name", "shifts"]
        widgets = {"shifts": forms.CheckboxSelectMultiple}


class CalendarExceptionForm(forms.ModelForm[CalendarException]):
    class Meta:
        model = CalendarException
        fields = ["date", "kind", "start_time", "end_time", "reason"]
        widgets = {"date": DATE, "start_time": TIME, "end_time": TIME}


class LocationForm(forms.ModelForm[Location]):
    class Meta:
        model = Location
        fields = ["code", "name", "kind", "parent", "nettable"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        if self.instance.pk:
            parent.queryset = Location.objects.exclude(pk=self.instance.pk)
