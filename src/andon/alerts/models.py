"""Alerts: rules, alerts and the notifications that reach people.

A rule watches one condition of the plant (its `kind` names a module in `andon.alerts.rules`);
each time rules are evaluated it yields the subjects in that condition, and an `Alert` is open
for each of them until the condition clears or a person resolves it. At most one alert is open
per rule and subject (a partial unique constraint), so evaluating twice never raises twice.

Notifications leave in three ways: an inbox entry per user (`Notification`), an email, and a
`WebhookDelivery` per endpoint, written in the same transaction as the event it reports and sent
later by the background path, so a slow endpoint never holds a transaction or a request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from andon.accounts.roles import ROLES

ROLE_CHOICES = [("", "—")] + [(r, r) for r in ROLES]


class Severity(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


# The andon.css badge class of each severity and state.
SEVERITY_BADGE = {"info": "info", "warning": "warn", "critical": "bad"}
STATE_BADGE = {"open": "bad", "acknowledged": "warn", "resolved": "ok"}


class AlertRule(models.Model):
    """One configured watch: a kind from the registry, its parameters, who owns what it raises.

    `parameters` is validated against the kind's schema by the services before it is saved; the
    owner (a role, a user or both) receives every alert; an alert nobody acknowledges within
    `escalate_after_minutes` is escalated to `escalate_to_role` / `escalate_to_user`.
    """

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=40, db_index=True)
    parameters = models.JSONField(default=dict, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.WARNING)
    owner_role = models.CharField(max_length=20, choices=ROLE_CHOICES, blank=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enabled = models.BooleanField(default=True)
    escalate_after_minutes = models.PositiveIntegerField(null=True, blank=True)
    escalate_to_role = models.CharField(max_length=20, choices=ROLE_CHOICES, blank=True)
    escalate_to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_evaluated_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """A condition a rule found, from raised to resolved, with who did what and when."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    subject_key = models.CharField(max_length=200)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    evidence_url = models.CharField(max_length=300, blank=True)
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.OPEN, db_index=True
    )
    raised_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cause = models.CharField(max_length=300, blank=True)
    escalated = models.BooleanField(default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_key"],
                condition=~Q(state="resolved"),
                name="one_open_alert_per_rule_subject",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def severity_badge(self) -> str:
        return SEVERITY_BADGE.get(self.severity, "")

    @property
    def state_badge(self) -> str:
        return STATE_BADGE.get(self.state, "")


class Notification(models.Model):
    """One inbox entry for one user, read or not: an alert event, or a colleague's @mention.

    The inbox is the one place a person looks for what needs them, so other contexts write here
    too: an entry of another kind has no alert and carries the `url` of the record it is about.
    """

    class Kind(models.TextChoices):
        ALERT = "alert", "Alert"
        MENTION = "mention", "Mention"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ALERT)
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    url = models.CharField(max_length=300, blank=True, help_text="The record it is about.")
    event = models.CharField(max_length=20)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(db_index=True)
    read = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read"], name="notification_user_read_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="alert", alert__isnull=False) | ~Q(kind="alert"),
                name="alert_notification_has_alert",
            )
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def link(self) -> str:
        """Where the inbox entry leads: the alert's page, or the record it was written about."""
        if self.alert_id is not None:
            return reverse("alerts:alert-detail", args=[self.alert_id])
        return self.url


class Subscription(models.Model):
    """A user who wants to hear of one rule's alerts, or of every rule of a kind, and how."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    rule = models.ForeignKey(
        AlertRule, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    kind = models.CharField(max_length=40, blank=True)
    inbox = models.BooleanField(default=True)
    email = models.BooleanField(default=False)

    class Meta:
        ordering = ["user", "kind", "rule"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(rule__isnull=False) & Q(kind=""))
                | (Q(rule__isnull=True) & ~Q(kind="")),
                name="subscription_rule_xor_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} to {self.rule or self.kind}"


class WebhookEndpoint(models.Model):
    """A URL told of alert events, each body signed with the endpoint's secret."""

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=300)
    secret = models.CharField(max_length=100)
    events = models.JSONField(default=list, blank=True, help_text="Empty: every event.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return self.active and (not self.events or event in self.events)


class WebhookDelivery(models.Model):
    """One event for one endpoint: pending until delivered, retried with back-off, logged."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    event = models.CharField(max_length=20)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    log = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"

    @property
    def status_badge(self) -> str:
        return {"delivered": "ok", "failed": "bad", "pending": "warn"}.get(self.status, "")
