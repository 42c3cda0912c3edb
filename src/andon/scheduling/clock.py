"""The schedule's clock: calendars and shifts as minute windows over the horizon.

The engine counts integer minutes from the run's origin; the plant keeps calendars, shifts and
downtime as local dates and times. This module is the one translation between the two, so the
problem, the checker's view and the published schedule agree on what minute 0 is.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils import timezone

from andon.engines.calendar import CalendarProblemError, WorkingCalendar, working_time
from andon.engines.scheduling import ProblemError
from andon.plant.calendars import shift_pattern, working_calendar
from andon.plant.models import Calendar

Windows = list[tuple[int, int]]


def clip(windows: tuple[tuple[int, int], ...], end: int) -> Windows:
    return [(max(a, 0), min(b, end)) for a, b in windows if b > 0 and a < end]


def subtract(windows: Windows, holes: Windows) -> Windows:
    """Working windows less downtime windows (both sorted lists of half-open minute ranges)."""
    result = windows
    for h0, h1 in sorted(holes):
        next_result: Windows = []
        for a, b in result:
            if h1 <= a or b <= h0:
                next_result.append((a, b))
                continue
            if a < h0:
                next_result.append((a, h0))
            if h1 < b:
                next_result.append((h1, b))
        result = next_result
    return result


def longest_overlap(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> int:
    """The longest stretch inside both sorted, non-overlapping window lists."""
    i = j = best = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        best = max(best, end - start)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return best


class Clock:
    """Turns calendars and shifts into minute windows over the horizon, computing each once.

    A calendar or shift the calendar engine refuses is bad plant data: it is reported as the
    scheduling engine's `ProblemError` naming it, like every other fault of the problem, so
    the callers have one error to catch."""

    def __init__(self, origin: dt.datetime, horizon_days: int) -> None:
        self.local = timezone.localtime(origin).replace(tzinfo=None)
        self.first_day = self.local.date()
        self.last_day = self.first_day + dt.timedelta(days=horizon_days)
        self.end = math.floor(
            (
                dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time()) - self.local
            ).total_seconds()
            / 60
        )
        self.origin = origin
        self._calendars: dict[int, Windows] = {}

    def calendar(self, calendar: Calendar) -> Windows:
        if calendar.pk not in self._calendars:
            try:
                engine = working_calendar(calendar, self.first_day, self.last_day)
                self._calendars[calendar.pk] = self._windows(engine)
            except CalendarProblemError as exc:
                problems = (f"calendar {calendar.code}: {p}" for p in exc.problems)
                raise ProblemError(*problems) from exc
        return self._calendars[calendar.pk]

    def _windows(self, engine: WorkingCalendar) -> Windows:
        found = working_time(engine, self.first_day, self.last_day)
        return clip(found.minutes_from(self.local), self.end)

    def shift(self, shift: Any) -> Windows:
        try:
            return self._windows(WorkingCalendar(shifts=(shift_pattern(shift),)))
        except CalendarProblemError as exc:
            raise ProblemError(*(f"shift {shift.code}: {p}" for p in exc.problems)) from exc

    def minutes(self, moment: dt.datetime) -> int:
        return math.floor((moment - self.origin).total_seconds() / 60)

    def day_end(self, day: dt.date) -> int:
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        return math.floor((midnight - self.local).total_seconds() / 60)
