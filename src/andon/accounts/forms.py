"""Forms of the users pages: input widgets and quick checks; the services decide."""

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from andon.accounts.roles import ROLE_DESCRIPTIONS, ROLES
from andon.core.pages import DATE

TOKEN_LIFETIME_DAYS = 365


def default_expiry() -> dt.date:
    """A year from today: long enough for an integration, short enough to be looked at again."""
    return timezone.localdate() + dt.timedelta(days=TOKEN_LIFETIME_DAYS)


def role_choices() -> list[tuple[str, str]]:
    return [(role, role) for role in ROLES]


def roles_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=role_choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def role_options(form: forms.Form, field: str = "roles") -> list[dict[str, Any]]:
    """The roles with their descriptions and whether the form has them ticked."""
    value = form[field].value() or []
    return [
        {"name": role, "description": ROLE_DESCRIPTIONS[role], "checked": role in value}
        for role in ROLES
    ]


class _NewPassword(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )
    confirm = forms.CharField(
        label="Password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("confirm") and data["password"] != data["confirm"]:
            self.add_error("confirm", "The two passwords differ.")
        return data


class UserCreateForm(_NewPassword):
    username = forms.CharField(max_length=150)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    roles = roles_field()
    field_order = ["username", "first_name", "last_name", "email", "roles", "password", "confirm"]


class UserProfileForm(forms.ModelForm[Any]):
    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "email"]


class RolesForm(forms.Form):
    roles = roles_field()


class PasswordResetForm(_NewPassword):
    """Set a password; the `generate` button skips both fields and gets a generated one."""


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"placeholder": "e.g. MES gateway"})
    )
    expires_on = forms.DateField(
        label="Expires on", widget=DATE, initial=default_expiry, required=False
    )
