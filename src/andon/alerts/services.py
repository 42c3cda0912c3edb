"""Use cases of the alerts context: evaluate rules, escalate, respond, configure.

Every function that writes is one transaction and audited (system actions with no user), and
refuses bad input with a `DomainError` before it writes. Rule evaluation reads the other apps
only through the rule kinds in `andon.alerts.rules`; nothing here is imported by another app.

Evaluation applies each rule in its own transaction: a rule that fails (a bug, a bad state) is
recorded on the rule and does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from django.db import transaction
from django.utils import timezone

from andon.alerts import notify, rules
from andon.alerts.models import (
    Alert,
    AlertRule,
    Notification,
    Subscription,
    WebhookDelivery,
    WebhookEndpoint,
)
from andon.alerts.rules import Finding
from andon.core import audit
from andon.core import services as core
from andon.core.errors import Conflict, Problem, ValidationFailed

log = logging.getLogger("andon.alerts")
CLEARED = "condition cleared"
RULE_FIELDS = (
    "name",
    "kind",
    "parameters",
    "severity",
    "owner_role",
    "owner_user",
    "enabled",
    "escalate_after_minutes",
    "escalate_to_role",
    "escalate_to_user",
)


# --- rules --------------------------------------------------------------------------------------


def _rule_values(data: Mapping[str, Any], kind: str) -> dict[str, Any]:
    values = {k: data[k] for k in RULE_FIELDS if k in data}
    values["parameters"] = rules.get(kind).validate(values.get("parameters"))
    return values


def create_rule(user: Any, data: Mapping[str, Any]) -> AlertRule:
    """A new rule; its parameters are checked against its kind and completed with defaults."""
    with transaction.atomic():
        values = _rule_values(data, str(data.get("kind", "")))
        return core.create(user, AlertRule(**values))


def update_rule(user: Any, rule: AlertRule, data: Mapping[str, Any]) -> AlertRule:
    with transaction.atomic():
        kind = str(data.get("kind", rule.kind))
        merged = {"parameters": rule.parameters, **data}
        return core.update(user, rule, _rule_values(merged, kind))


def delete_rule(user: Any, rule: AlertRule) -> None:
    """Deletes the rule with its alerts; disabling keeps the history."""
    with transaction.atomic():
        core.delete(user, rule)


# --- evaluation ---------------------------------------------------------------------------------


@dataclass
class Evaluation:
    """What one evaluation did, for the command's output and the task's result."""

    raised: list[Alert] = field(default_factory=list)
    updated: int = 0
    resolved: int = 0
    errors: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "raised": len(self.raised),
            "updated": self.updated,
            "resolved": self.resolved,
            "errors": len(self.errors),
        }


def evaluate_rules(now: dt.datetime | None = None) -> Evaluation:
    """Raise new alerts, refresh open ones, resolve those whose condition cleared.

    Never waits on the network: notifications are inbox rows, an email handed to the task
    backend after commit, and webhook delivery rows sent by the background path.
    """
    now = now or timezone.now()
    result = Evaluation()
    for rule in AlertRule.objects.filter(enabled=True).order_by("pk"):
        try:
            kind = rules.get(rule.kind)
            params = kind.params.model_validate(rule.parameters)
            findings = kind.evaluate(params, now)
            _apply(rule, findings, now, result)
        except Exception as exc:
            log.exception("alert rule %s failed", rule.name)
            result.errors[rule.name] = str(exc)[:300]
            AlertRule.objects.filter(pk=rule.pk).update(
                last_evaluated_at=now, last_error=f"{type(exc).__name__}: {exc}"[:300]
            )
    return result


def _apply(rule: AlertRule, findings: list[Finding], now: dt.datetime, result: Evaluation) -> None:
    with transaction.atomic():
        open_alerts = {
            a.subject_key: a
            for a in Alert.objects.select_for_update()
            .filter(rule=rule)
            .exclude(state=Alert.State.RESOLVED)
        }
        seen = set()
        for finding in findings:
            if finding.subject_key in seen:
                continue
            seen.add(finding.subject_key)
            alert = open_alerts.get(finding.subject_key)
            if alert is None:
                result.raised.append(_raise(rule, finding, now))
            elif _refresh(alert, finding, now):
                result.updated += 1
        for key, alert in open_alerts.items():
            if key not in seen:
                _close(None, alert, CLEARED, now)
                result.resolved += 1
        AlertRule.objects.filter(pk=rule.pk).update(last_evaluated_at=now, last_error="")


def _raise(rule: AlertRule, finding: Finding, now: dt.datetime) -> Alert:
    alert = Alert.objects.create(
        rule=rule,
        subject_key=finding.subject_key[:200],
        severity=rule.severity,
        title=finding.title[:200],
        detail=finding.detail,
        evidence_url=finding.evidence_url[:300],
        raised_at=now,
        updated_at=now,
    )
    audit.record(None, "create", alert, audit.snapshot(alert))
    notify.notify(alert, "raised", notify.owners(alert))
    return alert


def _refresh(alert: Alert, finding: Finding, now: dt.datetime) -> bool:
    """Keep the open alert, with the latest wording; audited only when the wording changed."""
    changes = {
        "title": finding.title[:200],
        "detail": finding.detail,
        "evidence_url": finding.evidence_url[:300],
    }
    changed = {k: [getattr(alert, k), v] for k, v in changes.items() if getattr(alert, k) != v}
    if not changed:
        return False
    for name, (_, value) in changed.items():
        setattr(alert, name, value)
    alert.updated_at = now
    alert.save(update_fields=[*changed, "updated_at"])
    audit.record(None, "update", alert, changed)
    return True


def _close(user: Any, alert: Alert, cause: str, now: dt.datetime) -> None:
    before = alert.state
    alert.state = Alert.State.RESOLVED
    alert.resolved_at = now
    alert.resolved_by = user if getattr(user, "is_authenticated", False) else None
    alert.cause = cause[:300]
    alert.updated_at = now
    alert.save()
    audit.record(
        user, "update", alert, {"state": [before, alert.state], "cause": [None, alert.cause]}
    )
    notify.notify(alert, "resolved")


def escalate(now: dt.datetime | None = None) -> list[Alert]:
    """Escalate open alerts nobody acknowledged within their rule's escalation time (once)."""
    now = now or timezone.now()
    done = []
    with transaction.atomic():
        candidates = (
            Alert.objects.select_for_update()
            .filter(
                state=Alert.State.OPEN,
                escalated=False,
                rule__escalate_after_minutes__isnull=False,
            )
            .select_related("rule")
        )
        for alert in candidates:
            due = alert.raised_at + dt.timedelta(minutes=alert.rule.escalate_after_minutes or 0)
            if due > now:
                continue
            alert.escalated = True
            alert.escalated_at = now
            alert.updated_at = now
            alert.save(update_fields=["escalated", "escalated_at", "updated_at"])
            audit.record(None, "update", alert, {"escalated": [False, True]})
            notify.notify(alert, "escalated", notify.escalation_targets(alert))
            done.append(alert)
    return done


