"""Time buckets (day, week, month) in plant-local time, and intervals split at their boundaries.

A KPI "per day" must count a night shift's element partly on each day, so an element that crosses
a boundary is cut into pieces, each in its own bucket; the pieces' durations add up to the
element's. Buckets are integers: days and weeks since the epoch, months since January 1970, all
in local time (UTC + `utc_offset_seconds`); `bucket_start` turns one back into a UTC timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from andon.engines.kpi.model import IntArray, Period

DAY = 86_400
WEEK = 7 * DAY
# 1970-01-01 was a Thursday: shifting by three days makes ISO weeks (from Monday) whole numbers.
_MONDAY_SHIFT = 3 * DAY


def bucket_of(times: IntArray, period: Period, utc_offset_seconds: int) -> IntArray:
    """The bucket each UTC timestamp falls in."""
    local = times + utc_offset_seconds
    if period is Period.ALL:
        return np.zeros_like(times)
    if period is Period.DAY:
        return local // DAY
    if period is Period.WEEK:
        return (local + _MONDAY_SHIFT) // WEEK
    months = local.astype("datetime64[s]").astype("datetime64[M]")
    return months.astype(np.int64)


def bucket_start(buckets: IntArray, period: Period, utc_offset_seconds: int) -> IntArray:
    """The UTC timestamp at which each bucket starts (local midnight); 0 for Period.ALL."""
    if period is Period.ALL:
        return np.zeros_like(buckets)
    if period is Period.DAY:
        local = buckets * DAY
    elif period is Period.WEEK:
        local = buckets * WEEK - _MONDAY_SHIFT
    else:
        local = buckets.astype("datetime64[M]").astype("datetime64[s]").astype(np.int64)
    return local - utc_offset_seconds


@dataclass(frozen=True, eq=False)
class Pieces:
    """Intervals cut at bucket boundaries.

    Every interval keeps its first piece at its own row (`first_bucket`, `first_seconds`), so the
    common case (no boundary crossed) costs no copy. Further pieces are listed apart: `extra_row`
    is the interval they belong to, with their bucket and seconds.
    """

    first_bucket: IntArray
    first_seconds: IntArray
    extra_row: IntArray
    extra_bucket: IntArray
    extra_seconds: IntArray


def split(start: IntArray, end: IntArray, period: Period, utc_offset_seconds: int) -> Pieces:
    """Cut [start, end) intervals at the bucket boundaries of `period`."""
    first = bucket_of(start, period, utc_offset_seconds)
    if period is Period.ALL:
        empty = np.empty(0, np.int64)
        return Pieces(first, end - start, empty, empty, empty)
    last = bucket_of(np.maximum(end - 1, start), period, utc_offset_seconds)
    crossing = np.flatnonzero(last > first)
    if crossing.size == 0:
        empty = np.empty(0, np.int64)
        return Pieces(first, end - start, empty, empty, empty)
    boundary = bucket_start(first[crossing] + 1, period, utc_offset_seconds)
    first_seconds = end - start
    first_seconds[crossing] = boundary - start[crossing]
    counts = last[crossing] - first[crossing]
    rows = np.repeat(crossing, counts)
    offsets = np.arange(rows.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
    buckets = first[rows] + 1 + offsets
    lower = bucket_start(buckets, period, utc_offset_seconds)
    upper = np.minimum(bucket_start(buckets + 1, period, utc_offset_seconds), end[rows])
    return Pieces(first, first_seconds, rows, buckets, upper - lower)
