"""Working time from a calendar: the intervals a resource can work, and the working days.

Scheduling places operations inside the working intervals; MRP offsets lead times by working days.
Both ask the same question of the same data, so they get the same answer from here.

Conventions:

- Times are naive plant-local datetimes at minute precision. Daylight-saving jumps are not
  modelled: a shift is as long as its clock times say.
- A shift occurrence belongs to the date it starts on. A shift whose end is at or before its start
  runs past midnight into the next day. A closed date removes the shifts that start on it, not the
  tail of a night shift that began the evening before.
- A shift's break is taken in the middle of the shift, which splits it into two intervals; where
  exactly the break falls does not change the capacity, and the middle is where plants put it.
- Overlapping or touching intervals (two shifts back to back, an extra window over a shift) are
  merged, so the result is sorted and never overlaps.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from andon.engines.errors import ProblemError

MINUTES_PER_DAY = 24 * 60
ONE_DAY = dt.timedelta(days=1)


class CalendarProblemError(ProblemError):
    """A shift, window or range the calendar cannot work with; the message names it."""


def _minute_of_day(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def _check_whole_minutes(value: dt.time, name: str) -> None:
    if value.second or value.microsecond:
        raise CalendarProblemError(f"{name} must be a whole minute, got {value.isoformat()}")
    if value.tzinfo is not None:
        raise CalendarProblemError(f"{name} must be a plant-local (naive) time")


def _span_minutes(start: dt.time, end: dt.time) -> int:
    """Length of a clock window; an end at or before the start means it runs past midnight."""
    length = (_minute_of_day(end) - _minute_of_day(start)) % MINUTES_PER_DAY
    return length or MINUTES_PER_DAY


@dataclass(frozen=True)
class ShiftPattern:
    """A weekly shift: starts at `start` on each ISO weekday in `weekdays` (1 = Monday)."""

    start: dt.time
    end: dt.time
    weekdays: frozenset[int]
    break_minutes: int = 0
    code: str = ""

    def __post_init__(self) -> None:
        _check_whole_minutes(self.start, "start")
        _check_whole_minutes(self.end, "end")
        if self.start == self.end:
            raise CalendarProblemError("a shift must not start and end at the same time")
        if not self.weekdays:
            raise CalendarProblemError("a shift needs at least one weekday")
        if not self.weekdays <= frozenset(range(1, 8)):
            raise CalendarProblemError(
                f"weekdays are ISO digits 1 to 7, got {sorted(self.weekdays)}"
            )
        if self.break_minutes < 0:
            raise CalendarProblemError("break minutes must not be negative")
        if self.break_minutes >= self.span_minutes:
            raise CalendarProblemError("the break must be shorter than the shift")

    @property
    def span_minutes(self) -> int:
        """Clock length of the shift, break included."""
        return _span_minutes(self.start, self.end)

    @property
    def working_minutes(self) -> int:
        return self.span_minutes - self.break_minutes


@dataclass(frozen=True)
class ExtraWindow:
    """Extra working time on one date (overtime, a Saturday): may also run past midnight."""

    day: dt.date
    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        _check_whole_minutes(self.start, "start")
        _check_whole_minutes(self.end, "end")
        if self.start == self.end:
            raise CalendarProblemError(
                "an extra working window must not start and end at the same time"
            )


@dataclass(frozen=True)
class WorkingCalendar:
    """A weekly shift pattern with its exceptions: closed dates and extra working windows."""

    shifts: tuple[ShiftPattern, ...] = ()
    closed_dates: frozenset[dt.date] = field(default_factory=frozenset)
    extra_windows: tuple[ExtraWindow, ...] = ()

    def __post_init__(self) -> None:
        clash = sorted({w.day for w in self.extra_windows} & self.closed_dates)
        if clash:
            raise CalendarProblemError(
                f"{clash[0].isoformat()} is both closed and has extra working time; keep one"
            )


@dataclass(frozen=True)
class Interval:
    """A half-open working interval [start, end) in plant-local time."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise CalendarProblemError("intervals are plant-local (naive) datetimes")
        if self.end <= self.start:
            raise CalendarProblemError("an interval must end after it starts")

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class WorkingTime:
    """What a calendar gives over a date range; see `working_time`."""

    first_day: dt.date
    last_day: dt.date
    intervals: tuple[Interval, ...]
    working_days: tuple[dt.date, ...]

    @property
    def total_minutes(self) -> int:
        return sum(i.minutes for i in self.intervals)

    def minutes_from(self, origin: dt.datetime) -> tuple[tuple[int, int], ...]:
        """The intervals as integer minutes from `origin` (before the origin gives negatives)."""
        if origin.tzinfo is not None:
            raise CalendarProblemError("the origin is a plant-local (naive) datetime")
        return tuple(
            (_minutes_between(origin, i.start), _minutes_between(origin, i.end))
            for i in self.intervals
        )

    def offset_working_days(self, day: dt.date, days: int) -> dt.date:
        """The working day `days` working days after (or before, if negative) `day`.

        `day` itself need not be a working day: offsetting by 0 returns the first working day on or
        after it, by -1 the last working day before it. Raises CalendarProblemError when the
        answer lies outside the computed range, so a caller never plans on a day it knows nothing
        about.
        """
        wd = self.working_days
        index = bisect.bisect_left(wd, day) + days
        if not 0 <= index < len(wd):
            raise CalendarProblemError(
                f"{day.isoformat()} {days:+d} working days lies outside "
                f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"
            )
        return wd[index]


