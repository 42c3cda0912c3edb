"""Order changes the schedule in force has not seen, and the reschedule they call for.

Work orders change only through the production services (created, released, taken back,
cancelled, split, merged, by hand, by MRP firming or by a committed promise), and each change is
audited in its own transaction. The audit history is therefore the one record of what changed
after a schedule was built, whichever page, API call or job made the change, and reading it
costs the order services nothing.

Automatic rescheduling hooks the same record: when an audited work-order change commits, a
reschedule is queued for the task workers. It is on by default only when runs go to
`andon worker` processes (`django-tasks-db`); with the in-process backend the run would hold the
planner's request for its whole time limit, so the schedule page offers "Reschedule now"
instead. `ANDON_SCHEDULE_AUTO_RESCHEDULE` forces either way.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from andon.core.models import AuditEntry
from andon.production.models import WorkOrder
from andon.scheduling.models import ScheduleRun

log = logging.getLogger(__name__)

WORK_ORDER = "production.workorder"
# A status a work order enters that changes what there is to schedule: completion and closing
# only confirm what the floor reported, and starting is reported by the floor, not the office.
RESCHEDULE_STATUSES = {
    WorkOrder.Status.PLANNED,
    WorkOrder.Status.RELEASED,
    WorkOrder.Status.CANCELLED,
}
# The audit rows read to describe the changes; the page shows a few, the flag needs one.
SCAN = 200


@dataclass(frozen=True)
class OrderChange:
    """One audited change of a work order that the schedule in force does not reflect."""

    at: dt.datetime
    work_order: str
    what: str


def describe(entry: AuditEntry) -> str | None:
    """What changed for the schedule, in a planner's words; None if nothing that matters."""
    changes: dict[str, Any] = entry.changes or {}
    if entry.action == AuditEntry.Action.CREATE:
        return "new order"
    if entry.action == AuditEntry.Action.DELETE:
        return "deleted"
    said = []
    if "status" in changes and changes["status"][1] in RESCHEDULE_STATUSES:
        said.append(str(changes["status"][1]))
    for field, label in (("quantity", "quantity"), ("due_date", "due")):
        if field in changes:
            before, after = changes[field]
            said.append(f"{label} {before} → {after}")
    return ", ".join(said) or None


def since(run: ScheduleRun | None, limit: int = SCAN) -> list[OrderChange]:
    """Work-order changes after `run` began building, newest first (none without a run).

    The run's creation is the reference: its problem is read after it, so a change in between
    may already be in the schedule; saying "changed" then costs one needless reschedule, while
    the other way round would hide a change.
    """
    if run is None:
        return []
    entries = AuditEntry.objects.filter(model=WORK_ORDER, at__gt=run.created_at).order_by(
        "-at", "-id"
    )[:limit]
    found = []
    for entry in entries:
        what = describe(entry)
        if what is not None:
            found.append(OrderChange(entry.at, entry.object_repr, what))
    return found


def automatic() -> bool:
    """Whether an order change queues a reschedule by itself (see the module's docstring)."""
    forced = getattr(settings, "ANDON_SCHEDULE_AUTO_RESCHEDULE", None)
    if forced is not None:
        return bool(forced)
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    return not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)


def on_audit(sender: Any, instance: AuditEntry, created: bool, **kwargs: Any) -> None:
    """After a work-order change commits, queue a reschedule (when automatic is on)."""
    if not created or instance.model != WORK_ORDER or describe(instance) is None:
        return
    if not automatic():
        return
    connection = transaction.get_connection()
    # One reschedule per transaction however many orders it changed (a merge, MRP firming a
    # batch). Django empties this list when the transaction ends, either way.
    if any(
        isinstance(item[1], _RescheduleAfterCommit) and not item[1].done
        for item in connection.run_on_commit
    ):
        return
    transaction.on_commit(_RescheduleAfterCommit())


class _RescheduleAfterCommit:
    """The callback run once a transaction that changed orders has committed."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        from andon.scheduling.services import reschedule_after_order_change

        self.done = True
        try:
            reschedule_after_order_change()
        except Exception:  # the order change is committed: a failed queueing must not undo its page
            log.exception("could not queue a reschedule after an order change")
