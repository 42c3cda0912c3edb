"""What the plant makes and buys: units, items, bills of materials and routings."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from andon.core import fields
from andon.people.models import Certification, Skill
from andon.plant.models import WorkCenter, code_validator


class UnitOfMeasure(models.Model):
    """A unit, and how it converts to the base unit of its dimension (1 kg = 1000 g).

    Conversions are explicit ratios inside one dimension; a count (pcs) never converts to a mass.
    """

    class Dimension(models.TextChoices):
        COUNT = "count", "Count"
        MASS = "mass", "Mass"
        LENGTH = "length", "Length"
        AREA = "area", "Area"
        VOLUME = "volume", "Volume"
        TIME = "time", "Time"

    code = models.CharField(max_length=12, unique=True, validators=[code_validator])
    name = models.CharField(max_length=60)
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    ratio_to_base = models.DecimalField(
        max_digits=20,
        decimal_places=10,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.0000000001"))],
        help_text="How many base units of the dimension one of this unit is.",
    )
    whole_numbers = models.BooleanField(
        default=False, help_text="Only whole quantities make sense."
    )

    class Meta:
        ordering = ["dimension", "ratio_to_base"]
        verbose_name = "unit of measure"
        verbose_name_plural = "units of measure"

    def __str__(self) -> str:
        return self.code


class Item(models.Model):
    """A part, material or product with a SKU: made (BOM and routing) or bought (suppliers)."""

    class Procurement(models.TextChoices):
        MAKE = "make", "Make"
        BUY = "buy", "Buy"

    class LotSizeRule(models.TextChoices):
        LOT_FOR_LOT = "lot_for_lot", "Lot for lot"
        FIXED = "fixed", "Fixed quantity"
        PERIOD = "period", "Period order quantity"
        MIN_MAX = "min_max", "Min / max"
        EOQ = "eoq", "Economic order quantity"

    sku = models.CharField("SKU", max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=60, blank=True)
    uom = models.ForeignKey(UnitOfMeasure, on_delete=models.PROTECT, verbose_name="unit")
    procurement = models.CharField(max_length=4, choices=Procurement.choices)
    lead_time_days = models.PositiveIntegerField(default=0)
    lot_size_rule = models.CharField(
        max_length=12, choices=LotSizeRule.choices, default=LotSizeRule.LOT_FOR_LOT
    )
    lot_size = fields.quantity(
        null=True, blank=True, help_text="Fixed quantity, or days of supply for a period rule."
    )
    min_qty = fields.quantity(default=Decimal("0"))
    max_qty = fields.quantity(null=True, blank=True)
    multiple = fields.quantity(default=Decimal("0"), help_text="Order multiple; 0 for none.")
    order_cost = fields.money(default=Decimal("0"), help_text="Cost of one order (for EOQ).")
    holding_rate_percent = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Yearly holding cost as % of standard cost (for EOQ).",
    )
    safety_stock = fields.quantity(default=Decimal("0"))
    standard_cost = fields.money(default=Decimal("0"))
    lot_tracked = models.BooleanField(default=False)
    allow_negative_stock = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sku"]

    def __str__(self) -> str:
        return self.sku

    def clean(self) -> None:
        errors: dict[str, str] = {}
        rule = self.lot_size_rule
        if rule in (self.LotSizeRule.FIXED, self.LotSizeRule.PERIOD) and not self.lot_size:
            errors["lot_size"] = f"The {self.get_lot_size_rule_display()} rule needs a lot size."
        if rule == self.LotSizeRule.MIN_MAX and not self.max_qty:
            errors["max_qty"] = "The min/max rule needs a maximum quantity."
        if rule == self.LotSizeRule.EOQ and not (self.order_cost and self.standard_cost):
            errors["order_cost"] = "EOQ needs an order cost and a standard cost."
        if self.max_qty is not None and self.max_qty < self.min_qty:
            errors["max_qty"] = "The maximum is below the minimum."
        if errors:
            raise ValidationError(errors)


class BomLine(models.Model):
    """One line of a parent item's bill of materials: `quantity` of `component` per parent unit.

    Scrap inflates the requirement (quantity / (1 - scrap%)). Effective dates let engineering
    changes be entered ahead of time. Services reject any line that would close a cycle.
    """

    parent = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="bom_lines")
    component = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="used_in")
    position = models.PositiveIntegerField(default=10)
    quantity = fields.quantity(validators=[MinValueValidator(Decimal("0.0001"))])
    scrap_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99.99"))],
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    operation_sequence = models.PositiveIntegerField(
        null=True, blank=True, help_text="Routing operation that consumes it; empty: the first."
    )

    class Meta:
        ordering = ["parent__sku", "position", "id"]
        verbose_name = "BOM line"
        indexes = [models.Index(fields=["component"], name="bomline_component_idx")]
        # The database also refuses what bulk loads could slip past the services.
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("component")),
                name="bomline_not_own_component",
                violation_error_message="An item cannot be a component of itself.",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="bomline_dates_in_order",
                violation_error_message="The end date is before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.sku} ← {self.quantity.normalize()} × {self.component.sku}"  # noqa: RUF001 (the sign is meant)

    def clean(self) -> None:
        if self.parent_id is not None and self.parent_id == self.component_id:
            raise ValidationError({"component": "An item cannot be a component of itself."})


class Operation(models.Model):
    """One step of an item's routing, run at a work center (or an alternative one)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="operations")
    sequence = models.PositiveIntegerField()
    name = models.CharField(max_length=100, blank=True)
    work_center = models.ForeignKey(WorkCenter, on_delete=models.PROTECT, related_name="operations")
    setup_minutes = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0"), validators=[fields.NON_NEGATIVE]
    )
    run_minutes_per_unit = models.DecimalField(
        max_digits=12, decimal_places=4, validators=[fields.NON_NEGATIVE]
    )
    setup_family = models.CharField(max_length=30, blank=True)
    skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.PROTECT, related_name="operations"
    )
    skill_level = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    crew_size = models.PositiveSmallIntegerField(default=1)
    certification = models.ForeignKey(
        Certification, null=True, blank=True, on_delete=models.PROTECT, related_name="operations"
    )
    instructions = models.TextField(blank=True)

    class Meta:
        ordering = ["item__sku", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["item", "sequence"], name="uniq_operation_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.item.sku}/{self.sequence} {self.name or self.work_center.code}"

    def clean(self) -> None:
        if self.setup_minutes == 0 and self.run_minutes_per_unit == 0:
            raise ValidationError("An operation needs a setup time or a run time.")


class AlternativeWorkCenter(models.Model):
    """A work center that can run an operation instead of its primary one, at its own speed."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="alternatives")
    work_center = models.ForeignKey(WorkCenter, on_delete=models.PROTECT, related_name="+")
    run_minutes_per_unit = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[fields.NON_NEGATIVE],
        help_text="Empty: same as the primary work center.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["operation", "work_center"], name="uniq_alternative")
        ]

    def __str__(self) -> str:
        return f"{self.operation} alt {self.work_center.code}"


class OperationDocument(models.Model):
    """A drawing, work instruction or photo the operator needs at an operation.

    Kept with the routing (not the work order), so a new revision reaches every order still to
    run it. Files live under the media directory with a random name and are served only to
    people who are logged in, never as public static files.
    """

    class Kind(models.TextChoices):
        DRAWING = "drawing", "Drawing"
        INSTRUCTION = "instruction", "Work instruction"
        PHOTO = "photo", "Photo"
        OTHER = "other", "Other"

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DRAWING)
    file = models.FileField(upload_to="operations/", max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["operation", "kind", "title"]

    def __str__(self) -> str:
        return self.title
