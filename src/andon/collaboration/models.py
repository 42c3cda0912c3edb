"""Team communication: comments on records, the @mentions in them, and shift handover notes.

A comment hangs on any record of the allow-list in `andon.collaboration.records` through a
generic relation, so one thread works the same on an order, a work center or an alert. A
mention is stored per comment and user: it is what "my mentions" lists and what makes an edit
notify only people who were not already told.

A handover note is written by the outgoing shift of one production line (the distinct
`WorkCenter.line` values) and acknowledged by someone of the incoming shift. At most one note
per line and shift date is open (unacknowledged) at a time, so the incoming shift never has to
guess which note is the current one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from andon.plant.models import Shift

COMMENT_MAX_LENGTH = 4000
NOTE_PART_MAX_LENGTH = 4000
REPLY_MAX_LENGTH = 2000
# How long an author may still correct or withdraw a comment; after that it is kept as written.
EDIT_WINDOW = dt.timedelta(minutes=15)


class Comment(models.Model):
    """A remark by one person on one record, shown in the record's thread, oldest first."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    text = models.TextField(max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at"], name="comment_record_idx"
            )
        ]

    def __str__(self) -> str:
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first[:80]

    @property
    def editable_until(self) -> dt.datetime:
        return self.created_at + EDIT_WINDOW

    def still_editable(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) < self.editable_until


class Mention(models.Model):
    """One person named with @username in one comment; told once, however often named."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    notification = models.ForeignKey(
        "alerts.Notification",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="one_mention_per_user")
        ]

    def __str__(self) -> str:
        return f"@{self.user} in comment {self.comment_id}"


class HandoverNote(models.Model):
    """What the outgoing shift of a line tells the incoming one, and who read it, when.

    The parts follow what a supervisor asks at a shift change: anything about safety, quality,
    output against target per work center (good and scrap prefilled from the reports of the
    shift), machines down and open issues, the open alerts of the line, and anything else.
    `acknowledge_due_at` is set when the note is written; after it an open note is overdue.
    """

    class State(models.TextChoices):
        OPEN = "open", "Waiting for acknowledgement"
        OVERDUE = "overdue", "Acknowledgement overdue"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"

    line = models.CharField(max_length=40, db_index=True)
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="handover_notes")
    shift_date = models.DateField(help_text="The date the outgoing shift started.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handover_notes"
    )
    written_at = models.DateTimeField(db_index=True)
    safety = models.TextField(blank=True, max_length=NOTE_PART_MAX_LENGTH)
    quality = models.TextField(blank=True, max_length=NOTE_PART_MAX_LENGTH)
    output = models.JSONField(
        default=list,
        blank=True,
        help_text="Per work center: code, name, good, scrap and target (decimal strings).",
    )
    machines_down = models.TextField(
        "machines down and open issues", blank=True, max_length=NOTE_PART_MAX_LENGTH
    )
    open_alerts = models.JSONField(
        default=list, blank=True, help_text="The line's open alerts when the note was written."
    )
    notes = models.TextField(blank=True, max_length=NOTE_PART_MAX_LENGTH)
    acknowledge_due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply = models.TextField(blank=True, max_length=REPLY_MAX_LENGTH)

    class Meta:
        ordering = ["-written_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "shift_date"],
                condition=Q(acknowledged_at__isnull=True),
                name="one_open_handover_per_line_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.shift_date} {self.shift.name if self.shift_id else ''}".strip()

    def state_at(self, now: dt.datetime | None = None) -> str:
        if self.acknowledged_at is not None:
            return self.State.ACKNOWLEDGED
        if (now or timezone.now()) >= self.acknowledge_due_at:
            return self.State.OVERDUE
        return self.State.OPEN

    @property
    def state(self) -> str:
        return self.state_at()

    @property
    def state_label(self) -> str:
        return self.State(self.state).label

    @property
    def state_badge(self) -> str:
        return {"open": "warn", "overdue": "bad", "acknowledged": "ok"}[self.state]
