"""Delivery KPIs from orders: on-time delivery, schedule adherence, WIP and lead time.

These read orders, not time elements: when each was due, planned and actually started, finished
and how much it made. An order counts in the bucket in which it was completed (its delivery);
work in process (WIP) is counted at the end of every bucket. Ratios over no completed orders are
undefined with a reason, like the equipment KPIs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from andon.engines.kpi.buckets import bucket_of, bucket_start
from andon.engines.kpi.formulas import Status
from andon.engines.kpi.model import (
    NONE,
    Dimension,
    FloatArray,
    IntArray,
    KpiProblemError,
    Period,
    _check_index,
    _first,
    _floats,
    _ints,
    _set,
)

NO_COMPLETED = "no orders completed in this period"


@dataclass(frozen=True, eq=False)
class Orders:
    """One row per production order; `actual_start`/`actual_end` are NONE until it happens.

    `item` and `work_center` (the one that finishes the order, NONE if not known) are what the
    delivery KPIs can be grouped by.
    """

    item: IntArray
    work_center: IntArray
    due: IntArray
    planned_start: IntArray
    planned_end: IntArray
    planned_quantity: FloatArray
    actual_start: IntArray
    actual_end: IntArray
    actual_quantity: FloatArray

    def __post_init__(self) -> None:
        item = _ints(self.item, "item", None)
        n = item.shape[0]
        _set(self, "item", item)
        for name in ("work_center", "due", "planned_start", "planned_end", "actual_start"):
            _set(self, name, _ints(getattr(self, name), name, n))
        _set(self, "actual_end", _ints(self.actual_end, "actual_end", n))
        for name in ("planned_quantity", "actual_quantity"):
            _set(self, name, _floats(getattr(self, name), name, n))
        _check_index(item, "item", allow_none=True)
        _check_index(self.work_center, "work_center", allow_none=True)
        if np.any(self.planned_end < self.planned_start):
            raise KpiProblemError(
                f"order {_first(self.planned_end < self.planned_start)}: planned end before start"
            )
        finished = self.actual_end != NONE
        wrong = finished & ((self.actual_start == NONE) | (self.actual_end < self.actual_start))
        if np.any(wrong):
            raise KpiProblemError(
                f"order {_first(wrong)}: finished without starting, or before it started"
            )

    def __len__(self) -> int:
        return int(self.item.shape[0])


class DeliveryKpi(enum.Enum):
    """Delivery KPIs: ratios are fractions of completed orders; lead time in seconds."""

    ON_TIME_DELIVERY = "on_time_delivery"
    START_ADHERENCE = "start_adherence"
    END_ADHERENCE = "end_adherence"
    QUANTITY_ADHERENCE = "quantity_adherence"
    SCHEDULE_ADHERENCE = "schedule_adherence"
    LEAD_TIME = "lead_time"


@dataclass(frozen=True, eq=False)
class DeliveryTable:
    """Per group and bucket: `completed` and `wip` counts, and each KPI (NaN = undefined).

    `status` is EMPTY when no order was completed at all: every ratio and the lead time are then
    undefined (never a 0 %), though WIP may still be counted; OK otherwise.
    """

    status: Status
    dimensions: tuple[Dimension, ...]
    period: Period
    keys: dict[Dimension, IntArray]
    bucket_start: IntArray
    completed: IntArray
    wip: IntArray
    values: dict[DeliveryKpi, FloatArray]

    def __len__(self) -> int:
        return int(self.bucket_start.shape[0])

    def value(self, kpi: DeliveryKpi, row: int) -> tuple[float | None, str]:
        """The value and "" , or None and the reason."""
        number = float(self.values[kpi][row])
        return (None, NO_COMPLETED) if np.isnan(number) else (number, "")


def delivery(
    orders: Orders,
    group_by: tuple[Dimension, ...] = (),
    period: Period = Period.ALL,
    utc_offset_seconds: int = 0,
    start_tolerance_seconds: int = 0,
    end_tolerance_seconds: int = 0,
    quantity_tolerance: float = 0.0,
) -> DeliveryTable:
    """Delivery KPIs per group (item and/or work center) and bucket of completion.

    An order is on time if it finished at or before its due date; it adheres to the schedule if it
    started and finished within the tolerances of the planned times and made the planned quantity
    within `quantity_tolerance` (a fraction: 0.05 is 5 %).
    """
    if not set(group_by) <= {Dimension.ITEM, Dimension.WORK_CENTER}:
        raise KpiProblemError("delivery KPIs group by item and work center only")
    if min(start_tolerance_seconds, end_tolerance_seconds, quantity_tolerance) < 0:
        raise KpiProblemError("tolerances must not be negative")
    o = orders
    columns = {Dimension.ITEM: o.item, Dimension.WORK_CENTER: o.work_center}
    sizes = [int(columns[d].max(initial=-1)) + 2 for d in group_by]
    group = np.zeros(len(o), np.int64)
    for dimension, size in zip(group_by, sizes, strict=True):
        group = group * size + columns[dimension] + 1
    groups = int(np.prod(sizes, dtype=np.int64))
    started = o.actual_start != NONE
    done = o.actual_end != NONE
    first_start = bucket_of(o.actual_start, period, utc_offset_seconds)
    end_bucket = bucket_of(o.actual_end, period, utc_offset_seconds)
    seen = np.concatenate([first_start[started], end_bucket[done]])
    low = int(seen.min()) if seen.size else 0
    buckets = (int(seen.max()) if seen.size else 0) - low + 1
    size = groups * buckets

    # WIP at the end of each bucket: +1 from the bucket an order starts in, -1 from the one it
    # ends in, then a running sum along the buckets of each group.
    change = np.bincount(group[started] * buckets + first_start[started] - low, minlength=size)
    change -= np.bincount(group[done] * buckets + end_bucket[done] - low, minlength=size)
    wip = np.cumsum(change.reshape(groups, buckets), axis=1).ravel()

    cell = (group * buckets + end_bucket - low)[done]
    completed = np.bincount(cell, minlength=size)

    def share(mask: np.ndarray) -> FloatArray:
        hits = np.bincount(cell, weights=mask[done].astype(np.float64), minlength=size)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(completed > 0, hits / np.maximum(completed, 1), np.nan)

    on_time = o.actual_end <= o.due
    start_ok = np.abs(o.actual_start - o.planned_start) <= start_tolerance_seconds
    end_ok = np.abs(o.actual_end - o.planned_end) <= end_tolerance_seconds
    qty_ok = np.abs(o.actual_quantity - o.planned_quantity) <= (
        quantity_tolerance * o.planned_quantity + 1e-9
    )
    lead = np.bincount(
        cell, weights=(o.actual_end - o.actual_start)[done].astype(np.float64), minlength=size
    )
    values = {
        DeliveryKpi.ON_TIME_DELIVERY: share(on_time),
        DeliveryKpi.START_ADHERENCE: share(start_ok),
        DeliveryKpi.END_ADHERENCE: share(end_ok),
        DeliveryKpi.QUANTITY_ADHERENCE: share(qty_ok),
        DeliveryKpi.SCHEDULE_ADHERENCE: share(start_ok & end_ok & qty_ok),
        DeliveryKpi.LEAD_TIME: np.where(completed > 0, lead / np.maximum(completed, 1), np.nan),
    }
    present = np.flatnonzero((completed > 0) | (wip > 0))
    rest, bucket = np.divmod(present, buckets)
    keys: dict[Dimension, IntArray] = {}
    for dimension, size_ in reversed(list(zip(group_by, sizes, strict=True))):
        rest, value = np.divmod(rest, size_)
        keys[dimension] = value - 1
    return DeliveryTable(
        status=Status.OK if done.any() else Status.EMPTY,
        dimensions=tuple(group_by),
        period=period,
        keys={d: keys[d] for d in group_by},
        bucket_start=bucket_start(bucket + low, period, utc_offset_seconds),
        completed=completed[present],
        wip=wip[present],
        values={k: v[present] for k, v in values.items()},
    )
