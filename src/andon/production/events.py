"""Shop-floor reporting: record events in the ledger, idempotently, by their own timestamp.

One event is one transaction: it is checked, appended, its stock effects (backflush, finished
goods, consumption) are posted and the operation's derived progress is recomputed, or nothing at
all is written. A batch applies its events one by one in timestamp order, each on its own, so one
bad event never holds back the others. A `client_id` already in the ledger answers `duplicate`
and changes nothing; a refused event is not stored, so it can be corrected and sent again with
the same id.

Rules for late and out-of-order events are in `production.timeline` and docs/events-api.md.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from andon.catalog.models import Item
from andon.core.errors import DomainError, ValidationFailed
from andon.inventory.models import Lot
from andon.people.models import Worker
from andon.plant.models import Location, WorkCenter
from andon.production import materials, timeline
from andon.production.models import (
    OPEN_STATUSES,
    ProductionEvent,
    WorkOrder,
    WorkOrderMaterial,
    WorkOrderOperation,
)
from andon.production.services import locked, reserve

Kind = ProductionEvent.Kind
ZERO = Decimal("0")
# How far ahead of the server clock an event may claim to be (terminals' clocks drift).
CLOCK_SKEW = dt.timedelta(minutes=5)
STATUSES = ("accepted", "duplicate", "rejected")
MACHINE_KINDS = frozenset({Kind.DOWNTIME_START, Kind.DOWNTIME_END})
NEEDS_REASON = frozenset({Kind.PAUSE, Kind.DOWNTIME_START})
NEEDS_WORKER = frozenset({Kind.CLOCK_ON, Kind.CLOCK_OFF})
# Kinds allowed on a completed (not closed) order: people and machines still finish up.
AFTER_ORDER = frozenset({Kind.CLOCK_OFF, Kind.DOWNTIME_END})


@dataclass(frozen=True)
class EventInput:
    """One event as a terminal, PLC gateway or MES sends it; records are named by their codes."""

    client_id: str
    kind: str
    at: dt.datetime
    work_order: str = ""
    operation: int | None = None
    work_center: str = ""
    worker: str = ""
    quantity: Any = 0
    scrap: Any = 0
    rework: Any = 0
    reason: str = ""
    downtime_class: str = ""
    item: str = ""
    lot: str = ""
    location: str = ""
    note: str = ""


@dataclass(frozen=True)
class EventResult:
    """What became of one event: accepted, duplicate (already recorded) or rejected."""

    client_id: str
    status: str
    code: str = ""
    detail: str = ""
    event_id: int | None = None


def _refuse(code: str, detail: str) -> ValidationFailed:
    return ValidationFailed(detail, code=code)


def _quantity(value: Any, what: str) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    try:
        quantity = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        raise _refuse("invalid_quantity", f"{what} {value!r} is not a number.") from None
    if not quantity.is_finite():
        raise _refuse("invalid_quantity", f"{what} must be a number.")
    if quantity < 0:
        raise _refuse("invalid_quantity", f"{what} cannot be negative.")
    if quantity != quantity.quantize(Decimal("0.0001")):
        raise _refuse("invalid_quantity", f"{what} has more than 4 decimal places.")
    return quantity


def _check_basics(data: EventInput) -> None:
    client_id = (data.client_id or "").strip()
    if not client_id or len(client_id) > 64:
        raise _refuse("invalid_client_id", "client_id must be 1 to 64 characters.")
    if data.kind not in Kind.values:
        raise _refuse("invalid_kind", f"Unknown kind of event {data.kind!r}.")
    if timezone.is_naive(data.at):
        raise _refuse("invalid_timestamp", "The timestamp needs a time zone (e.g. Z or +01:00).")
    if data.at > timezone.now() + CLOCK_SKEW:
        raise _refuse("future_timestamp", "The timestamp is in the future: check the clock.")
    if data.kind in NEEDS_REASON and not data.reason.strip():
        raise _refuse("reason_required", f"A {Kind(data.kind).label.lower()} needs a reason code.")
    if data.downtime_class and data.downtime_class not in ProductionEvent.DowntimeClass.values:
        raise _refuse("invalid_downtime_class", "downtime_class is planned or unplanned.")


def _resolve_operation(data: EventInput) -> tuple[WorkOrder | None, WorkOrderOperation | None]:
    if not data.work_order:
        if data.kind in MACHINE_KINDS:
            return None, None
        raise _refuse("work_order_required", "Say which work order (work_order).")
    order = WorkOrder.objects.filter(number=data.work_order).first()
    if order is None:
        raise _refuse("unknown_work_order", f"There is no work order {data.work_order!r}.")
    if data.operation is None:
        raise _refuse("operation_required", "Say which operation (its sequence number).")
    operation = order.operations.filter(sequence=data.operation).first()
    if operation is None:
        raise _refuse("unknown_operation", f"Work order {order} has no operation {data.operation}.")
    return order, operation


def _work_center(data: EventInput, operation: WorkOrderOperation | None) -> WorkCenter:
    if operation is not None:
        if data.work_center and data.work_center != operation.work_center.code:
            raise _refuse(
                "wrong_work_center",
                f"Operation {operation} runs at {operation.work_center.code}, "
                f"not {data.work_center}.",
            )
        return operation.work_center
    center = WorkCenter.objects.filter(code=data.work_center).first() if data.work_center else None
    if center is None:
        raise _refuse("unknown_work_center", f"There is no work center {data.work_center!r}.")
    return center


def _worker(data: EventInput) -> Worker | None:
    if not data.worker:
        if data.kind in NEEDS_WORKER:
            raise _refuse("worker_required", "Clocking on or off needs a worker.")
        return None
    worker = Worker.objects.filter(code=data.worker).first()
    if worker is None:
        raise _refuse("unknown_worker", f"There is no worker {data.worker!r}.")
    return worker


def _facts(events: Any) -> list[timeline.Fact]:
    return [
        timeline.Fact(
            kind=e.kind,
            at=e.at,
            seq=e.pk,
            good=e.quantity if e.kind == Kind.REPORT else ZERO,
            scrap=e.scrap_quantity,
            rework=e.rework_quantity,
            reason=e.reason,
            worker=e.worker_id,
        )
        for e in events
    ]


def derive(operation: WorkOrderOperation) -> timeline.State:
    """Recompute an operation's progress from all its events and store it on the operation."""
    state = timeline.fold(_facts(operation.events.order_by("at", "id")))
    operation.status = state.status
    operation.good_quantity = state.good
    operation.scrap_quantity = state.scrap
    operation.rework_quantity = state.rework
    operation.actual_start = state.actual_start
    operation.actual_end = state.actual_end
    operation.state_since = state.since
    operation.state_reason = state.reason[:40]
    operation.setup_seconds = round(state.seconds["setup"])
    operation.processing_seconds = round(state.seconds["processing"])
    operation.delay_seconds = round(state.seconds["delay"])
    operation.down_seconds = round(state.seconds["down"])
    operation.labour_seconds = round(state.labour)
    operation.save()
    return state


