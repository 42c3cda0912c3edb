"""The calendar engine: working intervals and days, checked by examples and by properties."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from andon.engines.calendar import (
    ExtraWindow,
    Interval,
    ShiftPattern,
    WorkingCalendar,
    working_time,
)

MON = dt.date(2025, 3, 3)  # a Monday
WEEKDAYS = frozenset({1, 2, 3, 4, 5})


def t(hhmm: str) -> dt.time:
    return dt.time.fromisoformat(hhmm)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(day, t(hhmm))


def test_day_shift_gives_one_interval_per_weekday():
    cal = WorkingCalendar(shifts=(ShiftPattern(t("06:00"), t("14:00"), WEEKDAYS),))
    result = working_time(cal, MON, MON + dt.timedelta(days=6))
    assert [i.start for i in result.intervals] == [
        at(MON + dt.timedelta(days=d), "06:00") for d in range(5)
    ]
    assert result.working_days == tuple(MON + dt.timedelta(days=d) for d in range(5))
    assert result.total_minutes == 5 * 8 * 60


def test_break_is_taken_in_the_middle_and_reduces_capacity():
    cal = WorkingCalendar(shifts=(ShiftPattern(t("06:00"), t("14:00"), frozenset({1}), 30),))
    result = working_time(cal, MON, MON)
    assert result.intervals == (
        Interval(at(MON, "06:00"), at(MON, "09:45")),
        Interval(at(MON, "10:15"), at(MON, "14:00")),
    )
    assert result.total_minutes == 450


def test_night_shift_runs_past_midnight_and_belongs_to_its_start_day():
    night = ShiftPattern(t("22:00"), t("06:00"), frozenset({5}))  # Friday night
    result = working_time(WorkingCalendar(shifts=(night,)), MON, MON + dt.timedelta(days=6))
    friday, saturday = MON + dt.timedelta(days=4), MON + dt.timedelta(days=5)
    assert result.intervals == (Interval(at(friday, "22:00"), at(saturday, "06:00")),)
    assert result.working_days == (friday,)


def test_night_shift_from_the_evening_before_is_clipped_to_the_range():
    night = ShiftPattern(t("22:00"), t("06:00"), frozenset({7}))  # Sunday night
    result = working_time(WorkingCalendar(shifts=(night,)), MON, MON)
    assert result.intervals == (Interval(at(MON, "00:00"), at(MON, "06:00")),)
    assert result.working_days == ()  # the work started on Sunday


def test_back_to_back_shifts_merge_into_one_interval():
    early = ShiftPattern(t("06:00"), t("14:00"), frozenset({1}))
    late = ShiftPattern(t("14:00"), t("22:00"), frozenset({1}))
    result = working_time(WorkingCalendar(shifts=(late, early)), MON, MON)
    assert result.intervals == (Interval(at(MON, "06:00"), at(MON, "22:00")),)


def test_closed_date_and_extra_window():
    tuesday, saturday = MON + dt.timedelta(days=1), MON + dt.timedelta(days=5)
    cal = WorkingCalendar(
        shifts=(ShiftPattern(t("06:00"), t("14:00"), WEEKDAYS),),
        closed_dates=frozenset({tuesday}),
        extra_windows=(ExtraWindow(saturday, t("08:00"), t("12:00")),),
    )
    result = working_time(cal, MON, MON + dt.timedelta(days=6))
    assert tuesday not in result.working_days
    assert saturday in result.working_days
    assert len(result.working_days) == 5
    assert Interval(at(saturday, "08:00"), at(saturday, "12:00")) in result.intervals


def test_minutes_from_origin():
    cal = WorkingCalendar(shifts=(ShiftPattern(t("06:00"), t("14:00"), frozenset({1, 2})),))
    result = working_time(cal, MON, MON + dt.timedelta(days=1))
    assert result.minutes_from(at(MON, "00:00")) == ((360, 840), (1800, 2280))


def test_offset_working_days_skips_weekends_and_holidays():
    friday = MON + dt.timedelta(days=4)
    next_monday = MON + dt.timedelta(days=7)
    cal = WorkingCalendar(
        shifts=(ShiftPattern(t("06:00"), t("14:00"), WEEKDAYS),),
        closed_dates=frozenset({next_monday}),
    )
    result = working_time(cal, MON, MON + dt.timedelta(days=20))
    assert result.offset_working_days(friday, 1) == next_monday + dt.timedelta(days=1)
    assert result.offset_working_days(next_monday, 0) == next_monday + dt.timedelta(days=1)
    assert result.offset_working_days(next_monday, -1) == friday
    with pytest.raises(ValueError, match="outside"):
        result.offset_working_days(MON, -1)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ShiftPattern(t("06:00"), t("06:00"), WEEKDAYS), "same time"),
        (lambda: ShiftPattern(t("06:00"), t("14:00"), frozenset()), "at least one weekday"),
        (lambda: ShiftPattern(t("06:00"), t("14:00"), frozenset({0})), "1 to 7"),
        (lambda: ShiftPattern(t("06:00"), t("07:00"), WEEKDAYS, 60), "shorter than the shift"),
        (lambda: ShiftPattern(t("06:00"), t("07:00"), WEEKDAYS, -1), "negative"),
        (lambda: ShiftPattern(t("06:00:30"), t("07:00"), WEEKDAYS), "whole minute"),
        (lambda: ExtraWindow(MON, t("08:00"), t("08:00")), "same time"),
        (
            lambda: WorkingCalendar(
                closed_dates=frozenset({MON}),
                extra_windows=(ExtraWindow(MON, t("08:00"), t("09:00")),),
            ),
            "both closed",
        ),
        (lambda: working_time(WorkingCalendar(), MON, MON - dt.timedelta(days=1)), "ends before"),
    ],
)
def test_bad_input_is_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# --- properties -------------------------------------------------------------------------------

minutes_of_day = st.integers(min_value=0, max_value=24 * 60 - 1)


@st.composite
def shifts(draw: st.DrawFn) -> ShiftPattern:
    start = draw(minutes_of_day)
    length = draw(st.integers(min_value=1, max_value=24 * 60 - 1))
    end = (start + length) % (24 * 60)
    brk = draw(st.integers(min_value=0, max_value=length - 1))
    days = draw(st.frozensets(st.integers(min_value=1, max_value=7), min_size=1))
    return ShiftPattern(dt.time(start // 60, start % 60), dt.time(end // 60, end % 60), days, brk)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[WorkingCalendar, dt.date, dt.date]:
    first = MON + dt.timedelta(days=draw(st.integers(min_value=0, max_value=6)))
    last = first + dt.timedelta(days=draw(st.integers(min_value=0, max_value=9)))
    span = [first + dt.timedelta(days=d) for d in range(-1, (last - first).days + 2)]
    closed = draw(st.frozensets(st.sampled_from(span), max_size=4))
    windows = []
    for day in draw(st.lists(st.sampled_from(span), max_size=3)):
        if day in closed:
            continue
        start = draw(minutes_of_day)
        end = (start + draw(st.integers(min_value=1, max_value=600))) % (24 * 60)
        windows.append(
            ExtraWindow(day, dt.time(start // 60, start % 60), dt.time(end // 60, end % 60))
        )
    cal = WorkingCalendar(
        shifts=tuple(draw(st.lists(shifts(), max_size=3))),
        closed_dates=closed,
        extra_windows=tuple(windows),
    )
    return cal, first, last


def _minute_oracle(cal: WorkingCalendar, first: dt.date, last: dt.date) -> set[int]:
    """Minutes (from first 00:00) worked, built minute by minute, independently of the merge."""
    origin = dt.datetime.combine(first, dt.time())
    worked: set[int] = set()

    def add(day: dt.date, start: dt.time, span: int, skip: range = range(0)) -> None:
        base = int((dt.datetime.combine(day, start) - origin).total_seconds() // 60)
        worked.update(base + m for m in range(span) if m not in skip)

    for offset in range(-1, (last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        if day in cal.closed_dates:
            continue
        for s in cal.shifts:
            if day.isoweekday() in s.weekdays:
                before_break = (s.span_minutes - s.break_minutes) // 2
                add(
                    day,
                    s.start,
                    s.span_minutes,
                    range(before_break, before_break + s.break_minutes),
                )
    for w in cal.extra_windows:
        span = (w.end.hour * 60 + w.end.minute - w.start.hour * 60 - w.start.minute) % 1440 or 1440
        add(w.day, w.start, span)
    limit = ((last - first).days + 1) * 1440
    return {m for m in worked if 0 <= m < limit}


@settings(max_examples=150, deadline=None)
@given(calendars())
def test_intervals_are_sorted_disjoint_within_range_and_match_the_oracle(case):
    cal, first, last = case
    result = working_time(cal, first, last)
    lower = dt.datetime.combine(first, dt.time())
    upper = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    for interval in result.intervals:
        assert lower <= interval.start < interval.end <= upper
    for a, b in zip(result.intervals, result.intervals[1:], strict=False):
        assert a.end < b.start  # sorted, no overlap, touching intervals merged
    minutes = result.minutes_from(lower)
    covered = {m for start, end in minutes for m in range(start, end)}
    assert covered == _minute_oracle(cal, first, last)


@settings(max_examples=150, deadline=None)
@given(calendars())
def test_no_work_starts_on_a_closed_date(case):
    cal, first, last = case
    result = working_time(cal, first, last)
    assert list(result.working_days) == sorted(set(result.working_days))
    assert all(first <= d <= last for d in result.working_days)
    assert not set(result.working_days) & cal.closed_dates
    for interval in result.intervals:
        day = interval.start.date()
        if day in cal.closed_dates:
            # Only the tail of work begun the evening before may reach into a closed date.
            eve = day - dt.timedelta(days=1)
            assert eve not in cal.closed_dates
            ends = [
                dt.datetime.combine(eve, s.start) + dt.timedelta(minutes=s.span_minutes)
                for s in cal.shifts
                if eve.isoweekday() in s.weekdays
            ] + [
                dt.datetime.combine(eve, w.start) + dt.timedelta(minutes=1440)
                for w in cal.extra_windows
                if w.day == eve
            ]
            assert ends
            assert interval.end <= max(ends)
