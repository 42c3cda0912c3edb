"""The crew: workers, their skills with levels, and certifications that expire."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from andon.core import fields
from andon.plant.models import Shift, code_validator

# A certificate within this many days of its expiry is flagged, so renewal can be booked in time.
EXPIRY_WARNING_DAYS = 30


class Skill(models.Model):
    """Something an operation needs and a worker can do.

    Levels run from 1 (learning) to 5 (trainer) and are stored on `WorkerSkill`; an operation asks
    for a minimum level.
    """

    code = models.CharField(max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Certification(models.Model):
    """A qualification with an expiry (forklift licence, welding certificate, ...)."""

    code = models.CharField(max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    validity_months = models.PositiveIntegerField(
        null=True, blank=True, help_text="Default validity of a new certificate; empty: no expiry."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Worker(models.Model):
    """A person on the shop floor, with the shift they work and what they are qualified for."""

    code = models.CharField(max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.PROTECT, related_name="workers"
    )
    hourly_rate = fields.money(null=True, blank=True)
    badge = models.CharField(max_length=40, blank=True, help_text="Badge id for scanners.")
    active = models.BooleanField(default=True)
    skills = models.ManyToManyField(Skill, through="WorkerSkill", related_name="workers")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class WorkerSkill(models.Model):
    """How well a worker masters a skill; scheduling matches it against an operation's level."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="skill_levels")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="worker_levels")
    level = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["skill__code"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "skill"], name="uniq_worker_skill")
        ]

    def __str__(self) -> str:
        return f"worker {self.worker.code} ({self.skill.code} level {self.level})"


class WorkerCertification(models.Model):
    """A certificate a worker holds, valid from `issued_on` up to and including `expires_on`."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="certifications")
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="holders"
    )
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["expires_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "certification", "issued_on"], name="uniq_worker_certificate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker.code} {self.certification.code}"

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError(
                {"expires_on": "A certificate cannot expire before it is issued."}
            )

    def is_valid_on(self, day: dt.date) -> bool:
        return self.issued_on <= day and (self.expires_on is None or day <= self.expires_on)

    def status_on(self, day: dt.date, warn_days: int = EXPIRY_WARNING_DAYS) -> str:
        """`valid`, `expiring` (within `warn_days`), `expired`, or `pending` (not yet issued)."""
        if day < self.issued_on:
            return "pending"
        if self.expires_on is None:
            return "valid"
        if self.expires_on < day:
            return "expired"
        if (self.expires_on - day).days <= warn_days:
            return "expiring"
        return "valid"