def _material_for(order: WorkOrder, data: EventInput) -> tuple[WorkOrderMaterial, Lot | None]:
    item = Item.objects.filter(sku=data.item).first() if data.item else None
    if item is None:
        raise _refuse("unknown_item", f"There is no item {data.item!r}.")
    material = (
        order.materials.select_for_update().select_related("component__uom").filter(component=item)
    ).first()
    if material is None:
        raise _refuse("unknown_material", f"{item.sku} is not a material of {order}.")
    lot = None
    if data.lot:
        lot = Lot.objects.filter(item=item, code=data.lot).first()
        if lot is None:
            raise _refuse("unknown_lot", f"{item.sku} has no lot {data.lot!r}.")
    return material, lot


def _location(data: EventInput) -> Location | None:
    if not data.location:
        return None
    location = Location.objects.filter(code=data.location).first()
    if location is None:
        raise _refuse("unknown_location", f"There is no location {data.location!r}.")
    return location


def _apply_to_order(
    user: Any,
    data: EventInput,
    order: WorkOrder,
    operation: WorkOrderOperation,
    good: Decimal,
    event: ProductionEvent,
) -> None:
    """Stock effects and order progress of one accepted event on an operation."""
    key = f"pe{event.pk}"
    if data.kind == Kind.CONSUME:
        material, lot = _material_for(order, data)
        if good <= 0:
            raise _refuse("invalid_quantity", "A consumption needs a quantity above zero.")
        materials.consume(
            user,
            order,
            material,
            quantity=good,
            lot=lot,
            location=_location(data),
            at=data.at,
            client_id=f"{key}/c",
        )
        event.item, event.lot = material.component, lot
        event.save(update_fields=["item", "lot"])
    if data.kind == Kind.REPORT and good > 0:
        total = operation.good_quantity + good
        materials.backflush(user, order, operation.sequence, total, data.at, key)
        last = order.operations.order_by("-sequence").values_list("sequence", flat=True).first()
        if operation.sequence == last:
            materials.receive_output(user, order, good, data.at, key)
    derive(operation)
    last_op = order.operations.order_by("-sequence").first()
    ops = order.operations.all()
    order.good_quantity = last_op.good_quantity if last_op else ZERO
    order.scrap_quantity = sum((o.scrap_quantity for o in ops), start=ZERO)
    if order.status == WorkOrder.Status.RELEASED:
        order.status = WorkOrder.Status.IN_PROGRESS
    order.save(update_fields=["good_quantity", "scrap_quantity", "status"])
    reserve(order)


