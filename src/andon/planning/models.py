"""Published MRP plans: each run is a version; one pointer says which version is in force.

A run writes all its rows under its own `PlanRun` and only then, in one short transaction, moves
the `CurrentPlan` pointer. A run that fails or is killed leaves the pointer, and so the plan in
force, untouched.
"""

from django.conf import settings
from django.db import models

from andon.catalog.models import Item
from andon.core import fields
from andon.partners.models import Supplier
from andon.plant.models import WorkCenter


class PlanRun(models.Model):
    """One regenerative MRP run: who started it, when, how it ended, what it produced."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"

    version = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    plan_date = models.DateField(help_text="The 'today' the plan was made for.")
    horizon_end = models.DateField()
    log = models.TextField(blank=True)
    item_count = models.PositiveIntegerField(default=0)
    order_count = models.PositiveIntegerField(default=0)
    exception_count = models.PositiveIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(
        default=0, help_text="How far the run has got, for the live progress on its page."
    )
    phase = models.CharField(max_length=60, blank=True, help_text="What the run is doing now.")

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"plan v{self.version} ({self.status})"

    @property
    def seconds(self) -> float | None:
        """Wall time from start to finish, None while running."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class CurrentPlan(models.Model):
    """The single row pointing at the published run in force (switched atomically)."""

    run = models.ForeignKey(PlanRun, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"current: {self.run}"


class PlannedOrder(models.Model):
    """A planned (or firm planned) order of a run: make or buy, quantity, release and due."""

    class Kind(models.TextChoices):
        MAKE = "make", "Make"
        BUY = "buy", "Buy"

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="planned_orders")
    number = models.PositiveIntegerField(help_text="The order's number within its run.")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    quantity = fields.quantity()
    release_date = models.DateField()
    due_date = models.DateField()
    firm = models.BooleanField(default=False)
    firm_reference = models.CharField(max_length=60, blank=True)
    past_due = models.BooleanField(default=False)
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    work_center = models.ForeignKey(
        WorkCenter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exception = models.CharField(
        max_length=16, blank=True, help_text="The order's action message kind, if any."
    )
    converted_ref = models.CharField(
        max_length=60,
        blank=True,
        help_text="The work order or purchase order line it became; then it is open supply.",
    )

    class Meta:
        ordering = ["run", "release_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="uniq_planned_order_number")
        ]
        indexes = [models.Index(fields=["run", "item"], name="plannedorder_run_item_idx")]

    def __str__(self) -> str:
        return f"v{self.run_id} #{self.number} {self.kind} {self.quantity.normalize()}"


class Pegging(models.Model):
    """Part of a planned order's quantity and what it serves (a demand or a parent order)."""

    class Kind(models.TextChoices):
        SALES_ORDER = "sales_order", "Sales order"
        FORECAST = "forecast", "Forecast"
        PARENT_ORDER = "parent_order", "Parent order"
        ALLOCATION = "allocation", "Work order allocation"
        SAFETY_STOCK = "safety_stock", "Safety stock"
        EXCESS = "excess", "Excess"

    order = models.ForeignKey(PlannedOrder, on_delete=models.CASCADE, related_name="pegs")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reference = models.CharField(max_length=60, blank=True)
    parent = models.ForeignKey(
        PlannedOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    quantity = fields.quantity()

    def __str__(self) -> str:
        return f"{self.order} -> {self.kind} {self.reference}"


class PlanException(models.Model):
    """An action message of a run: expedite, defer, cancel, past-due release or shortage."""

    class Kind(models.TextChoices):
        EXPEDITE = "expedite", "Expedite"
        DEFER = "defer", "Defer"
        CANCEL = "cancel", "Cancel"
        PAST_DUE_RELEASE = "past_due_release", "Past-due release"
        SHORTAGE = "shortage", "Shortage"

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=60)
    date = models.DateField()
    suggested_date = models.DateField(null=True, blank=True)
    days_late = models.IntegerField(default=0)
    message = models.CharField(max_length=300)

    class Meta:
        ordering = ["run", "kind", "date"]

    def __str__(self) -> str:
        return self.message
