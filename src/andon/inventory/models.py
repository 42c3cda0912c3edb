"""Stock as an append-only ledger of moves; balances are derived and kept in step.

A move is never edited or deleted: a mistake is corrected by another move. `StockBalance` holds
the sum of moves per item, location and lot so that on-hand is one row to read and one row to lock.
"""

from django.conf import settings
from django.db import models

from andon.catalog.models import Item
from andon.core import fields
from andon.plant.models import Location


class Lot(models.Model):
    """A batch of one item with a shared history (a supplier delivery, a production run)."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="lots")
    code = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(null=True, blank=True)
    supplier_lot = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["item__sku", "code"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="uniq_item_lot")]

    def __str__(self) -> str:
        return f"{self.item.sku}/{self.code}"


class StockMove(models.Model):
    """One signed change of stock of an item at a location (and lot): the ledger's row."""

    class Kind(models.TextChoices):
        OPENING = "opening", "Opening balance"
        RECEIPT = "receipt", "Receipt"
        ISSUE = "issue", "Issue"
        BACKFLUSH = "backflush", "Backflush"
        PRODUCTION = "production", "Production receipt"
        TRANSFER = "transfer", "Transfer"
        SCRAP = "scrap", "Scrap"
        ADJUSTMENT = "adjustment", "Adjustment"
        COUNT = "count", "Cycle count"
        SHIPMENT = "shipment", "Shipment"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="moves")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="moves")
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    quantity = fields.signed_quantity()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(max_length=120, blank=True)
    reference = models.CharField(max_length=60, blank=True, db_index=True)
    at = models.DateTimeField(db_index=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    client_id = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["item", "at"], name="move_item_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0),
                name="move_quantity_not_zero",
                violation_error_message="A stock move needs a quantity other than zero.",
            )
        ]

    def __str__(self) -> str:
        kind = self.get_kind_display()
        return f"{kind} {self.quantity.normalize()} {self.item.sku} @ {self.location}"


class StockBalance(models.Model):
    """On-hand of an item at a location and lot: the sum of its moves, updated with each move."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="balances")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="balances")
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="balances"
    )
    quantity = fields.signed_quantity()

    class Meta:
        ordering = ["item__sku", "location__code"]
        constraints = [
            # Two partial constraints instead of NULLS NOT DISTINCT, which SQLite lacks.
            models.UniqueConstraint(
                fields=["item", "location", "lot"],
                condition=models.Q(lot__isnull=False),
                name="uniq_balance_lot",
            ),
            models.UniqueConstraint(
                fields=["item", "location"],
                condition=models.Q(lot__isnull=True),
                name="uniq_balance_no_lot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.sku} @ {self.location}: {self.quantity.normalize()}"
