"""What scheduling tells the other contexts: a new schedule is in force, a work center is down.

Published by `scheduling.services` in the transaction that makes a run the schedule in force, so
it is delivered only once that schedule is committed, however it was run (the page, the API,
`andon schedule`, an automatic reschedule). Plain values only (see `andon.core.events`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from andon.core.events import DomainEvent


@dataclass(frozen=True)
class SchedulePublished(DomainEvent):
    """Run `run_id` is the schedule in force from `published_at`.

    `kind` is "schedule" (a new schedule) or "reschedule" (the floor kept stable); `moved` counts
    operations placed elsewhere than in the schedule it replaced (0 for a first schedule).
    """

    run_id: int
    kind: str
    published_at: dt.datetime
    operations: int
    late_orders: int
    moved: int


@dataclass(frozen=True)
class DowntimeWindowAdded(DomainEvent):
    """A planner took a work center out of its calendar from `start` to `end` (a breakdown, a
    planned stop); schedules plan around it. Unlike production's `DowntimeStarted`, which the
    floor reports as it happens, this is a window entered from the office, possibly ahead."""

    downtime_id: int
    work_center: str
    start: dt.datetime
    end: dt.datetime
    reason: str = ""