def _minutes_between(origin: dt.datetime, moment: dt.datetime) -> int:
    return int((moment - origin).total_seconds() // 60)


def _at(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)


def _shift_pieces(shift: ShiftPattern, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """One occurrence of `shift` starting on `day`, split around its break."""
    begin = _minute_of_day(shift.start)
    span = shift.span_minutes
    if not shift.break_minutes:
        return [(_at(day, begin), _at(day, begin + span))]
    first = (span - shift.break_minutes) // 2
    return [
        (_at(day, begin), _at(day, begin + first)),
        (_at(day, begin + first + shift.break_minutes), _at(day, begin + span)),
    ]


def _window_piece(window: ExtraWindow) -> tuple[dt.datetime, dt.datetime]:
    begin = _minute_of_day(window.start)
    return _at(window.day, begin), _at(window.day, begin + _span_minutes(window.start, window.end))


def working_time(calendar: WorkingCalendar, first_day: dt.date, last_day: dt.date) -> WorkingTime:
    """Working intervals within [first_day 00:00, last_day + 1 00:00) and the working days.

    A working day is a date in the range on which some working time starts: a shift that is not
    closed, or an extra window. A night shift that started the evening before the range is
    included from midnight, because the resource is really working then.
    """
    if last_day < first_day:
        raise CalendarProblemError("the range ends before it starts")
    lower = dt.datetime.combine(first_day, dt.time())
    upper = dt.datetime.combine(last_day + ONE_DAY, dt.time())
    pieces: list[tuple[dt.datetime, dt.datetime]] = []
    days: set[dt.date] = set()
    day = first_day - ONE_DAY  # the evening before may run past midnight into the range
    while day <= last_day:
        if day not in calendar.closed_dates:
            weekday = day.isoweekday()
            for shift in calendar.shifts:
                if weekday in shift.weekdays:
                    pieces.extend(_shift_pieces(shift, day))
                    if day >= first_day:
                        days.add(day)
        day += ONE_DAY
    for window in calendar.extra_windows:
        if first_day - ONE_DAY <= window.day <= last_day:
            pieces.append(_window_piece(window))
            if window.day >= first_day:
                days.add(window.day)
    merged: list[list[dt.datetime]] = []
    for start, end in sorted(pieces):
        start, end = max(start, lower), min(end, upper)
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return WorkingTime(
        first_day=first_day,
        last_day=last_day,
        intervals=tuple(Interval(start, end) for start, end in merged),
        working_days=tuple(sorted(days)),
    )
