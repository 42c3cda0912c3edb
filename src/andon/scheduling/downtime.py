"""Recording a work center's downtime: the one writer of `Downtime` rows.

The pages, the API and `andon schedule --down` all record a downtime through here, so each one
is checked the same way, lands in the audit history with who recorded it, and is announced as a
`DowntimeWindowAdded` event once it commits (maintenance and alerts hear of office-entered
breakdowns as they do of the floor's); rescheduling around it is the caller's next step
(`services.work_center_down` does both).
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from andon.core import audit
from andon.core.errors import ValidationFailed
from andon.core.events import publish
from andon.plant.models import WorkCenter
from andon.scheduling.domain_events import DowntimeWindowAdded
from andon.scheduling.models import Downtime


def record_downtime(
    user: Any, work_center: WorkCenter, start: dt.datetime, end: dt.datetime, *, reason: str = ""
) -> Downtime:
    """Record that `work_center` cannot work from `start` to `end`; one transaction, audited."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationFailed("Give the downtime with its time zone.", code="naive_time")
    if end <= start:
        raise ValidationFailed("The downtime must end after it starts.", code="empty_downtime")
    with transaction.atomic():
        downtime = Downtime.objects.create(
            work_center=work_center,
            start=start,
            end=end,
            reason=reason[:200],
            created_by=user if getattr(user, "pk", None) else None,
        )
        audit.record(user, "create", downtime, audit.snapshot(downtime))
        publish(
            DowntimeWindowAdded(downtime.pk, work_center.code, start, end, reason=downtime.reason)
        )
    return downtime
