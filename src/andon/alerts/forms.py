"""Forms of the alerts pages: a rule's common fields plus the parameters of its kind.

The parameter fields are built from the kind's schema, so a new rule kind gets its form for
free; the form only parses (a list is typed comma-separated), the kind's schema validates.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from andon.alerts import rules
from andon.alerts.models import AlertRule, WebhookEndpoint
from andon.alerts.notify import EVENTS


def _users() -> Any:
    return get_user_model().objects.filter(is_active=True).order_by("username")


class RuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AlertRule
        fields = [
            "name",
            "severity",
            "enabled",
            "owner_role",
            "owner_user",
            "escalate_after_minutes",
            "escalate_to_role",
            "escalate_to_user",
        ]
        help_texts = {
            "escalate_after_minutes": "Escalate an alert nobody acknowledged within this time.",
        }

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = rules.get(kind)
        for name in ("owner_user", "escalate_to_user"):
            self.fields[name].queryset = _users()  # type: ignore[attr-defined]
        current = self.instance.parameters if self.instance.pk else {}
        for spec in self.kind.fields():
            initial = current.get(spec["name"], spec["default"])
            field: forms.Field
            if spec["type"] == "bool":
                field = forms.BooleanField(required=False)
            elif spec["type"] == "int":
                field = forms.IntegerField()
            elif spec["type"] == "float":
                field = forms.FloatField()
            elif spec["type"] == "list":
                field = forms.CharField(required=False)
                initial = ", ".join(initial or [])
            else:
                field = forms.CharField(required=False)
            field.label = spec["label"]
            field.help_text = spec["help"]
            field.initial = initial
            self.fields[spec["name"]] = field

    def parameters(self) -> dict[str, Any]:
        values = {}
        for spec in self.kind.fields():
            value = self.cleaned_data.get(spec["name"])
            if spec["type"] == "list":
                value = [v.strip() for v in (value or "").split(",") if v.strip()]
            values[spec["name"]] = value
        return values

    def values(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return {**data, "kind": self.kind.kind, "parameters": self.parameters()}


class WebhookForm(forms.ModelForm):  # type: ignore[type-arg]
    events = forms.MultipleChoiceField(
        choices=[(f"alert.{e}", f"alert.{e}") for e in EVENTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every event.",
    )
    url = forms.URLField(max_length=300, assume_scheme="https")
    secret = forms.CharField(
        required=False,
        max_length=100,
        help_text="Empty: a new endpoint gets a generated secret; an edit keeps the current one.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["events"].initial = self.instance.events

    def values(self) -> dict[str, Any]:
        return {
            "name": self.cleaned_data["name"],
            "url": self.cleaned_data["url"],
            "active": self.cleaned_data["active"],
            "events": self.cleaned_data["events"],
            "secret": self.cleaned_data["secret"],
        }


class SubscriptionForm(forms.Form):
    target = forms.ChoiceField(label="Alerts of")
    inbox = forms.BooleanField(required=False, initial=True)
    email = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [(f"kind:{k}", f"every {label} rule") for k, label in rules.choices()]
        named = [(f"rule:{r.pk}", r.name) for r in AlertRule.objects.order_by("name")]
        self.fields["target"].choices = [("Rule kinds", kinds), ("Rules", named)]  # type: ignore[attr-defined]
