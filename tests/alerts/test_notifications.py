"""Escalation timing, email through a real SMTP server, signed webhooks with back-off."""

import datetime as dt
import json
import time

import pytest
from django.utils import timezone

from andon.alerts import services, webhooks
from andon.alerts.models import Alert, WebhookDelivery
from tests.alerts.conftest import NOW, wait_for


@pytest.fixture
def down_alert(make_rule, downtime, supervisor, user_with_role):
    """An open machine-down alert of a rule escalating to planners after 15 minutes."""
    boss = user_with_role("planner", username="boss")
    boss.email = "boss@plant.test"
    boss.save()
    make_rule(
        "machine_down",
        parameters={"minutes": 20},
        escalate_after_minutes=15,
        escalate_to_role="planner",
    )
    downtime("downtime_start", NOW - dt.timedelta(minutes=25))
    return services.evaluate_rules(NOW).raised[0]


def test_escalates_once_when_not_acknowledged_in_time(down_alert):
    assert services.escalate(NOW + dt.timedelta(minutes=14)) == []
    escalated = services.escalate(NOW + dt.timedelta(minutes=15))
    assert [a.pk for a in escalated] == [down_alert.pk]
    assert services.escalate(NOW + dt.timedelta(minutes=30)) == []
    down_alert.refresh_from_db()
    assert down_alert.escalated
    assert down_alert.notifications.filter(event="escalated").get().user.username == "boss"


def test_acknowledged_alerts_do_not_escalate(down_alert, supervisor):
    services.acknowledge(supervisor, down_alert)
    assert services.escalate(NOW + dt.timedelta(hours=2)) == []


def test_resolve_needs_a_cause_and_is_final(down_alert, supervisor):
    from andon.core.errors import Conflict, ValidationFailed

    with pytest.raises(ValidationFailed):
        services.resolve(supervisor, down_alert, "  ")
    services.resolve(supervisor, down_alert, "sensor replaced")
    with pytest.raises(Conflict):
        services.acknowledge(supervisor, down_alert)
    down_alert.refresh_from_db()
    assert (down_alert.resolved_by, down_alert.cause) == (supervisor, "sensor replaced")


def test_email_reaches_the_smtp_server(
    smtp_server, make_rule, downtime, supervisor, django_capture_on_commit_callbacks
):
    make_rule("machine_down", parameters={"minutes": 20}, severity="critical")
    downtime("downtime_start", NOW - dt.timedelta(minutes=25))
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluate_rules(NOW)
    assert wait_for(lambda: smtp_server.messages)
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["sup@plant.test"]
    text = envelope.content.decode()
    assert "Subject: [Andon] Critical alert raised: CNC1 down since" in text
    assert "/alerts/" in text


@pytest.fixture
def endpoint(db, http_server):
    return services.create_endpoint(
        None, {"name": "hook", "url": http_server.url, "secret": "s3cret", "events": []}
    )


def test_webhook_is_signed_and_delivered(endpoint, http_server, down_alert):
    delivery = WebhookDelivery.objects.get(event="alert.raised")
    assert http_server.requests == []  # evaluation only wrote the row
    assert webhooks.deliver_due(timeout=2) == 1
    headers, body = http_server.requests[0]
    assert webhooks.verify("s3cret", body, headers["X-Andon-Signature"])
    assert not webhooks.verify("other", body, headers["X-Andon-Signature"])
    payload = json.loads(body)
    assert payload["event"] == "alert.raised"
    assert payload["alert"]["id"] == down_alert.pk
    assert payload["delivery"]["sent_at"] == headers["X-Andon-Timestamp"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)


def test_failing_endpoint_is_retried_with_backoff_and_logged(endpoint, http_server, down_alert):
    http_server.mode = "fail"
    webhooks.deliver_due(timeout=2)
    delivery = WebhookDelivery.objects.get()
    first_wait = delivery.next_attempt_at - timezone.now()
    assert delivery.status == "pending"
    assert delivery.response_code == 500
    assert dt.timedelta(seconds=25) < first_wait <= dt.timedelta(seconds=30)
    assert "HTTP 500; retry in 30 s" in delivery.log

    assert webhooks.deliver_due(timeout=2) == 0  # not due yet
    webhooks.deliver_due(now=delivery.next_attempt_at, timeout=2)
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert "retry in 60 s" in delivery.log
    assert webhooks.backoff(3) == 2 * webhooks.backoff(2)

    http_server.mode = "ok"
    webhooks.deliver_due(now=delivery.next_attempt_at, timeout=2)
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.attempts == 3
    assert len(http_server.requests) == 3


def test_hanging_endpoint_never_delays_evaluation(
    endpoint, http_server, make_rule, downtime, settings, django_capture_on_commit_callbacks
):
    http_server.mode = "hang"
    make_rule("machine_down", parameters={"minutes": 20})
    downtime("downtime_start", NOW - dt.timedelta(minutes=25))

    began = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluate_rules(NOW)
    assert time.monotonic() - began < 1.0
    assert http_server.requests == []

    began = time.monotonic()
    webhooks.deliver_due(timeout=0.5)  # the background path: bounded by the timeout
    assert time.monotonic() - began < 2.0
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert "timed out" in delivery.log.lower() or "timeout" in delivery.log.lower()


def test_endpoint_secret_is_not_in_the_audit_history(endpoint):
    from andon.core.models import AuditEntry

    entry = AuditEntry.objects.get(model="alerts.webhookendpoint")
    assert "s3cret" not in json.dumps(entry.changes)


def test_subscribers_hear_of_alerts_of_their_kind(make_rule, downtime, user_with_role):
    quality = user_with_role("quality", username="q")
    services.subscribe(quality, kind="machine_down")
    make_rule("machine_down", parameters={"minutes": 20}, owner_role="")
    downtime("downtime_start", NOW - dt.timedelta(minutes=25))
    alert = services.evaluate_rules(NOW).raised[0]
    assert [n.user for n in alert.notifications.all()] == [quality]
    assert Alert.objects.count() == 1
