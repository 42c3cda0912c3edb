"""The plant's trading partners: customers who order, suppliers who deliver."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from andon.catalog.models import Item
from andon.core import fields
from andon.plant.models import code_validator


class Partner(models.Model):
    """What customers and suppliers share: a code, a name and how to reach them."""

    code = models.CharField(max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code.")
    active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Customer(Partner):
    """Who the plant delivers to; `priority` weighs their orders' lateness in scheduling."""

    priority = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="1 normal, higher is more important.",
    )


class Supplier(Partner):
    """Who the plant buys from, with the items they supply."""


class SupplierItem(models.Model):
    """An item a supplier sells: their lead time, price and order minimum.

    MRP buys from the preferred source; its lead time overrides the item's when set.
    """

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="supplied_items")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="sources")
    supplier_sku = models.CharField(max_length=60, blank=True)
    lead_time_days = models.PositiveIntegerField(default=0)
    price = fields.money(default=Decimal("0"))
    min_order_qty = fields.quantity(default=Decimal("0"))
    preferred = models.BooleanField(default=False)

    class Meta:
        ordering = ["item__sku", "-preferred", "supplier__code"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "item"], name="uniq_supplier_item"),
            # MRP buys from exactly one source; the service un-marks the others first.
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(preferred=True),
                name="one_preferred_source_per_item",
                violation_error_message="This item already has a preferred supplier.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.sku} from {self.supplier.code}"
