"""Demand and open supply: sales orders, forecasts and purchase orders."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from andon.catalog.models import Item
from andon.core import fields
from andon.partners.models import Customer, Supplier

POSITIVE = MinValueValidator(Decimal("0.0001"))


class Order(models.Model):
    """What a sales and a purchase order share: a number, the date it was placed."""

    number = models.CharField(max_length=40, unique=True)
    order_date = models.DateField()

    class Meta:
        abstract = True
        ordering = ["-order_date", "number"]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """What sales and purchase lines share: an item's quantity due on a date, at a price."""

    line = models.PositiveIntegerField()
    quantity = fields.quantity(validators=[POSITIVE])
    due_date = models.DateField(db_index=True)
    unit_price = fields.money(null=True, blank=True)

    order: Order

    class Meta:
        abstract = True
        ordering = ["due_date", "order__number", "line"]

    def __str__(self) -> str:
        return f"{self.order.number}/{self.line}"

    def _open(self, settled: Decimal) -> Decimal:
        return Decimal(max(self.quantity - settled, Decimal("0")))


class SalesOrder(Order):
    """A customer's order; its lines are the independent demand MRP plans for."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SHIPPED = "shipped", "Shipped"
        CANCELLED = "cancelled", "Cancelled"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="sales_orders")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    customer_reference = models.CharField(max_length=60, blank=True)


class SalesOrderLine(OrderLine):
    """One item, quantity and due date a customer ordered; open quantity is still to ship."""

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="sales_lines")
    shipped_quantity = fields.quantity(default=Decimal("0"))

    class Meta(OrderLine.Meta):
        constraints = [
            models.UniqueConstraint(fields=["order", "line"], name="uniq_sales_line"),
            models.CheckConstraint(
                condition=models.Q(shipped_quantity__lte=models.F("quantity")),
                name="sales_line_shipped_within_quantity",
                violation_error_message="Shipped quantity cannot exceed the ordered quantity.",
            ),
        ]

    @property
    def open_quantity(self) -> Decimal:
        return self._open(self.shipped_quantity)


class Forecast(models.Model):
    """Expected demand for an item on a date, consumed by actual sales orders around that date."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="forecasts")
    date = models.DateField()
    quantity = fields.quantity(validators=[POSITIVE])

    class Meta:
        ordering = ["date", "item__sku"]
        constraints = [models.UniqueConstraint(fields=["item", "date"], name="uniq_forecast")]

    def __str__(self) -> str:
        return f"{self.item.sku} {self.date} {self.quantity.normalize()}"


class PurchaseOrder(Order):
    """An order placed with a supplier; its open lines are scheduled receipts for MRP."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        CONFIRMED = "confirmed", "Confirmed"
        RECEIVED = "received", "Received"
        CANCELLED = "cancelled", "Cancelled"

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="purchase_orders")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)


class PurchaseOrderLine(OrderLine):
    """One item, quantity and due date ordered from a supplier; open quantity is still due in."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="purchase_lines")
    received_quantity = fields.quantity(default=Decimal("0"))
    # The due date is what MRP expects: as asked, or as the supplier confirmed. The date asked
    # for is kept beside it, so the buyer still sees it when the supplier confirms another.
    requested_date = models.DateField(
        null=True, blank=True, help_text="The date first asked of the supplier."
    )
    confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the supplier confirmed this line's date and quantity.",
    )

    class Meta(OrderLine.Meta):
        constraints = [
            models.UniqueConstraint(fields=["order", "line"], name="uniq_purchase_line"),
            models.CheckConstraint(
                condition=models.Q(received_quantity__lte=models.F("quantity")),
                name="purchase_line_received_within_quantity",
                violation_error_message="Received quantity cannot exceed the ordered quantity.",
            ),
        ]

    @property
    def open_quantity(self) -> Decimal:
        return self._open(self.received_quantity)
