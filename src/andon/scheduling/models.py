"""Finite-capacity schedules as the plant keeps them: versioned runs, their placed operations,
the machine downtime a reschedule must plan around, and the order changes it has not seen yet.

A run writes its `ScheduledOperation` rows only in the transaction that publishes it, so a run
that fails or is killed leaves no rows behind and the schedule in force is always the latest
published run (`ScheduleRun.current()`). Planner locks live on the published rows and are read
back as fixed operations by the next run.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from andon.plant.models import WorkCenter
from andon.production.models import WorkOrderOperation


class ScheduleRun(models.Model):
    """One attempt to schedule the open work orders, with its solver figures and progress.

    `progress` holds the objective over time as [[seconds, objective], ...] so the page can draw
    it while the run goes on; `percent` is the share of the time limit used.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        SCHEDULE = "schedule", "New schedule"
        RESCHEDULE = "reschedule", "Reschedule (keep the floor stable)"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SCHEDULE)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    reason = models.CharField(max_length=200, blank=True)
    origin = models.DateTimeField(null=True, blank=True, help_text="Minute 0 of the schedule.")
    horizon_days = models.PositiveIntegerField(default=60)
    time_limit = models.FloatField(default=10.0)
    solver_status = models.CharField(max_length=12, blank=True)
    objective = models.BigIntegerField(null=True, blank=True)
    lower_bound = models.BigIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    log = models.TextField(blank=True)
    progress = models.JSONField(default=list, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    operation_count = models.PositiveIntegerField(default=0)
    moved_count = models.PositiveIntegerField(default=0)
    late_orders = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"schedule run {self.pk}"

    @classmethod
    def current(cls) -> ScheduleRun | None:
        """The schedule in force: the latest published run."""
        return (
            cls.objects.filter(status=cls.Status.PUBLISHED).order_by("-published_at", "-id").first()
        )


class ScheduledOperation(models.Model):
    """A work-order operation placed by a run: where and when, and whether a planner locked it.

    `previous_start` and `previous_work_center` are where the schedule in force before this run
    had it, so a reschedule can show what moved.
    """

    run = models.ForeignKey(ScheduleRun, on_delete=models.CASCADE, related_name="operations")
    operation = models.ForeignKey(
        WorkOrderOperation, on_delete=models.CASCADE, related_name="scheduled"
    )
    work_center = models.ForeignKey(WorkCenter, on_delete=models.PROTECT, related_name="+")
    piece = models.PositiveSmallIntegerField(
        default=0, help_text="Part of an operation longer than a shift, cut to fit (0 = first)."
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    locked = models.BooleanField(default=False)
    started = models.BooleanField(default=False, help_text="Already running on the floor.")
    workers = models.CharField(
        max_length=300, blank=True, help_text="Worker codes, comma-separated."
    )
    previous_start = models.DateTimeField(null=True, blank=True)
    previous_work_center = models.ForeignKey(
        WorkCenter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "operation", "piece"], name="uniq_scheduled_operation"
            )
        ]
        indexes = [
            models.Index(fields=["run", "work_center", "start"], name="sched_op_center_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} on {self.work_center.code} at {self.start:%Y-%m-%d %H:%M}"

    @property
    def moved(self) -> bool:
        # A started operation is placed at "now" by every run: it runs on, it did not move.
        if self.previous_start is None or self.started:
            return False
        return (
            self.previous_start != self.start or self.previous_work_center_id != self.work_center_id
        )


class Downtime(models.Model):
    """A window a work center cannot work (breakdown, planned stop): removed from its calendar."""

    work_center = models.ForeignKey(WorkCenter, on_delete=models.CASCADE, related_name="downtimes")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="downtime_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_center.code} down {self.start:%Y-%m-%d %H:%M}"


class WorkOrderChange(models.Model):
    """A work-order change, in a planner's words, that a schedule built before `at` does not show.

    Written by scheduling's handler of production's work-order events (`scheduling.handlers`), so
    the schedule page can say which orders changed since the schedule in force was built. Only
    changes after the schedule in force are ever read; older rows are pruned as new ones come.
    """

    at = models.DateTimeField(db_index=True, help_text="When the order changed.")
    work_order = models.CharField(max_length=40, help_text="The work order's number.")
    what = models.CharField(max_length=200, help_text='e.g. "released", "quantity 5 → 8".')

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.work_order} {self.what}"
