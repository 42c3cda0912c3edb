"""Performance: the time elements folded from the shop-floor ledger, kept for fast reading.

The ledger of `ProductionEvent`s is the truth; these tables are derived from it and can be
rebuilt from it at any time (`store.refresh(rebuild=True)`). They exist because replaying a
month of a large plant's events on every page view is far too slow.
"""

from django.db import models
from django.db.models import Q

from andon.plant.models import WorkCenter
from andon.production.models import WorkOrderOperation

OPEN_END = 2**62
"""`TimeElement.ends` of a state still open in the ledger: it is closed when read."""


class ReasonKey(models.Model):
    """A reason code seen on the floor, so that elements carry a small integer key.

    Not the reason master data (`production.ReasonCode`): every code sent gets a key here, defined
    or not, because the element store must hold whatever the ledger holds.
    """

    code = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return self.code


class TimeElement(models.Model):
    """What a work center did from `starts` to `ends` (Unix seconds), as the KPI engine reads it.

    One element per state an operation passed through (setup, running, paused, down) or per
    machine-level downtime, folded by `fold.py` exactly as production derives its progress.
    `item`, `order` and `reason` are plain keys (-1 for none) so that a range is read as fixed-
    width columns. `long` marks elements that are open or longer than `store.SPAN`, so that a
    range is found through the index on `starts` alone."""

    operation = models.ForeignKey(
        WorkOrderOperation, null=True, on_delete=models.CASCADE, related_name="+"
    )
    work_center = models.ForeignKey(WorkCenter, on_delete=models.CASCADE, related_name="+")
    starts = models.BigIntegerField()
    ends = models.BigIntegerField()
    open = models.BooleanField(default=False)
    long = models.BooleanField(default=False)
    kind = models.SmallIntegerField()
    item_key = models.IntegerField(default=-1)
    order_key = models.IntegerField(default=-1)
    reason_key = models.IntegerField(default=-1)
    good = models.FloatField(default=0.0)
    scrap = models.FloatField(default=0.0)
    rework = models.FloatField(default=0.0)
    seconds_per_unit = models.FloatField(default=0.0)

    class Meta:
        indexes = [
            models.Index(fields=["starts"], name="element_starts_idx"),
            models.Index(fields=["starts"], condition=Q(long=True), name="element_long_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.work_center_id} {self.kind} {self.starts}-{self.ends}"


class LedgerMark(models.Model):
    """How far the element store has folded the ledger: one row.

    `high` is the highest event id folded. Ids are handed out before their transaction commits,
    so an event with a lower id can still appear after a higher one was folded: `seen` keeps the
    ids folded in the last `store.LOOKBACK` ids, and any id there not yet seen is folded too."""

    high = models.BigIntegerField(default=0)
    seen = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"folded up to event {self.high}"
