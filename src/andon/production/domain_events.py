"""What production tells the other contexts: a work order's lifecycle and facts from the floor.

Published by the services that make each change (`production.services` for orders,
`production.events.record_batch` for the floor) and delivered after their transaction commits,
so a listener never hears of a change that rolled back. Plain values only: a listener that
needs more reads it itself, in its own transaction (see `andon.core.events`).

The work-order events share `WorkOrderChanged`, so a context that only needs "some order
changed" (scheduling flags the schedule in force as out of date) subscribes to that one class.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from andon.core.events import DomainEvent

# --- work orders ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkOrderChanged(DomainEvent):
    """A work order changed; each subclass says how. `at` is when the service made the change."""

    work_order_id: int
    number: str
    at: dt.datetime


@dataclass(frozen=True)
class WorkOrderCreated(WorkOrderChanged):
    """A new planned order: by hand, made to a sales order, firmed by MRP, split off another."""

    item: str
    quantity: Decimal
    due_date: dt.date


@dataclass(frozen=True)
class WorkOrderReleased(WorkOrderChanged):
    """Sent to the floor; its material is reserved. `short` when released with material short."""

    short: bool = False


@dataclass(frozen=True)
class WorkOrderUnreleased(WorkOrderChanged):
    """Taken back from released to planned before anything happened on it."""


@dataclass(frozen=True)
class WorkOrderAmended(WorkOrderChanged):
    """Quantity or due date changed (a split takes quantity off, a merge adds it and may bring
    the due date forward); each is (before, after), or None when it did not change."""

    quantity: tuple[Decimal, Decimal] | None = None
    due_date: tuple[dt.date, dt.date] | None = None


@dataclass(frozen=True)
class WorkOrderCompleted(WorkOrderChanged):
    """Declared finished with its good output reported."""

    good_quantity: Decimal


@dataclass(frozen=True)
class WorkOrderClosed(WorkOrderChanged):
    """Closed for good: no more reporting, its costs can be settled."""


@dataclass(frozen=True)
class WorkOrderCancelled(WorkOrderChanged):
    """Cancelled before delivering (by hand, or merged into `merged_into`)."""

    reason: str = ""
    merged_into: str = ""


# --- the shop floor ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OperationReported(DomainEvent):
    """Good, scrap or rework quantities reported on a work-order operation.

    `event_id` is the `ProductionEvent` in the ledger; `at` is when it happened on the floor,
    which for a late or offline event is well before it was recorded.
    """

    event_id: int
    at: dt.datetime
    work_order: str
    operation: int
    work_center: str
    good: Decimal
    scrap: Decimal
    rework: Decimal
    reason: str = ""
    worker: str = ""


@dataclass(frozen=True)
class DowntimeStarted(DomainEvent):
    """A work center went down, on an order's operation or with no order at all (blank
    `work_order`, `operation` None). `downtime_class` is planned or unplanned."""

    event_id: int
    at: dt.datetime
    work_center: str
    reason: str
    downtime_class: str
    work_order: str = ""
    operation: int | None = None


@dataclass(frozen=True)
class DowntimeEnded(DomainEvent):
    """A work center that was down is up again (same shape as `DowntimeStarted`)."""

    event_id: int
    at: dt.datetime
    work_center: str
    reason: str = ""
    downtime_class: str = ""
    work_order: str = ""
    operation: int | None = None
