"""Tell customers of moved dates after each schedule is published.

The scheduling app publishes by updating its run's row in bulk, so there is no model signal to
listen to; but every publish is written to the audit history in the publishing transaction (a rule
that holds everywhere). Listening there catches every way a schedule is published (the page, the
API, `andon schedule`), and the notification is only queued once that transaction has committed,
so a failed publish tells nobody anything.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from andon.core.models import AuditEntry
from andon.correspondence import config

SCHEDULE_RUN = "scheduling.schedulerun"


def published(entry: AuditEntry) -> bool:
    return entry.model == SCHEDULE_RUN and (entry.changes or {}).get("status") == "published"


@receiver(post_save, sender=AuditEntry, dispatch_uid="correspondence-schedule-published")
def schedule_published(sender: Any, instance: AuditEntry, created: bool, **kwargs: Any) -> None:
    if created and published(instance) and config.notify_on_publish():
        from andon.correspondence.tasks import notify_customers

        transaction.on_commit(lambda: notify_customers.enqueue())
