"""Read a stored calendar into the calendar engine: the one way pages and planners get hours."""

import datetime as dt
from dataclasses import dataclass

from andon.engines.calendar import (
    ExtraWindow,
    ShiftPattern,
    WorkingCalendar,
    WorkingTime,
    working_time,
)
from andon.plant.models import Calendar, CalendarException, Shift


def shift_pattern(shift: Shift) -> ShiftPattern:
    return ShiftPattern(
        start=shift.start_time,
        end=shift.end_time,
        weekdays=frozenset(int(d) for d in shift.weekdays),
        break_minutes=shift.break_minutes,
        code=shift.code,
    )


def working_calendar(calendar: Calendar, first_day: dt.date, last_day: dt.date) -> WorkingCalendar:
    """The engine's view of `calendar`, with the exceptions that can touch the range."""
    exceptions = calendar.exceptions.filter(
        date__gte=first_day - dt.timedelta(days=1), date__lte=last_day
    )
    closed = frozenset(e.date for e in exceptions if e.kind == CalendarException.Kind.CLOSED)
    windows = tuple(
        ExtraWindow(day=e.date, start=e.start_time, end=e.end_time)
        for e in exceptions
        if e.kind == CalendarException.Kind.WORKING and e.start_time and e.end_time
    )
    return WorkingCalendar(
        shifts=tuple(shift_pattern(s) for s in calendar.shifts.all()),
        closed_dates=closed,
        extra_windows=windows,
    )


@dataclass(frozen=True)
class DayHours:
    """One day's working windows (clipped to the day) for display."""

    day: dt.date
    windows: list[str]
    hours: float
    working: bool
    closed: bool
    reason: str


def hours_by_day(calendar: Calendar, first_day: dt.date, days: int) -> list[DayHours]:
    """Working windows and hours per day for the next `days` days, for pages."""
    last_day = first_day + dt.timedelta(days=days - 1)
    result: WorkingTime = working_time(
        working_calendar(calendar, first_day, last_day), first_day, last_day
    )
    closed = {
        e.date: e.reason
        for e in calendar.exceptions.filter(
            date__range=(first_day, last_day), kind=CalendarException.Kind.CLOSED
        )
    }
    rows: list[DayHours] = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        start, end = (
            dt.datetime.combine(day, dt.time()),
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time()),
        )
        windows = [
            (max(i.start, start), min(i.end, end))
            for i in result.intervals
            if i.start < end and i.end > start
        ]
        minutes = sum(int((b - a).total_seconds() // 60) for a, b in windows)
        rows.append(
            DayHours(
                day=day,
                windows=[
                    f"{a:%H:%M}-{b:%H:%M}" if b < end else f"{a:%H:%M}-24:00" for a, b in windows
                ],
                hours=minutes / 60,
                working=day in result.working_days,
                closed=day in closed,
                reason=closed.get(day, ""),
            )
        )
    return rows
