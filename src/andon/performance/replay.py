"""The reference: a range's elements replayed directly from its events, event by event.

This is how the KPI pages read the ledger before the element store existed, and it stays as the
oracle the store is tested against (`tests/performance/test_store.py`): on any ledger, the store's
elements for a range that reaches past the last event are the replay's. It reads the events in
the range and those before it of operations still running then, so a range that ends in the past
sees a state that continues after its end as open at the end of its shift; the store, which
knows the whole ledger, closes it where the ledger does (both are then cut to the range).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np
from django.db.models import Q

from andon.engines.kpi import NONE
from andon.performance.elements import COLUMNS, QUANTITIES, Elements, Plant, assemble, plant
from andon.performance.fold import (
    EVENT_FIELDS,
    MACHINE_FIELDS,
    Builder,
    fold_machine,
    fold_operation,
)
from andon.production.models import ProductionEvent, WorkOrderOperation


class ReplayBuilder(Builder):
    """Indexes assigned as first seen; open states close at the end of their shift."""

    def __init__(self, p: Plant) -> None:
        super().__init__(p.lo)
        self.plant = p
        self.reasons: dict[str, int] = {}
        self.items: dict[int, int] = {}
        self.orders: dict[int, int] = {}
        self.pru: dict[tuple[int, int], float] = {}

    def reason(self, code: str) -> int:
        if not code:
            return NONE
        return self.reasons.setdefault(code, len(self.reasons))

    def operation(self, item: int, order: int, wc: int, seconds_per_unit: float) -> tuple[int, int]:
        i = self.items.setdefault(item, len(self.items))
        self.pru.setdefault((i, wc), seconds_per_unit)
        return i, self.orders.setdefault(order, len(self.orders))

    def open_end(self, wc: int, at: int) -> int:
        return self.plant.shift_end(wc, at)


def load(start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> Elements:
    """Time elements and planned busy time of every work center in [start, end), replayed."""
    p = plant(start, end, now)
    wc_index = {c.pk: c.index for c in p.centers}
    b = ReplayBuilder(p)
    in_range = list(
        ProductionEvent.objects.filter(operation__isnull=False, at__gte=start, at__lt=end)
        .order_by("operation_id", "at", "id")
        .values(*EVENT_FIELDS)
    )
    running = WorkOrderOperation.objects.filter(
        Q(actual_end__isnull=True) | Q(actual_end__gte=start)
    ).exclude(status=WorkOrderOperation.Status.PENDING)
    before = list(
        ProductionEvent.objects.filter(operation__in=running.values("pk"), at__lt=start)
        .order_by("operation_id", "at", "id")
        .values(*EVENT_FIELDS)
    )
    by_operation: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in before:
        by_operation[r["operation_id"]].append(r)
    for r in in_range:
        by_operation[r["operation_id"]].append(r)
    for rows in by_operation.values():
        wc = wc_index.get(rows[0]["work_center_id"])
        if wc is not None:
            fold_operation(b, wc, rows)
    machine: dict[int, list[Any]] = defaultdict(list)
    for r in (
        ProductionEvent.objects.filter(
            operation__isnull=True,
            kind__in=("downtime_start", "downtime_end"),
            at__gte=start,
            at__lt=end,
        )
        .order_by("work_center_id", "at", "id")
        .values(*MACHINE_FIELDS)
    ):
        machine[r["work_center_id"]].append(r)
    for pk, rows in machine.items():
        if pk in wc_index:
            fold_machine(b, wc_index[pk], rows)
    cols = {name: np.array(b.cols[name], dtype=np.int64) for name in COLUMNS}
    cols.update({name: np.array(b.cols[name], dtype=np.float64) for name in QUANTITIES})
    return assemble(p, cols, list(b.items), list(b.reasons), b.pru)
