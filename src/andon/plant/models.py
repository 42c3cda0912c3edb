"""The plant's physical side: shifts and calendars, work centers, stock locations."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from andon.core import fields

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._/-]*$", "Use letters, digits and . _ / - only, no spaces."
)


def _refuse_time_zones(record: models.Model, *names: str) -> None:
    """Times of day here are the plant's wall-clock times (its calendar says which zone), so a
    time given with a zone means something this field cannot hold; SQLite cannot store one."""
    aware = {
        name: "A time of day is the plant's local time: give it without a time zone."
        for name in names
        if getattr(record, name) is not None and getattr(record, name).tzinfo is not None
    }
    if aware:
        raise ValidationError(aware)


class Shift(models.Model):
    """A recurring working period, e.g. Early 06:00-14:00 Monday to Friday.

    `end_time` before `start_time` means the shift runs past midnight. `weekdays` holds the ISO
    weekday digits the shift starts on (1 = Monday ... 7 = Sunday).
    """

    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=80)
    start_time = models.TimeField()
    end_time = models.TimeField()
    weekdays = models.CharField(
        max_length=7,
        default="12345",
        validators=[RegexValidator(r"^[1-7]{1,7}$", "Weekdays are digits 1 (Mon) to 7 (Sun).")],
    )
    break_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["start_time", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_time:%H:%M}-{self.end_time:%H:%M})"

    def clean(self) -> None:
        _refuse_time_zones(self, "start_time", "end_time")
        if self.start_time == self.end_time:
            raise ValidationError({"end_time": "A shift must not start and end at the same time."})
        if len(set(self.weekdays)) != len(self.weekdays):
            raise ValidationError({"weekdays": "A weekday is listed twice."})

    @property
    def minutes(self) -> int:
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute
        return (end - start) % (24 * 60) - self.break_minutes

    @property
    def hours(self) -> float:
        """Working hours per occurrence, break excluded."""
        return self.minutes / 60


class Calendar(models.Model):
    """When a work center (or the plant) can work: its shifts, less holidays, plus exceptions."""

    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=80)
    shifts = models.ManyToManyField(Shift, related_name="calendars", blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class CalendarException(models.Model):
    """A date that differs from the weekly pattern: a holiday or shutdown, or extra working time."""

    class Kind(models.TextChoices):
        CLOSED = "closed", "Closed (holiday, shutdown)"
        WORKING = "working", "Extra working time"

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CLOSED)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date", "kind"], name="uniq_calendar_exception"
            )
        ]

    def __str__(self) -> str:
        return f"{self.calendar} {self.date} {self.get_kind_display()}"

    def clean(self) -> None:
        _refuse_time_zones(self, "start_time", "end_time")
        if self.kind == self.Kind.WORKING:
            if self.start_time is None or self.end_time is None:
                raise ValidationError("Extra working time needs a start and an end time.")
            if self.start_time == self.end_time:
                raise ValidationError(
                    {"end_time": "Extra working time must not start and end at the same time."}
                )
        if self.calendar_id is not None and self.date is not None:
            other = self.Kind.WORKING if self.kind == self.Kind.CLOSED else self.Kind.CLOSED
            clash = CalendarException.objects.filter(
                calendar_id=self.calendar_id, date=self.date, kind=other
            ).exclude(pk=self.pk)
            if clash.exists():
                # The calendar engine refuses a date that is both closed and worked: pick one.
                raise ValidationError(
                    {"date": f"{self.date} already has a {other} exception on this calendar."}
                )


class WorkCenter(models.Model):
    """A group of identical machines or stations that routings load; `capacity` runs in parallel."""

    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    line = models.CharField(max_length=40, blank=True, help_text="Production line or area.")
    capacity = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="Machines or stations that can work at the same time.",
    )
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="work_centers")
    cost_rate = fields.money(default=Decimal("0"), help_text="Cost per hour of running.")
    efficiency_percent = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Location(models.Model):
    """A place stock is kept: a warehouse, a zone inside it, a bin, or line-side storage."""

    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", "Warehouse"
        ZONE = "zone", "Zone"
        BIN = "bin", "Bin"
        LINE_SIDE = "line_side", "Line-side"
        QUARANTINE = "quarantine", "Quarantine"

    code = models.CharField(max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.WAREHOUSE)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    nettable = models.BooleanField(default=True, help_text="Stock here counts for MRP.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        # Saved locations are told apart by primary key, unsaved ones (an import validating a
        # whole new tree before writing it) by identity.
        def key(loc: "Location") -> object:
            return ("pk", loc.pk) if loc.pk is not None else ("obj", id(loc))

        seen = {key(self)}
        node = self.parent
        while node is not None:
            if key(node) in seen:
                raise ValidationError({"parent": "A location cannot be inside itself."})
            seen.add(key(node))
            node = node.parent

    def path(self) -> list["Location"]:
        """The chain from the outermost location down to this one."""
        chain: list[Location] = [self]
        while chain[0].parent is not None and len(chain) < 50:
            chain.insert(0, chain[0].parent)
        return chain