def _admit_machine(center: WorkCenter, data: EventInput) -> None:
    earlier = ProductionEvent.objects.filter(
        work_center=center, operation__isnull=True, at__lte=data.at
    ).order_by("at", "id")
    down, _, _ = timeline.work_center_down(_facts(earlier))
    if data.kind == Kind.DOWNTIME_START and down:
        raise _refuse("invalid_transition", f"{center.code} is already down by then.")
    if data.kind == Kind.DOWNTIME_END and not down:
        raise _refuse("invalid_transition", f"{center.code} is not down by then.")


def _record(user: Any, data: EventInput) -> ProductionEvent:
    """Check, append and apply one event inside the caller's transaction."""
    _check_basics(data)
    good = _quantity(data.quantity, "quantity")
    scrap = _quantity(data.scrap, "scrap")
    rework = _quantity(data.rework, "rework")
    if data.kind == Kind.REPORT:
        if good + scrap + rework <= 0:
            raise _refuse("invalid_quantity", "A report needs a good, scrap or rework quantity.")
        if scrap > 0 and not data.reason.strip():
            raise _refuse("reason_required", "Scrap needs a reason code.")
    order, operation = _resolve_operation(data)
    worker = _worker(data)
    if order is not None and operation is not None:
        order = locked(order)
        allowed = OPEN_STATUSES | (
            {WorkOrder.Status.COMPLETED} if data.kind in AFTER_ORDER else set()
        )
        if order.status not in allowed:
            raise _refuse(
                "order_not_open",
                f"Work order {order} is {order.get_status_display().lower()}: "
                "it takes no shop-floor events.",
            )
        operation = WorkOrderOperation.objects.select_for_update().get(pk=operation.pk)
        if data.kind == Kind.REPORT:
            check_whole(order.item, good + scrap + rework)
        new = timeline.Fact(
            kind=data.kind, at=data.at, seq=2**62, good=good, worker=worker.pk if worker else None
        )
        refusal = timeline.admit(_facts(operation.events.order_by("at", "id")), new)
        if refusal is not None:
            raise _refuse(refusal.code, f"{operation}: {refusal.detail}")
    center = _work_center(data, operation)
    if operation is None:
        center = WorkCenter.objects.select_for_update().get(pk=center.pk)
        _admit_machine(center, data)
    is_machine = data.kind in MACHINE_KINDS
    event = ProductionEvent.objects.create(
        client_id=data.client_id.strip(),
        kind=data.kind,
        at=data.at,
        work_center=center,
        operation=operation,
        worker=worker,
        quantity=good,
        scrap_quantity=scrap,
        rework_quantity=rework,
        reason=data.reason.strip()[:40],
        downtime_class=(data.downtime_class or "unplanned") if is_machine else "",
        note=data.note[:200],
        user=user if getattr(user, "is_authenticated", False) else None,
    )
    if order is not None and operation is not None:
        _apply_to_order(user, data, order, operation, good, event)
    return event


def check_whole(item: Item, quantity: Decimal) -> None:
    """Output of an item counted in whole units must be whole."""
    if item.uom.whole_numbers and quantity != quantity.to_integral_value():
        raise _refuse("invalid_quantity", f"{item.sku} is counted in whole {item.uom.code}.")


def record_event(user: Any, data: EventInput) -> EventResult:
    """Record one event: its own transaction, never a half-write; a repeated id is a no-op."""
    client_id = (data.client_id or "").strip()
    found = ProductionEvent.objects.filter(client_id=client_id).first() if client_id else None
    if found is not None:
        return EventResult(client_id, "duplicate", "duplicate", "Already recorded.", found.pk)
    try:
        with transaction.atomic():
            event = _record(user, data)
    except DomainError as exc:
        return EventResult(client_id, "rejected", exc.code, exc.detail)
    except IntegrityError:
        # The same id committed by a concurrent retry between our look and our insert.
        found = ProductionEvent.objects.filter(client_id=client_id).first()
        if found is None:
            raise
        return EventResult(client_id, "duplicate", "duplicate", "Already recorded.", found.pk)
    return EventResult(client_id, "accepted", event_id=event.pk)


def record_batch(user: Any, batch: list[EventInput]) -> list[EventResult]:
    """Apply a batch in timestamp order (stable for equal times); results in the sent order."""

    def when(i: int) -> dt.datetime:
        at = batch[i].at
        return at.replace(tzinfo=dt.UTC) if timezone.is_naive(at) else at

    order = sorted(range(len(batch)), key=when)
    results: dict[int, EventResult] = {}
    for index in order:
        results[index] = record_event(user, batch[index])
    return [results[i] for i in range(len(batch))]
