"""Forms for the stock corrections people post by hand: adjustment, transfer, scrap, count.

Each carries a hidden client id minted when the form is shown, so a double click or a resubmit
after a timeout posts the move once.
"""

import uuid
from decimal import Decimal
from typing import Any

from django import forms

from andon.catalog.models import Item
from andon.inventory.models import Lot
from andon.plant.models import Location


def _qty(**options: Any) -> forms.DecimalField:
    """A quantity field with the ledger's precision (18 digits, 4 decimals)."""
    return forms.DecimalField(max_digits=18, decimal_places=4, **options)


class MoveForm(forms.Form):
    """Common fields: where, which lot (lot-tracked items only), and the idempotency key."""

    location = forms.ModelChoiceField(queryset=Location.objects.order_by("code"))
    lot = forms.ModelChoiceField(queryset=Lot.objects.none(), required=False)
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=60)

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("client_id", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.item = item
        if item.lot_tracked:
            lot_field = self.fields["lot"]
            assert isinstance(lot_field, forms.ModelChoiceField)
            lot_field.queryset = Lot.objects.filter(item=item).order_by("code")
            lot_field.required = True
        else:
            del self.fields["lot"]


class AdjustmentForm(MoveForm):
    quantity = _qty(help_text="Positive adds stock, negative removes it.")
    reason = forms.CharField(max_length=120)


class ScrapForm(MoveForm):
    quantity = _qty(min_value=Decimal("0.0001"), help_text="Amount scrapped.")
    reason = forms.CharField(max_length=120)


class TransferForm(MoveForm):
    to_location = forms.ModelChoiceField(queryset=Location.objects.order_by("code"))
    quantity = _qty(min_value=Decimal("0.0001"))
    reference = forms.CharField(max_length=60, required=False)

    field_order = ["location", "to_location", "lot", "quantity", "reference"]

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, item=item, **kwargs)
        self.fields["location"].label = "From location"


class CountForm(MoveForm):
    counted = _qty(min_value=Decimal("0"), help_text="What is physically there.")
    reason = forms.CharField(max_length=120, required=False)
