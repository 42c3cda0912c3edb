"""Alert emails through Django's mail (SMTP as configured by `ANDON_EMAIL_*`).

One message per event with every recipient in `To`, so a shift's supervisors see who else was
told. A mail server that is down is logged and does not fail the caller: the inbox entry exists
regardless.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from andon.alerts.models import Alert
from andon.alerts.notify import base_url

log = logging.getLogger("andon.alerts")
SMTP_TIMEOUT = 10


def compose(alert: Alert, event: str, recipients: list[str]) -> EmailMessage:
    link = base_url() + reverse("alerts:alert-detail", args=[alert.pk])
    evidence = alert.evidence_url
    if evidence.startswith("/"):
        evidence = base_url() + evidence
    subject = f"[Andon] {alert.get_severity_display()} alert {event}: {alert.title}"
    lines = [
        alert.title,
        "",
        alert.detail,
        "",
        f"Rule: {alert.rule.name}",
        f"State: {alert.get_state_display()}",
        f"Raised: {alert.raised_at:%Y-%m-%d %H:%M} UTC",
    ]
    if alert.assigned_to:
        lines.append(f"Assigned to: {alert.assigned_to.get_username()}")
    lines += ["", f"Alert: {link}"]
    if evidence:
        lines.append(f"Evidence: {evidence}")
    return EmailMessage(
        subject=subject[:250],
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )


def addresses(user_ids: list[int]) -> list[str]:
    """The email addresses of the active users among `user_ids`, each once."""
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True)
    return sorted({email for email in users.values_list("email", flat=True) if email})


def send_quietly(messages: list[EmailMessage], what: str) -> int:
    """Send, logging instead of raising: the inbox entry exists whatever the mail server does."""
    if not messages:
        return 0
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT
    try:
        return get_connection(timeout=timeout).send_messages(messages) or 0
    except Exception:
        to = ", ".join(address for m in messages for address in m.to)
        log.exception("%s: email to %s failed", what, to)
        return 0


def send_alert_email(alert_id: int, event: str, user_ids: list[int]) -> int:
    """Send the event's email to the users' addresses; returns messages sent (0 or 1)."""
    alert = Alert.objects.select_related("rule", "assigned_to").filter(pk=alert_id).first()
    recipients = addresses(user_ids) if alert is not None else []
    if alert is None or not recipients:
        return 0
    return send_quietly([compose(alert, event, recipients)], f"alert {alert_id}")
