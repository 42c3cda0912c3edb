"""Background tasks of the alerts context.

With the default in-process backend, `evaluate_alerts` and `send_alert_email` run where they are
enqueued (the `andon alerts` loop, or after a commit); with `django-tasks-db` any `andon
db_worker` runs them, and `deliver_webhooks` is enqueued after every event that has deliveries.
"""

from django_tasks import task


@task()
def evaluate_alerts() -> dict[str, int]:
    """Evaluate every enabled rule, escalate what is overdue, send due webhooks."""
    from andon.alerts.services import run_cycle

    return run_cycle()


@task()
def deliver_webhooks() -> int:
    from andon.alerts.webhooks import deliver_due

    return deliver_due()


@task()
def send_alert_email(alert_id: int, event: str, user_ids: list[int]) -> int:
    from andon.alerts.mail import send_alert_email as send

    return send(alert_id, event, user_ids)
