"""Fold one operation's (or one machine's) events into time elements, through production's fold.

Production's own `timeline.apply` derives every operation's progress; folding the events through
it here means an operation's time on the KPI pages is exactly the time its page shows. Each state
the fold passes through becomes one element: setup -> SETUP, running -> PRODUCTION (carrying the
quantities reported while it ran), paused -> DELAY, down -> planned or unplanned DOWNTIME by the
class of the downtime that started it. Machine-level downtime (not tied to an operation) becomes
DOWNTIME elements of its own.

Two builders use the same fold: the replay (`replay.py`, the reference) folds the events of one
range and closes a state still open at the end of its shift; the element store (`store.py`)
folds whole operations once and keeps open states open, to be closed when they are read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from andon.engines.kpi import NONE, ElementKind
from andon.production import timeline

STATE_KIND = {
    timeline.SETUP: ElementKind.SETUP,
    timeline.RUNNING: ElementKind.PRODUCTION,
    timeline.PAUSED: ElementKind.DELAY,
}
ZERO = Decimal("0")
EVENT_FIELDS = (
    "operation_id",
    "id",
    "kind",
    "at",
    "quantity",
    "scrap_quantity",
    "rework_quantity",
    "reason",
    "downtime_class",
    "work_center_id",
    "operation__work_order_id",
    "operation__work_order__item_id",
    "operation__run_minutes_per_unit",
)
MACHINE_FIELDS = ("work_center_id", "kind", "at", "reason", "downtime_class")


def epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


class Builder:
    """Collects elements as plain lists; the subclasses say how keys and open states are kept.

    `start` is where a machine downtime whose start the events do not show began."""

    def __init__(self, start: int) -> None:
        self.start = start
        self.cols: dict[str, list[Any]] = defaultdict(list)

    def reason(self, code: str) -> int:
        raise NotImplementedError

    def operation(self, item: int, order: int, wc: int, seconds_per_unit: float) -> tuple[int, int]:
        """Called once per operation before its elements: the (item, order) keys to store."""
        raise NotImplementedError

    def open_end(self, wc: int, at: int) -> int:
        """Where a state still open at the end of the events is counted to."""
        raise NotImplementedError

    def add(
        self,
        wc: int,
        start: int,
        end: int,
        kind: ElementKind,
        item: int = NONE,
        order: int = NONE,
        reason: int = NONE,
        quantities: tuple[Decimal, Decimal, Decimal] = (ZERO, ZERO, ZERO),
    ) -> int:
        good, scrap, rework = (float(q) for q in quantities)
        c = self.cols
        c["work_center"].append(wc)
        c["start"].append(start)
        c["end"].append(max(end, start))
        c["kind"].append(int(kind))
        c["item"].append(item)
        c["order"].append(order)
        c["reason"].append(reason)
        c["good"].append(good)
        c["scrap"].append(scrap)
        c["rework"].append(rework)
        return len(c["start"]) - 1

    def give(self, row: int, quantities: list[Decimal]) -> None:
        """Add quantities reported after their production element was closed."""
        for name, q in zip(("good", "scrap", "rework"), quantities, strict=True):
            self.cols[name][row] += float(q)


def _down_kind(down_class: str) -> ElementKind:
    return (
        ElementKind.DOWNTIME_PLANNED if down_class == "planned" else ElementKind.DOWNTIME_UNPLANNED
    )


def fold_operation(b: Builder, wc: int, rows: list[dict[str, Any]]) -> None:
    """One operation's events (`EVENT_FIELDS`, in (at, id) order) into elements."""
    first = rows[0]
    item, order = b.operation(
        first["operation__work_order__item_id"],
        first["operation__work_order_id"],
        wc,
        float(first["operation__run_minutes_per_unit"]) * 60,
    )
    state = timeline.State()
    pending = [ZERO, ZERO, ZERO]
    last_production = -1
    down_class = ""

    def close(status: str, since: dt.datetime, at: int, reason: str) -> None:
        nonlocal last_production
        kind = _down_kind(down_class) if status == timeline.DOWN else STATE_KIND[status]
        quantities = (pending[0], pending[1], pending[2]) if status == timeline.RUNNING else None
        row = b.add(
            wc,
            epoch(since),
            at,
            kind,
            item,
            order,
            b.reason(reason),
            quantities or (ZERO, ZERO, ZERO),
        )
        if quantities is not None:
            pending[:] = [ZERO, ZERO, ZERO]
            last_production = row

    for r in rows:
        kind = r["kind"]
        status, since, reason = state.status, state.since, state.reason
        fact = timeline.Fact(
            kind=kind,
            at=r["at"],
            seq=r["id"],
            good=r["quantity"] if kind == "report" else ZERO,
            scrap=r["scrap_quantity"],
            rework=r["rework_quantity"],
            reason=r["reason"],
        )
        timeline.apply(state, fact)
        if kind == "report":
            pending[0] += fact.good
            pending[1] += fact.scrap
            pending[2] += fact.rework
        if (state.status, state.since) != (status, since):
            if status in timeline.BUCKET and since is not None:
                close(status, since, epoch(r["at"]), reason)
            if state.status == timeline.DOWN:
                down_class = r["downtime_class"]
        if kind == "report" and state.status != timeline.RUNNING and last_production >= 0:
            b.give(last_production, pending)
            pending[:] = [ZERO, ZERO, ZERO]
    if state.status in timeline.BUCKET and state.since is not None:
        close(state.status, state.since, b.open_end(wc, epoch(state.since)), state.reason)
    if any(pending):
        if last_production >= 0:
            b.give(last_production, pending)
        else:
            at = epoch(rows[-1]["at"])
            b.add(wc, at, at, ElementKind.PRODUCTION, item, order, NONE, tuple(pending))  # type: ignore[arg-type]


def fold_machine(b: Builder, wc: int, rows: list[dict[str, Any]]) -> None:
    """Machine-level downtime: start/end pairs; an end first means down since `b.start`."""
    since: int | None = None
    reason, klass = "", ""
    for position, r in enumerate(rows):
        at = epoch(r["at"])
        if r["kind"] == "downtime_start" and since is None:
            since, reason, klass = at, r["reason"], r["downtime_class"]
        elif r["kind"] == "downtime_end":
            if since is None and position == 0:
                since, klass = b.start, r["downtime_class"]
            if since is not None:
                b.add(wc, since, at, _down_kind(klass), reason=b.reason(reason))
                since = None
    if since is not None:
        b.add(wc, since, b.open_end(wc, since), _down_kind(klass), reason=b.reason(reason))
