"""Shop-floor execution: work orders, their routing and material copies, and what happens to them.

A work order copies its item's routing and one level of its bill when it is created, so later
engineering changes do not rewrite work already on the floor. What happens on the floor is an
append-only ledger of `ProductionEvent`s; the progress held on operations (status, quantities,
time elements) is derived from that ledger and recomputed whenever an event is added, so it can
always be rebuilt. `LotLink` records which component lots went into which produced lot.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from andon.catalog.models import Item, Operation
from andon.core import fields
from andon.inventory.models import Lot
from andon.orders.models import SalesOrderLine
from andon.people.models import Worker
from andon.plant.models import Location, WorkCenter, code_validator

ZERO = Decimal("0")


class WorkOrder(models.Model):
    """An order to make `quantity` of an item by a due date (APICS: manufacturing order)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RELEASED = "released", "Released"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    class Source(models.TextChoices):
        MANUAL = "manual", "By hand"
        SALES_ORDER = "sales_order", "Sales order (make to order)"
        PLANNED_ORDER = "planned_order", "Planned order"

    number = models.CharField(max_length=40, unique=True)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="work_orders")
    quantity = fields.quantity(validators=[MinValueValidator(Decimal("0.0001"))])
    due_date = models.DateField(db_index=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    source = models.CharField(max_length=14, choices=Source.choices, default=Source.MANUAL)
    sales_order_line = models.ForeignKey(
        SalesOrderLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    # The planning app's planned order this was firmed from; a plain id so that production does
    # not import planning (planning sits beside production, not below it).
    planned_order_ref = models.CharField(max_length=40, blank=True, db_index=True)
    supply_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", help_text="Components come from."
    )
    output_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", help_text="Finished goods go to."
    )
    lot_code = models.CharField(max_length=60, help_text="Lot the output is received into.")
    good_quantity = fields.quantity(default=ZERO, help_text="Good output of the last operation.")
    scrap_quantity = fields.quantity(default=ZERO)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "number"]
        indexes = [
            models.Index(fields=["item", "status"], name="wo_item_status_idx"),
            # On-time delivery and throughput read the orders completed in a period.
            models.Index(fields=["completed_at"], name="wo_completed_at_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


OPEN_STATUSES = frozenset({WorkOrder.Status.RELEASED, WorkOrder.Status.IN_PROGRESS})


class WorkOrderOperation(models.Model):
    """One routing step of one work order, with its progress derived from the event ledger.

    The time elements are those ISO 22400 needs per order operation: actual setup time, actual
    processing (production) time, delay (paused) time and down time, plus labour time clocked by
    workers, all in seconds. Quantities are produced = good + scrap (+ rework, counted apart).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SETUP = "setup", "Setup"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        DOWN = "down", "Down"
        COMPLETED = "completed", "Completed"

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="operations")
    sequence = models.PositiveIntegerField()
    name = models.CharField(max_length=100, blank=True)
    work_center = models.ForeignKey(WorkCenter, on_delete=models.PROTECT, related_name="wo_ops")
    routing_operation = models.ForeignKey(
        Operation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    setup_minutes = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    run_minutes_per_unit = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    good_quantity = fields.quantity(default=ZERO)
    scrap_quantity = fields.quantity(default=ZERO)
    rework_quantity = fields.quantity(default=ZERO)
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_end = models.DateTimeField(null=True, blank=True)
    setup_seconds = models.PositiveIntegerField(default=0)
    processing_seconds = models.PositiveIntegerField(default=0)
    delay_seconds = models.PositiveIntegerField(default=0)
    down_seconds = models.PositiveIntegerField(default=0)
    labour_seconds = models.PositiveIntegerField(default=0)
    # Where the fold of this operation's events stands, so the next event in time order is applied
    # to it instead of refolding every event (`production.batch`): the state, the (at, id) of the
    # latest event in time order, and the highest event id folded. Empty: fold from the ledger.
    fold_state = models.JSONField(default=dict, blank=True, editable=False)
    state_since = models.DateTimeField(null=True, blank=True)
    state_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["work_order", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["work_order", "sequence"], name="uniq_wo_operation")
        ]

    def __str__(self) -> str:
        return f"{self.work_order.number}/{self.sequence}"

    @property
    def planned_minutes(self) -> Decimal:
        return Decimal(self.setup_minutes + self.run_minutes_per_unit * self.work_order.quantity)


class WorkOrderMaterial(models.Model):
    """A component the order needs (one BOM level down), what is reserved and what was issued.

    `required_quantity` includes the BOM line's scrap allowance. Components marked `backflush` are
    issued automatically when good quantity is reported on `operation_sequence`.
    """

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="materials")
    component = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    operation_sequence = models.PositiveIntegerField(null=True, blank=True)
    quantity_per = fields.quantity()
    required_quantity = fields.quantity()
    issued_quantity = fields.signed_quantity(default=ZERO)
    reserved_quantity = fields.quantity(default=ZERO)
    backflush = models.BooleanField(default=True)

    class Meta:
        ordering = ["work_order", "component__sku"]
        constraints = [
            models.UniqueConstraint(fields=["work_order", "component"], name="uniq_wo_material")
        ]
        indexes = [
            models.Index(fields=["component", "reserved_quantity"], name="wo_material_reserve_idx")
        ]

    def __str__(self) -> str:
        return f"{self.work_order.number}: {self.component.sku}"

    @property
    def open_quantity(self) -> Decimal:
        return Decimal(max(self.required_quantity - self.issued_quantity, ZERO))


class ProductionEvent(models.Model):
    """One fact from the shop floor, append-only, applied by its own timestamp.

    `client_id` is generated by whoever observed the fact (terminal, PLC gateway, MES): sending it
    again is a no-op. `at` is when it happened, `recorded_at` when Andon learnt of it; the two
    differ for late and offline events, and every derived figure is computed in `at` order.
    """

    class Kind(models.TextChoices):
        SETUP_START = "setup_start", "Setup start"
        SETUP_END = "setup_end", "Setup end"
        START = "start", "Start"
        PAUSE = "pause", "Pause"
        RESUME = "resume", "Resume"
        REPORT = "report", "Report quantities"
        COMPLETE = "complete", "Complete"
        CLOCK_ON = "clock_on", "Clock on"
        CLOCK_OFF = "clock_off", "Clock off"
        DOWNTIME_START = "downtime_start", "Downtime start"
        DOWNTIME_END = "downtime_end", "Downtime end"
        CONSUME = "consume", "Consume material"

    class DowntimeClass(models.TextChoices):
        PLANNED = "planned", "Planned"
        UNPLANNED = "unplanned", "Unplanned"

    client_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Both are the first column of the composite indexes below, which serve every lookup a
    # single-column index would; each index less is less to write per event.
    work_center = models.ForeignKey(
        WorkCenter, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    operation = models.ForeignKey(
        WorkOrderOperation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
    )
    worker = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="production_events"
    )
    quantity = fields.quantity(default=ZERO, help_text="Good quantity, or quantity consumed.")
    scrap_quantity = fields.quantity(default=ZERO)
    rework_quantity = fields.quantity(default=ZERO)
    reason = models.CharField(max_length=40, blank=True)
    downtime_class = models.CharField(max_length=10, choices=DowntimeClass.choices, blank=True)
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["operation", "at"], name="event_operation_at_idx"),
            # An operation's latest event id in a few index pages, whatever its history: the
            # check that its kept fold state has seen every event (production.batch).
            models.Index(fields=["operation", "id"], name="event_operation_id_idx"),
            models.Index(fields=["work_center", "at"], name="event_wc_at_idx"),
            models.Index(fields=["at"], name="event_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0)
                & models.Q(scrap_quantity__gte=0)
                & models.Q(rework_quantity__gte=0),
                name="event_quantities_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.client_id}"


class LotLink(models.Model):
    """Genealogy: `quantity` of `component_lot` went into `parent_lot` through a work order.

    Written in the same transaction as the consumption (issue, backflush or consume event). The
    parent lot is the order's output lot; it is empty when the made item is not lot-tracked, and
    the link then still says which order used the component. A return of material writes a link
    with a negative quantity, so the sum per pair is what truly went in.
    """

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="lot_links")
    parent_lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="component_links"
    )
    component_lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="parent_links")
    quantity = fields.signed_quantity()
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["parent_lot", "component_lot"], name="lotlink_parent_idx"),
            models.Index(fields=["component_lot", "parent_lot"], name="lotlink_component_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.parent_lot or self.work_order} ← {self.component_lot}"


class ReasonCode(models.Model):
    """Why an operation paused, why parts were scrapped, why a machine stood still.

    Operators tap these on the terminal and the downtime Pareto groups on them, so a plant keeps
    a short list of its own. A downtime reason carries its class (planned time is not an
    availability loss) and every reason its place among the six big losses. The events API still
    takes any code a machine sends (a PLC's fault number, say): a code defined here gets its
    label and class, an unknown one is kept as sent.
    """

    class Kind(models.TextChoices):
        PAUSE = "pause", "Pause"
        SCRAP = "scrap", "Scrap"
        DOWNTIME = "downtime", "Downtime"

    class Loss(models.TextChoices):
        NONE = "", "Not a loss (planned)"
        EQUIPMENT_FAILURE = "equipment_failure", "Equipment failure"
        SETUP_ADJUSTMENT = "setup_adjustment", "Setup and adjustment"
        MINOR_STOP = "minor_stop", "Idling and minor stops"
        REDUCED_SPEED = "reduced_speed", "Reduced speed"
        PROCESS_DEFECT = "process_defect", "Process defects"
        STARTUP_REJECT = "startup_reject", "Reduced yield (startup rejects)"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.CharField(
        max_length=40, validators=[code_validator], help_text="What the terminal and events send."
    )
    label = models.CharField(max_length=80, help_text="What the operator reads on the button.")
    downtime_class = models.CharField(
        max_length=10,
        choices=ProductionEvent.DowntimeClass.choices,
        blank=True,
        help_text="Downtime only: planned downtime is not an availability loss.",
    )
    loss = models.CharField(max_length=20, choices=Loss.choices, blank=True)
    sequence = models.PositiveIntegerField(default=100, help_text="Order on the terminal.")
    active = models.BooleanField(default=True, help_text="Offered on the terminal.")

    class Meta:
        ordering = ["kind", "sequence", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="uniq_reason_kind_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.label}"

    def clean(self) -> None:
        if self.kind == self.Kind.DOWNTIME and not self.downtime_class:
            raise ValidationError(
                {"downtime_class": "Say whether this downtime is planned or unplanned."}
            )
        if self.kind != self.Kind.DOWNTIME and self.downtime_class:
            raise ValidationError({"downtime_class": "Only downtime reasons have a class."})
        if self.downtime_class == ProductionEvent.DowntimeClass.PLANNED and self.loss:
            raise ValidationError({"loss": "Planned downtime is not a loss."})