def run_cycle(now: dt.datetime | None = None) -> dict[str, int]:
    """One pass of the background loop: evaluate, escalate, send due webhooks."""
    from andon.alerts.webhooks import deliver_due

    evaluation = evaluate_rules(now)
    escalated = escalate(now)
    sent = deliver_due()
    return {**evaluation.counts(), "escalated": len(escalated), "webhooks_sent": sent}


# --- responding ---------------------------------------------------------------------------------


def _locked(alert: Alert) -> Alert:
    fresh = Alert.objects.select_for_update().select_related("rule").get(pk=alert.pk)
    if fresh.state == Alert.State.RESOLVED:
        raise Conflict(f"Alert {fresh.pk} is already resolved.", code="alert_resolved")
    return fresh


def acknowledge(user: Any, alert: Alert) -> Alert:
    """Someone has seen it and is on it: stops the escalation clock. Repeating is a no-op."""
    with transaction.atomic():
        alert = _locked(alert)
        if alert.state == Alert.State.ACKNOWLEDGED:
            return alert
        now = timezone.now()
        alert.state = Alert.State.ACKNOWLEDGED
        alert.acknowledged_at = now
        alert.acknowledged_by = user
        alert.updated_at = now
        alert.save()
        audit.record(user, "update", alert, {"state": ["open", "acknowledged"]})
        notify.notify(alert, "acknowledged")
        return alert


def assign(user: Any, alert: Alert, assignee: Any) -> Alert:
    """Give the alert to a person, who is told in the inbox and by email."""
    if assignee is None or not assignee.is_active:
        raise ValidationFailed(
            "Assign to an active user.",
            [Problem("unknown or inactive user", column="assignee")],
            code="invalid_assignee",
        )
    with transaction.atomic():
        alert = _locked(alert)
        before = alert.assigned_to.get_username() if alert.assigned_to else None
        now = timezone.now()
        alert.assigned_to = assignee
        alert.assigned_at = now
        alert.updated_at = now
        alert.save()
        audit.record(user, "update", alert, {"assigned_to": [before, assignee.get_username()]})
        notify.notify(alert, "assigned", {assignee: {notify.INBOX, notify.EMAIL}})
        return alert


def resolve(user: Any, alert: Alert, cause: str) -> Alert:
    """Close the alert with the cause a person found; a cause is required."""
    cause = (cause or "").strip()
    if not cause:
        raise ValidationFailed(
            "Say what caused it to resolve an alert.",
            [Problem("required", column="cause")],
            code="cause_required",
        )
    with transaction.atomic():
        alert = _locked(alert)
        _close(user, alert, cause, timezone.now())
        return alert


