"""Letters to partners, kept as they were sent, and the links suppliers answer purchase orders by.

A letter is written in the transaction that decides to send it and delivered afterwards in the
background, so a slow or broken mail server never holds a transaction open nor breaks a page: it
leaves the letter `failed` with the reason, to be retried.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from andon.core import fields
from andon.orders.models import PurchaseOrder, PurchaseOrderLine, SalesOrder, SalesOrderLine


class Letter(models.Model):
    """One email to a supplier or customer: what it said, to whom, when, and whether it left.

    Exactly one of `purchase_order` and `sales_order` is set. The body is stored as it was sent,
    except the confirmation link's secret, which only the recipient ever holds.
    """

    class Kind(models.TextChoices):
        PURCHASE_ORDER = "purchase_order", "Purchase order"
        ORDER_CONFIRMATION = "order_confirmation", "Order confirmation"
        REVISED_DATE = "revised_date", "Revised delivery date"
        SHIPPED = "shipped", "Shipping notice"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    purchase_order = models.ForeignKey(
        PurchaseOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    sales_order = models.ForeignKey(
        SalesOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    recipient = models.EmailField()
    subject = models.CharField(max_length=250)
    body = models.TextField(blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(purchase_order__isnull=False, sales_order__isnull=True)
                    | models.Q(purchase_order__isnull=True, sales_order__isnull=False)
                ),
                name="letter_about_one_order",
                violation_error_message="A letter is about one purchase order or one sales order.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order_number} to {self.recipient}"

    @property
    def order_number(self) -> str:
        order = self.purchase_order or self.sales_order
        return order.number if order else ""

    @property
    def retriable(self) -> bool:
        return self.state == self.State.FAILED


class LetterLine(models.Model):
    """One order line as a letter stated it: what the partner was asked for or promised.

    For a purchase order `date` is the date asked of the supplier and `answered_*` hold their
    answer; for a sales order `date` is the date promised to the customer and `previous_date`
    what they had been told before. The item is copied, so the letter reads the same after the
    order changes.
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="lines")
    line = models.PositiveIntegerField()
    purchase_line = models.ForeignKey(
        PurchaseOrderLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sales_line = models.ForeignKey(
        SalesOrderLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item_sku = models.CharField(max_length=60)
    item_name = models.CharField(max_length=200, blank=True)
    partner_reference = models.CharField(
        max_length=60, blank=True, help_text="The supplier's part number."
    )
    quantity = fields.quantity()
    unit = models.CharField(max_length=20)
    date = models.DateField()
    previous_date = models.DateField(null=True, blank=True)
    answered_quantity = fields.quantity(null=True, blank=True)
    answered_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["letter", "line"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "line"], name="uniq_letter_line"),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id}/{self.line}"

    @property
    def proposed(self) -> bool:
        """Whether the supplier answered something else than what was asked."""
        return self.answered_date is not None and (
            self.answered_date != self.date or self.answered_quantity != self.quantity
        )

    @property
    def later(self) -> bool:
        return self.answered_date is not None and self.answered_date > self.date

    @property
    def answer_days(self) -> int:
        """How many days later (negative: earlier) the supplier answered than asked."""
        return (self.answered_date - self.date).days if self.answered_date else 0

    @property
    def days_moved(self) -> int:
        """For revised dates: how many days later (negative: earlier) than told before."""
        return (self.date - self.previous_date).days if self.previous_date else 0


class ConfirmationRequest(models.Model):
    """The link a supplier answers one purchase order letter through: secret, one use, expiring.

    Only the SHA-256 of the token is stored, so a copy of the database cannot answer for a
    supplier. The token is issued when the letter is delivered; issuing it supersedes the order's
    earlier links, so only the latest letter can be answered.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Not delivered yet"
        OPEN = "open", "Awaiting answer"
        ANSWERED = "answered", "Answered"
        SUPERSEDED = "superseded", "Superseded"

    letter = models.OneToOneField(Letter, on_delete=models.CASCADE, related_name="confirmation")
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, related_name="confirmation_requests"
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=100, blank=True, help_text="Name the supplier gave.")
    comment = models.TextField(blank=True)
    changed = models.BooleanField(default=False, help_text="The supplier proposed other terms.")
    later = models.BooleanField(default=False, help_text="A proposed date is later than asked.")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-letter__created_at", "-id"]

    def __str__(self) -> str:
        return f"confirmation of {self.purchase_order.number} ({self.get_state_display()})"

    def expired(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.state == self.State.OPEN and self.expires_at is not None and self.expires_at < now
        )

    @property
    def status(self) -> str:
        """What the buyer needs to know, as one word for the badge and the filters."""
        if self.expired():
            return "expired"
        if self.state == self.State.ANSWERED:
            return "proposed" if self.changed else "confirmed"
        return str(self.state)

    @property
    def status_label(self) -> str:
        return {
            "expired": "Link expired",
            "proposed": "Changes proposed",
            "confirmed": "Confirmed as asked",
        }.get(self.status, self.get_state_display())
