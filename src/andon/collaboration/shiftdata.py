"""What the plant's data already says about a line's shift, to prefill a handover note.

Read-only. A supervisor should not retype figures the terminals reported: good and scrap per
work center come from the report events inside the shift's window, machines down from the same
state the supervisor board shows, and open alerts from the alerts whose subject is one of the
line's work centers or a work order with an operation still to finish there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from andon.alerts.models import Alert
from andon.plant.models import Shift, WorkCenter
from andon.production import board
from andon.production.models import ProductionEvent, WorkOrderOperation

ZERO = Decimal("0")


def plain(number: Decimal) -> str:
    """A quantity as people write it: 40, 2.5 (never 4E+1 or 40.0000)."""
    return format(number.normalize(), "f")


def lines() -> list[str]:
    """The production lines: the distinct non-empty `line` of active work centers."""
    found = (
        WorkCenter.objects.filter(active=True)
        .exclude(line="")
        .values_list("line", flat=True)
        .distinct()
        .order_by("line")
    )
    return list(found)


def centers(line: str) -> list[WorkCenter]:
    return list(WorkCenter.objects.filter(line=line, active=True).order_by("code"))


def shifts(line: str) -> list[Shift]:
    """The shifts the line's work centers work, in the order of the day."""
    found = Shift.objects.filter(calendars__work_centers__line=line).distinct()
    return list(found.order_by("start_time", "code"))


def window(shift: Shift, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of the shift that started on `day`, plant time, as aware datetimes."""
    start = timezone.make_aware(dt.datetime.combine(day, shift.start_time))
    end = timezone.make_aware(dt.datetime.combine(day, shift.end_time))
    if end <= start:
        end += dt.timedelta(days=1)
    return start, end


def current(line: str, now: dt.datetime) -> tuple[Shift | None, dt.date]:
    """The line's shift running now, else the one that ended last: the shift handing over."""
    options = shifts(line)
    shift, start = board.current_shift(options, now)
    if shift is not None:
        return shift, timezone.localtime(start).date()
    local = timezone.localtime(now).date()
    ended: list[tuple[dt.datetime, Shift, dt.date]] = []
    for day in (local, local - dt.timedelta(days=1), local - dt.timedelta(days=2)):
        for option in options:
            if str(day.isoweekday()) in option.weekdays:
                end = window(option, day)[1]
                if end <= now:
                    ended.append((end, option, day))
    if not ended:
        return (options[0] if options else None), local
    _, last, day = max(ended, key=lambda e: e[0])
    return last, day


@dataclass
class OutputRow:
    code: str
    name: str
    good: Decimal = ZERO
    scrap: Decimal = ZERO


def output(line: str, shift: Shift, day: dt.date, now: dt.datetime) -> list[OutputRow]:
    """Good and scrap reported at each of the line's work centers during the shift so far."""
    start, end = window(shift, day)
    rows = {c.pk: OutputRow(c.code, c.name) for c in centers(line)}
    totals = (
        ProductionEvent.objects.filter(
            kind=ProductionEvent.Kind.REPORT,
            work_center_id__in=rows,
            at__gte=start,
            at__lt=min(end, now),
        )
        .values("work_center_id")
        .annotate(good=Sum("quantity"), scrap=Sum("scrap_quantity"))
    )
    for total in totals:
        row = rows[total["work_center_id"]]
        row.good, row.scrap = total["good"] or ZERO, total["scrap"] or ZERO
    return list(rows.values())


def machines_down(line: str, now: dt.datetime) -> str:
    """One sentence per work center of the line that is down right now, with its reason."""
    sentences = []
    for state in board.board(now):
        center = state.work_center
        if center.line != line or state.state != "down":
            continue
        since = f" since {timezone.localtime(state.since):%H:%M}" if state.since else ""
        reason = f" ({state.reason})" if state.reason else ""
        sentences.append(f"{center.code} {center.name} down{since}{reason}.")
    return "\n".join(sentences)


def open_alerts(line: str) -> list[dict[str, Any]]:
    """The open alerts about the line's work centers or its unfinished work orders."""
    ids = [c.pk for c in centers(line)]
    orders = (
        WorkOrderOperation.objects.filter(work_center_id__in=ids)
        .exclude(status=WorkOrderOperation.Status.COMPLETED)
        .values_list("work_order_id", flat=True)
        .distinct()
    )
    keys = [f"work_center:{pk}" for pk in ids] + [f"work_order:{pk}" for pk in orders]
    found = Alert.objects.filter(subject_key__in=keys).exclude(state=Alert.State.RESOLVED)
    return [
        {"id": a.pk, "title": a.title, "severity": a.severity, "state": a.state}
        for a in found.order_by("-raised_at", "-id")[:50]
    ]
