"""Who hears of an alert event, and how: inbox rows, emails and webhook deliveries.

Called inside the service's transaction: inbox entries and webhook deliveries are rows written
with the event (nothing is lost if the process dies after commit), while the email and the first
webhook attempt are handed to the background path only once the transaction has committed, so
neither an SMTP server nor a webhook endpoint is ever waited on while a transaction is open.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from andon.accounts.roles import ADMIN
from andon.alerts.models import Alert, Notification, Subscription, WebhookDelivery, WebhookEndpoint

INBOX = "inbox"
EMAIL = "email"
EVENTS = ("raised", "escalated", "acknowledged", "assigned", "resolved")
# Events people hear of in the inbox and by email; the others reach webhooks only.
PERSONAL_EVENTS = ("raised", "escalated", "assigned")

Targets = dict[Any, set[str]]  # user -> channels


def base_url() -> str:
    """The address links in emails and webhooks start with (`ANDON_BASE_URL`), if configured."""
    url = getattr(settings, "ANDON_BASE_URL", "") or os.environ.get("ANDON_BASE_URL", "")
    return str(url).rstrip("/")


def role_users(role: str) -> list[Any]:
    """The active users holding `role`; admin includes superusers."""
    if not role:
        return []
    condition = Q(groups__name=role)
    if role == ADMIN:
        condition |= Q(is_superuser=True)
    return list(get_user_model().objects.filter(condition, is_active=True).distinct())


def add(targets: Targets, users: Iterable[Any], channels: Iterable[str]) -> None:
    for user in users:
        if user is not None and user.is_active:
            targets.setdefault(user, set()).update(channels)


def owners(alert: Alert) -> Targets:
    """The rule's owner role and user (inbox and email) plus its subscribers (their channels)."""
    rule = alert.rule
    targets: Targets = {}
    add(targets, role_users(rule.owner_role), (INBOX, EMAIL))
    add(targets, [rule.owner_user], (INBOX, EMAIL))
    subscriptions = Subscription.objects.filter(
        Q(rule=rule) | Q(kind=rule.kind, rule__isnull=True)
    ).select_related("user")
    for sub in subscriptions:
        add(targets, [sub.user], [c for c, on in ((INBOX, sub.inbox), (EMAIL, sub.email)) if on])
    return targets


def escalation_targets(alert: Alert) -> Targets:
    targets: Targets = {}
    add(targets, role_users(alert.rule.escalate_to_role), (INBOX, EMAIL))
    add(targets, [alert.rule.escalate_to_user], (INBOX, EMAIL))
    return targets


def message(alert: Alert, event: str) -> str:
    return f"{alert.get_severity_display()} alert {event}: {alert.title}"[:300]


def payload(alert: Alert, event: str) -> dict[str, Any]:
    """The JSON an endpoint receives for an event (documented in docs/alerts.md)."""
    link = base_url() + reverse("alerts:alert-detail", args=[alert.pk])
    evidence = alert.evidence_url
    if evidence.startswith("/"):
        evidence = base_url() + evidence
    return {
        "event": f"alert.{event}",
        "occurred_at": timezone.now().isoformat(),
        "alert": {
            "id": alert.pk,
            "rule": alert.rule.name,
            "kind": alert.rule.kind,
            "subject_key": alert.subject_key,
            "severity": alert.severity,
            "state": alert.state,
            "title": alert.title,
            "detail": alert.detail,
            "evidence_url": evidence,
            "url": link,
            "raised_at": alert.raised_at.isoformat(),
            "assigned_to": alert.assigned_to.get_username() if alert.assigned_to else None,
            "cause": alert.cause,
            "escalated": alert.escalated,
        },
    }


def notify(alert: Alert, event: str, targets: Targets | None = None) -> None:
    """Tell people and endpoints of `event`; call inside the transaction that made the event."""
    now = timezone.now()
    if targets and event in PERSONAL_EVENTS:
        text = message(alert, event)
        Notification.objects.bulk_create(
            Notification(user=u, alert=alert, event=event, message=text, created_at=now)
            for u, channels in targets.items()
            if INBOX in channels
        )
        emails = sorted({u.pk for u, channels in targets.items() if EMAIL in channels and u.email})
        if emails:
            from andon.alerts.tasks import send_alert_email

            alert_id = alert.pk
            transaction.on_commit(
                lambda: send_alert_email.enqueue(alert_id=alert_id, event=event, user_ids=emails)
            )
    body = payload(alert, event)
    deliveries = [
        WebhookDelivery(
            endpoint=endpoint,
            alert=alert,
            event=f"alert.{event}",
            payload=body,
            created_at=now,
            next_attempt_at=now,
        )
        for endpoint in WebhookEndpoint.objects.filter(active=True)
        if endpoint.wants(f"alert.{event}")
    ]
    if deliveries:
        WebhookDelivery.objects.bulk_create(deliveries)
        from andon.alerts.webhooks import dispatch_in_background

        transaction.on_commit(dispatch_in_background)