# --- inbox --------------------------------------------------------------------------------------


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read=False).count()


def mark_read(user: Any, ids: list[int] | None = None, alert: Alert | None = None) -> int:
    """Mark the user's notifications read: all, those `ids`, or those about one `alert`.

    Personal, so not audited."""
    with transaction.atomic():
        query = Notification.objects.filter(user=user, read=False)
        if ids is not None:
            query = query.filter(pk__in=ids)
        if alert is not None:
            query = query.filter(alert=alert)
        return query.update(read=True)


# --- subscriptions ------------------------------------------------------------------------------


def subscribe(
    user: Any,
    *,
    rule: AlertRule | None = None,
    kind: str = "",
    inbox: bool = True,
    email: bool = False,
) -> Subscription:
    """Subscribe `user` to one rule or to every rule of a kind; again replaces the channels."""
    if (rule is None) == (not kind):
        raise ValidationFailed("Subscribe to a rule or to a kind, not both.", code="invalid")
    if kind:
        rules.get(kind)
    if not (inbox or email):
        raise ValidationFailed("Choose at least one channel.", code="no_channel")
    with transaction.atomic():
        sub = Subscription.objects.filter(user=user, rule=rule, kind=kind).first()
        if sub is None:
            return core.create(
                user, Subscription(user=user, rule=rule, kind=kind, inbox=inbox, email=email)
            )
        return core.update(user, sub, {"inbox": inbox, "email": email})


def unsubscribe(user: Any, subscription: Subscription) -> None:
    with transaction.atomic():
        core.delete(user, subscription)


# --- webhook endpoints --------------------------------------------------------------------------

ENDPOINT_FIELDS = ("name", "url", "secret", "events", "active")


def _masked(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """The audit snapshot without the secret: the history must not leak it."""
    return {**audit.snapshot(endpoint), "secret": "***"}


def _endpoint_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in ENDPOINT_FIELDS if k in data}
    if "url" in values and urlparse(str(values["url"])).scheme not in ("http", "https"):
        raise ValidationFailed(
            "A webhook URL starts with http:// or https://.",
            [Problem("http or https only", column="url")],
        )
    if "events" in values:
        events = list(values["events"] or [])
        unknown = [e for e in events if e.removeprefix("alert.") not in notify.EVENTS]
        if unknown:
            raise ValidationFailed(
                f"Unknown events {', '.join(unknown)}; events are "
                + ", ".join(f"alert.{e}" for e in notify.EVENTS),
                [Problem("unknown event", column="events")],
            )
        values["events"] = [f"alert.{e.removeprefix('alert.')}" for e in events]
    return values


def create_endpoint(user: Any, data: Mapping[str, Any]) -> WebhookEndpoint:
    """A new endpoint; without a secret one is generated (shown once on its page)."""
    with transaction.atomic():
        values = _endpoint_values(data)
        if not values.get("secret"):
            values["secret"] = secrets.token_urlsafe(32)
        endpoint = core.validated(WebhookEndpoint(**values))
        endpoint.save()
        audit.record(user, "create", endpoint, _masked(endpoint))
        return endpoint


def update_endpoint(
    user: Any, endpoint: WebhookEndpoint, data: Mapping[str, Any]
) -> WebhookEndpoint:
    with transaction.atomic():
        values = _endpoint_values(data)
        if not values.get("secret"):
            values.pop("secret", None)  # blank keeps the current secret
        before = _masked(endpoint)
        for name, value in values.items():
            setattr(endpoint, name, value)
        core.validated(endpoint)
        endpoint.save()
        changed = audit.diff(before, _masked(endpoint))
        if "secret" in values:
            changed["secret"] = ["***", "*** (changed)"]
        if changed:
            audit.record(user, "update", endpoint, changed)
        return endpoint


def delete_endpoint(user: Any, endpoint: WebhookEndpoint) -> None:
    with transaction.atomic():
        snapshot = _masked(endpoint)
        pk = endpoint.pk
        endpoint.delete()
        endpoint.pk = pk
        audit.record(user, "delete", endpoint, snapshot)


def retry_delivery(user: Any, delivery: WebhookDelivery) -> WebhookDelivery:
    """Make a delivery due now (after its endpoint was fixed); the background path sends it."""
    from andon.alerts.webhooks import dispatch_in_background, retry_now

    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status == WebhookDelivery.Status.DELIVERED:
            raise Conflict("This delivery has already been delivered.", code="delivered")
        retry_now(delivery)
        audit.record(user, "update", delivery, {"status": [None, "pending"], "retry": [None, True]})
        transaction.on_commit(dispatch_in_background)
        return delivery
