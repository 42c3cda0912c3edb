"""The time-phased MRP record of one item, computed when someone looks at it.

Storing gross requirements, projected on hand and the rest per day for 100,000 items would cost
far more than planning them, and a planner looks at a few items at a time. The record is rebuilt
from the problem and the plan: the same inputs give the same figures as the run itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from andon.engines.mrp.forecast import consume_forecasts
from andon.engines.mrp.model import BomLine, MrpProblem, MrpProblemError
from andon.engines.mrp.result import MrpResult


@dataclass(frozen=True, slots=True)
class TimePhasedRecord:
    """One item's MRP grid: one column per working day from today to the horizon end.

    Demand and supply dated before today are shown today, where the plan puts them. Planned
    receipts include firm planned orders; `past_due_releases` counts releases before today, which
    `planned_releases` shows today.
    """

    item: str
    on_hand: float
    safety_stock: float
    dates: tuple[dt.date, ...]
    gross_requirements: tuple[float, ...]
    scheduled_receipts: tuple[float, ...]
    projected_on_hand: tuple[float, ...]
    net_requirements: tuple[float, ...]
    planned_receipts: tuple[float, ...]
    planned_releases: tuple[float, ...]
    past_due_releases: int


def item_record(problem: MrpProblem, result: MrpResult, item_id: str) -> TimePhasedRecord:
    """The record of `item_id` under `result`, which must be the plan of `problem`."""
    item = next((i for i in problem.items if i.id == item_id), None)
    if item is None:
        raise MrpProblemError(f"unknown item {item_id}")
    cal = problem.calendar
    today = cal.index_on_or_after(problem.today)
    horizon = cal.index_on_or_before(problem.horizon_end)
    size = max(horizon - today + 1, 1)

    def bucket(index: int) -> int:
        return min(max(index - today, 0), size - 1)

    gross = np.zeros(size)
    receipts = np.zeros(size)
    planned = np.zeros(size)
    releases = np.zeros(size)
    for so in problem.sales_demands:
        if so.item == item_id and so.due <= problem.horizon_end:
            gross[bucket(cal.index_on_or_before(so.due))] += so.quantity
    for a in problem.allocations:
        if a.item == item_id and a.date <= problem.horizon_end:
            gross[bucket(cal.index_on_or_before(a.date))] += a.quantity
    mine = tuple(f for f in problem.forecasts if f.item == item_id)
    if mine:
        sales = tuple(s for s in problem.sales_demands if s.item == item_id)
        left = consume_forecasts(
            mine, sales, problem.forecast_days_before, problem.forecast_days_after
        )
        for f in mine:
            if problem.today <= f.date <= problem.horizon_end:
                gross[bucket(cal.index_on_or_before(f.date))] += left[f.id]
    lines = [b for b in problem.bom_lines if b.component == item_id]
    if lines:
        by_parent: dict[str, list[BomLine]] = {}
        for b in lines:
            by_parent.setdefault(b.parent, []).append(b)
        for order in result.planned_orders:
            for b in by_parent.get(order.item, ()):
                if (b.valid_from is None or b.valid_from <= order.release) and (
                    b.valid_to is None or order.release <= b.valid_to
                ):
                    day = cal.index_on_or_before(order.release)
                    gross[bucket(day)] += order.quantity * b.gross_factor
    for r in problem.scheduled_receipts:
        if r.item == item_id and r.due <= problem.horizon_end:
            receipts[bucket(cal.index_on_or_before(r.due))] += r.quantity
    past_due = 0
    for order in result.planned_orders:
        if order.item == item_id:
            planned[bucket(cal.index_on_or_before(order.due))] += order.quantity
            releases[bucket(cal.index_on_or_before(order.release))] += order.quantity
            past_due += order.past_due
    projected = item.on_hand + np.cumsum(receipts + planned - gross)
    # Net requirement: the shortfall below safety stock that appears in a bucket before its
    # planned receipts, beyond a shortfall already carried from the bucket before.
    previous = np.concatenate(([item.on_hand], projected[:-1]))
    before_planned = projected - planned
    short_before = np.maximum(item.safety_stock - previous, 0.0)
    net = np.maximum(np.maximum(item.safety_stock - before_planned, 0.0) - short_before, 0.0)
    dates = tuple(cal.date_at(today + k) for k in range(size))
    return TimePhasedRecord(
        item=item_id,
        on_hand=item.on_hand,
        safety_stock=item.safety_stock,
        dates=dates,
        gross_requirements=tuple(gross.tolist()),
        scheduled_receipts=tuple(receipts.tolist()),
        projected_on_hand=tuple(projected.tolist()),
        net_requirements=tuple(net.tolist()),
        planned_receipts=tuple(planned.tolist()),
        planned_releases=tuple(releases.tolist()),
        past_due_releases=past_due,
    )
