"""From time elements to additive totals per group and bucket: the only pass over the elements.

Everything a KPI needs is a sum (seconds of each ISO time element, quantities, PRU x PQ, counts of
failures), so the engine sums once per (group, bucket) cell with `np.bincount`, which is linear
and vectorised, and computes the ratios from the sums afterwards. Ratios are never averaged.

Overlaps: two elements on one work center cannot both have happened at the same moment, so time
is not counted twice. Elements are ordered by work center and start; the part of an element that
lies under an earlier element of the same work center is not counted (the earlier element keeps
the time), the element keeps its quantities, and the overlap is reported. Data already sorted by
(work center, start), as a database returns it on request, is not sorted again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from andon.engines.kpi.buckets import Pieces, bucket_start, split
from andon.engines.kpi.model import (
    NONE,
    Dimension,
    ElementKind,
    FloatArray,
    IntArray,
    KpiData,
    Period,
    TimeElements,
)

_KIND_BITS = 3  # ElementKind fits in three bits
_MINOR_STOP = len(ElementKind)  # unplanned downtime shorter than the small-stop limit
_KINDS = len(ElementKind) + 1
_WITH_ORDER = _KINDS  # added to the kind of elements that carry an order (for AOET)
MAX_EXAMPLES = 20
DENSE_PRU_LIMIT = 20_000_000  # items x work centers up to which PRU is looked up in a table

_PBT_DIMENSIONS = frozenset({Dimension.WORK_CENTER, Dimension.LINE, Dimension.SHIFT})
_APAT_DIMENSIONS = frozenset({Dimension.CREW, Dimension.SHIFT})


@dataclass(frozen=True)
class Overlaps:
    """Elements that overlapped an earlier element on the same work center.

    `seconds` were not counted; `examples` are the input row numbers of the first few.
    """

    elements: int
    seconds: int
    examples: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class Totals:
    """Additive totals, one row per (group, bucket) cell that has any data.

    `columns` maps ISO names to sums (seconds or units): PBT, APT, AUST, ADET, ADOT, PDOT, IDLE,
    MINOR_STOPS, BREAKDOWNS, AOET, APWT, APAT, PQ, GQ, SQ, RQ, IDEAL (PRU x PQ), IDEAL_GOOD
    (PRU x GQ), STARTUP_REJECTS (PRU x (PQ - GQ) right after a setup), FE (failure events),
    PRU_MISSING (production elements with units but no usable PRU), ELEMENTS (pieces of
    elements in the cell).
    """

    dimensions: tuple[Dimension, ...]
    period: Period
    keys: dict[Dimension, IntArray]
    bucket_start: IntArray
    columns: dict[str, FloatArray]
    pbt_attributable: bool
    apat_attributable: bool
    overlaps: Overlaps

    def __len__(self) -> int:
        return int(self.bucket_start.shape[0])


_T = TypeVar("_T")


def _req(values: _T | None) -> _T:
    """A column that `TimeElements.__post_init__` has filled in (None only before it runs)."""
    assert values is not None
    return values


def _sort(key: IntArray, kind: IntArray) -> tuple[IntArray | None, IntArray, IntArray]:
    """Order by key (ties in input order): the permutation (None if sorted), keys and kinds.

    When key, row number and kind fit in 63 bits together they are packed into one integer and
    sorted by value, which numpy does several times faster than an argsort, and the kinds come
    out in order without a gather.
    """
    n = key.shape[0]
    if n < 2 or bool(np.all(key[1:] >= key[:-1])):
        return None, key, kind
    row_bits = (n - 1).bit_length()
    if int(key.max()).bit_length() + row_bits + _KIND_BITS <= 63:
        packed = ((key << row_bits) | np.arange(n, dtype=np.int64)) << _KIND_BITS | kind
        packed.sort()
        rows = (packed >> _KIND_BITS) & ((1 << row_bits) - 1)
        return rows, packed >> (_KIND_BITS + row_bits), packed & ((1 << _KIND_BITS) - 1)
    perm = np.argsort(key, kind="stable")
    return perm, key[perm], kind[perm]


def _resolve(el: TimeElements) -> tuple[IntArray, IntArray, Overlaps]:
    """Where each element's counted time starts, the elements that start up after a setup, and
    the overlaps.

    Works in (work center, start) order and hands back only what changed (overlapping elements
    and start-ups are few), so unsorted input costs one sort and one reordered column.
    """
    kind = _req(el.kind)
    origin = int(el.start.min(initial=0))
    time_bits = max(int(el.end.max(initial=0)) - origin, 1).bit_length()
    perm, start_key, kind = _sort((el.work_center << time_bits) | (el.start - origin), kind)
    end = el.end if perm is None else el.end[perm]
    high = (start_key >> time_bits) << time_bits
    # The running latest end before each element on its work center bounds where it may start.
    latest = np.empty_like(start_key)
    latest[:1] = -1
    np.maximum.accumulate((high | (end - origin))[:-1], out=latest[1:])
    start = start_key - high + origin
    clipped_sorted = np.minimum(np.maximum(start_key, latest) - high + origin, end)
    overlapping = np.flatnonzero(clipped_sorted > start)
    lost = int((clipped_sorted - start)[overlapping].sum())
    startup = (
        np.flatnonzero(
            (kind[1:] == ElementKind.PRODUCTION)
            & (kind[:-1] == ElementKind.SETUP)
            & (high[:-1] == high[1:])
        )
        + 1
    )
    clipped = el.start.copy()
    if perm is None:
        clipped[overlapping] = clipped_sorted[overlapping]
    else:
        clipped[perm[overlapping]] = clipped_sorted[overlapping]
        overlapping = np.sort(perm[overlapping])
        startup = np.sort(perm[startup])
    examples = tuple(int(i) for i in overlapping[:MAX_EXAMPLES])
    return clipped, startup, Overlaps(int(overlapping.shape[0]), lost, examples)


def _pru_lookup(data: KpiData, item: IntArray, wc: IntArray, work_centers: int) -> FloatArray:
    """PRU per element, NaN where none is given (or it is zero, which is no usable PRU)."""
    pru = data.planned_run_times
    seconds = np.where(pru.seconds_per_unit > 0, pru.seconds_per_unit, np.nan)
    items = max(int(item.max(initial=-1)), int(pru.item.max(initial=-1))) + 1
    keys = pru.item * work_centers + pru.work_center
    wanted = np.where(item >= 0, item * work_centers + wc, -1)
    if items * work_centers <= DENSE_PRU_LIMIT:
        dense = np.full(items * work_centers + 1, np.nan)
        dense[keys] = seconds
        return dense[wanted]  # -1 picks the last slot, which stays NaN
    # Too many items for a dense table: binary search in the sorted keys instead.
    order = np.argsort(keys)
    keys, seconds = np.append(keys[order], -2), np.append(seconds[order], np.nan)
    pos = np.searchsorted(keys[:-1], wanted)
    return np.where(keys[pos] == wanted, seconds[pos], np.nan)


class _Grid:
    """Cell numbering: mixed radix over the dimensions (NONE shifted to 0), then the bucket."""

    def __init__(self, data: KpiData, dimensions: tuple[Dimension, ...], buckets: IntArray) -> None:
        el, pbt, att = data.elements, data.planned_busy_time, data.attendance
        lines = data.line_of_work_center
        self.lines = np.full(data.work_centers, NONE, np.int64)
        self.lines[: lines.shape[0]] = lines
        highest = {
            Dimension.WORK_CENTER: data.work_centers - 1,
            Dimension.LINE: int(self.lines.max(initial=-1)),
            Dimension.SHIFT: max(
                int(el.shift.max(initial=-1)),  # type: ignore[union-attr]
                int(pbt.shift.max(initial=-1)),  # type: ignore[union-attr]
                int(att.shift.max(initial=-1)),  # type: ignore[union-attr]
            ),
            Dimension.CREW: max(int(el.crew.max(initial=-1)), int(att.crew.max(initial=-1))),  # type: ignore[union-attr]
            Dimension.ITEM: int(el.item.max(initial=-1)),  # type: ignore[union-attr]
        }
        self.dimensions = dimensions
        self.sizes = [highest[d] + 2 for d in dimensions]
        self.first_bucket = int(buckets.min()) if buckets.size else 0
        self.buckets = (int(buckets.max()) if buckets.size else 0) - self.first_bucket + 1
        self.cells = int(np.prod(self.sizes, dtype=np.int64)) * self.buckets

    def code(self, values: dict[Dimension, IntArray], bucket: IntArray) -> IntArray:
        code = np.zeros_like(bucket)
        for dimension, size in zip(self.dimensions, self.sizes, strict=True):
            code = code * size + (values[dimension] + 1)
        return code * self.buckets + (bucket - self.first_bucket)

    def decode(self, cells: IntArray) -> tuple[dict[Dimension, IntArray], IntArray]:
        rest, bucket = np.divmod(cells, self.buckets)
        keys: dict[Dimension, IntArray] = {}
        for dimension, size in reversed(list(zip(self.dimensions, self.sizes, strict=True))):
            rest, value = np.divmod(rest, size)
            keys[dimension] = value - 1
        return {d: keys[d] for d in self.dimensions}, bucket + self.first_bucket


def _sum(cells: IntArray, weights: FloatArray | None, size: int) -> FloatArray:
    return np.bincount(cells, weights=weights, minlength=size).astype(np.float64)


def totals(
    data: KpiData, dimensions: tuple[Dimension, ...], period: Period, utc_offset_seconds: int
) -> Totals:
    """Sum every additive element per (group, bucket) cell; see the module docstring."""
    el = data.elements
    n = len(el)
    clipped, startup, overlaps = _resolve(el)  # startup: rows of elements right after a setup
    wc, end, kind = el.work_center, el.end, el.kind
    assert kind is not None
    seconds = end - clipped

    pbt, att = data.planned_busy_time, data.attendance
    pieces = split(clipped, end, period, utc_offset_seconds)
    pbt_pieces = split(pbt.start, pbt.end, period, utc_offset_seconds)
    att_pieces = split(att.start, att.end, period, utc_offset_seconds)
    all_buckets = np.concatenate(
        [
            pieces.extra_bucket,
            pbt_pieces.first_bucket,
            pbt_pieces.extra_bucket,
            att_pieces.first_bucket,
            att_pieces.extra_bucket,
        ]
    )
    if n:
        ends = [pieces.first_bucket.min(), pieces.first_bucket.max()]
        all_buckets = np.concatenate([all_buckets, np.array(ends, np.int64)])
    grid = _Grid(data, dimensions, all_buckets)
    size = grid.cells

    values: dict[Dimension, IntArray] = {}
    for dimension in dimensions:
        if dimension is Dimension.WORK_CENTER:
            values[dimension] = wc
        elif dimension is Dimension.LINE:
            values[dimension] = grid.lines[wc]
        else:
            values[dimension] = _req(getattr(el, dimension.value))
    cell = grid.code(values, pieces.first_bucket)
    extra_cell = cell[pieces.extra_row]
    extra_cell = extra_cell + (pieces.extra_bucket - pieces.first_bucket[pieces.extra_row])

    # Time per ISO element in one pass: the kind, small stops apart, and whether an order runs.
    virtual = kind.copy()
    minor = (kind == ElementKind.DOWNTIME_UNPLANNED) & (seconds < data.small_stop_seconds)
    virtual[minor] = _MINOR_STOP
    order = _req(el.order)
    virtual += np.where(order >= 0, _WITH_ORDER, 0)
    by_kind = _sum(
        cell * (2 * _KINDS) + virtual, pieces.first_seconds.astype(np.float64), size * 2 * _KINDS
    )
    if pieces.extra_row.size:
        by_kind += _sum(
            extra_cell * (2 * _KINDS) + virtual[pieces.extra_row],
            pieces.extra_seconds.astype(np.float64),
            size * 2 * _KINDS,
        )
    by_kind = by_kind.reshape(size, 2, _KINDS)
    time = by_kind.sum(axis=1)

    # Quantities follow time: a piece of an element carries its share of the element's units.
    share: FloatArray | None = None
    extra_share = np.empty(0)
    if pieces.extra_row.size:
        whole = np.maximum(seconds, 1).astype(np.float64)
        share = np.where(seconds > 0, pieces.first_seconds / whole, 1.0)
        extra_share = pieces.extra_seconds / whole[pieces.extra_row]

    def add(weights: FloatArray) -> FloatArray:
        total = _sum(cell, weights if share is None else weights * share, size)
        if pieces.extra_row.size:
            total += _sum(extra_cell, weights[pieces.extra_row] * extra_share, size)
        return total

    pq, gq = _req(el.produced), _req(el.good)
    pru = _pru_lookup(data, _req(el.item), wc, data.work_centers)
    usable = np.isfinite(pru)
    pru0 = np.where(usable, pru, 0.0)
    worked = (_req(el.crew) >= 0) & (kind <= ElementKind.DELAY)
    columns: dict[str, FloatArray] = {
        "PQ": add(pq),
        "GQ": add(gq),
        "SQ": add(_req(el.scrap)),
        "RQ": add(_req(el.rework)),
        "IDEAL": add(pru0 * pq),
        "IDEAL_GOOD": add(pru0 * gq),
        "APWT": add(np.where(worked, seconds * _req(el.workers), 0.0)),
    }
    rejects = startup[pq[startup] > gq[startup]]
    columns["STARTUP_REJECTS"] = _sum(cell[rejects], (pru0 * (pq - gq))[rejects], size)
    failures = np.flatnonzero(
        (kind == ElementKind.DOWNTIME_UNPLANNED)
        & (seconds >= data.small_stop_seconds)
        & (seconds > 0)
    )
    columns["FE"] = _sum(cell[failures], None, size)
    missing = np.flatnonzero((pq > 0) & ~usable)
    columns["PRU_MISSING"] = _sum(cell[missing], None, size)
    # Pieces, not elements: a bucket holding only the tail of a night's element is still shown.
    columns["ELEMENTS"] = _sum(cell, None, size) + _sum(extra_cell, None, size)
    for name, index in (
        ("APT", ElementKind.PRODUCTION),
        ("AUST", ElementKind.SETUP),
        ("ADET", ElementKind.DELAY),
        ("PDOT", ElementKind.DOWNTIME_PLANNED),
        ("IDLE", ElementKind.IDLE),
        ("MINOR_STOPS", _MINOR_STOP),
    ):
        columns[name] = time[:, index]
    columns["BREAKDOWNS"] = time[:, ElementKind.DOWNTIME_UNPLANNED].copy()
    columns["ADOT"] = columns["BREAKDOWNS"] + columns["MINOR_STOPS"]
    executing = by_kind[:, 1, :]
    columns["AOET"] = executing.sum(axis=1) - executing[:, ElementKind.IDLE]

    pbt_ok = set(dimensions) <= _PBT_DIMENSIONS
    columns["PBT"] = np.zeros(size)
    if pbt_ok:
        pbt_values = {
            Dimension.WORK_CENTER: pbt.work_center,
            Dimension.LINE: grid.lines[pbt.work_center],
        }
        pbt_values[Dimension.SHIFT] = pbt.shift  # type: ignore[assignment]
        columns["PBT"] = _interval_sum(grid, pbt_values, pbt_pieces, size)
    apat_ok = set(dimensions) <= _APAT_DIMENSIONS
    columns["APAT"] = np.zeros(size)
    if apat_ok:
        att_values = {Dimension.CREW: att.crew, Dimension.SHIFT: att.shift}
        columns["APAT"] = _interval_sum(grid, att_values, att_pieces, size)  # type: ignore[arg-type]

    present = np.flatnonzero(
        (columns["ELEMENTS"] > 0) | (columns["PBT"] > 0) | (columns["APAT"] > 0)
    )
    keys, buckets = grid.decode(present)
    return Totals(
        dimensions=dimensions,
        period=period,
        keys=keys,
        bucket_start=bucket_start(buckets, period, utc_offset_seconds),
        columns={name: values[present] for name, values in columns.items()},
        pbt_attributable=pbt_ok,
        apat_attributable=apat_ok,
        overlaps=overlaps,
    )


def _interval_sum(
    grid: _Grid, values: dict[Dimension, IntArray], pieces: Pieces, size: int
) -> FloatArray:
    chosen = {d: values[d] for d in grid.dimensions}
    cell = grid.code(chosen, pieces.first_bucket)
    total = _sum(cell, pieces.first_seconds.astype(np.float64), size)
    if pieces.extra_row.size:
        extra = cell[pieces.extra_row] + (
            pieces.extra_bucket - pieces.first_bucket[pieces.extra_row]
        )
        total += _sum(extra, pieces.extra_seconds.astype(np.float64), size)
    return total
