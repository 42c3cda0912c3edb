"""Order changes the schedule in force has not seen, and the reschedule they call for.

Work orders change only through the production services (created, released, taken back,
cancelled, split, merged, by hand, by MRP firming or by a committed promise), and each change
publishes a `production.domain_events.WorkOrderChanged` event. Scheduling's handler
(`scheduling.handlers`) notes each change that matters for the schedule as a `WorkOrderChange`,
in a planner's words, once it has committed; `since` reads those notes for the schedule page
and the API, whichever page, API call or job made the change.

Automatic rescheduling hangs off the same events: when a work-order change commits, a
reschedule is queued for the task workers. It is on by default only when runs go to
`andon worker` processes (`django-tasks-db`); with the in-process backend the run would hold the
planner's request for its whole time limit, so the schedule page offers "Reschedule now"
instead. `ANDON_SCHEDULE_AUTO_RESCHEDULE` forces either way.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from andon.production.domain_events import (
    WorkOrderAmended,
    WorkOrderCancelled,
    WorkOrderChanged,
    WorkOrderCreated,
    WorkOrderReleased,
    WorkOrderUnreleased,
)
from andon.scheduling.models import ScheduleRun, WorkOrderChange

# The notes read to describe the changes; the page shows a few, the flag needs one.
SCAN = 200
# What a status change says to a planner. Completion and closing only confirm what the floor
# reported, and starting is reported by the floor, not the office: none changes what there is
# to schedule, so none is noted.
STATUS_WORDS: dict[type[WorkOrderChanged], str] = {
    WorkOrderReleased: "released",
    WorkOrderUnreleased: "planned",
    WorkOrderCancelled: "cancelled",
}


@dataclass(frozen=True)
class OrderChange:
    """One change of a work order that the schedule in force does not reflect."""

    at: dt.datetime
    work_order: str
    what: str


def _plain(value: Decimal | dt.date) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value.isoformat()


def describe(event: WorkOrderChanged) -> str | None:
    """What changed for the schedule, in a planner's words; None if nothing that matters."""
    if isinstance(event, WorkOrderCreated):
        return "new order"
    if type(event) in STATUS_WORDS:
        return STATUS_WORDS[type(event)]
    if isinstance(event, WorkOrderAmended):
        said = [
            f"{label} {_plain(change[0])} → {_plain(change[1])}"
            for label, change in (("quantity", event.quantity), ("due", event.due_date))
            if change is not None
        ]
        return ", ".join(said) or None
    return None


def note(event: WorkOrderChanged, what: str) -> WorkOrderChange:
    """Keep a committed change for `since`, and drop the notes no schedule page reads again.

    Pages read the changes after the schedule in force was built, so notes older than its run
    are never read; a run started meanwhile is newer than the schedule in force, so pruning by
    the schedule in force keeps what that run may yet need.
    """
    current = ScheduleRun.current()
    if current is not None:
        WorkOrderChange.objects.filter(at__lt=current.created_at).delete()
    # Stamped when noted, after the change committed: a run created between the change and its
    # commit read the plant without it, and must still be told (`since` compares with the run).
    return WorkOrderChange.objects.create(
        at=timezone.now(), work_order=event.number[:40], what=what[:200]
    )


def since(run: ScheduleRun | None, limit: int = SCAN) -> list[OrderChange]:
    """Work-order changes after `run` began building, newest first (none without a run).

    The run's creation is the reference: its problem is read after it, so a change in between
    may already be in the schedule; saying "changed" then costs one needless reschedule, while
    the other way round would hide a change.
    """
    if run is None:
        return []
    rows = WorkOrderChange.objects.filter(at__gt=run.created_at).order_by("-at", "-id")[:limit]
    return [OrderChange(row.at, row.work_order, row.what) for row in rows]


def automatic() -> bool:
    """Whether an order change queues a reschedule by itself (see the module's docstring)."""
    forced = getattr(settings, "ANDON_SCHEDULE_AUTO_RESCHEDULE", None)
    if forced is not None:
        return bool(forced)
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    return not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)


class _Queued(threading.local):
    at: dt.datetime | None = None


_queued = _Queued()


def reschedule_for(event: WorkOrderChanged) -> None:
    """Queue a reschedule for a committed order change, once for all changes committed together.

    Handlers run on the thread that committed, one event after another, so a reschedule this
    thread queued after a change was made was queued after that change committed, and the run
    reads it: a merge or MRP firming a batch of orders queues one reschedule, not one per order.
    A change made after the last queueing needs a run of its own (`reschedule_after_order_change`
    still queues none while a queued run has not started reading the plant).
    """
    if _queued.at is not None and event.at < _queued.at:
        return
    from andon.scheduling.services import reschedule_after_order_change

    queued_at = timezone.now()
    reschedule_after_order_change()
    # Noted only once queued: if queueing fails, the next change of the same commit tries again.
    _queued.at = queued_at
