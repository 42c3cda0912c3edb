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
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from andon.catalog.models import Item
from andon.core.errors import DomainError, ValidationFailed
from andon.inventory.models import Lot, StockBalance
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
DEADLOCK_RETRIES = 5
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


@dataclass
class _Lookups:
    """Names resolved once per batch: codes name the same rows for the whole request.

    Only the identity of records is kept (order and operation ids, workers, work centers); what
    can change (an order's status, an operation's progress) is always re-read under its lock.
    `recorded` holds the ids of the batch already in the ledger, found with one query when
    `prefetched` (a concurrent insert of the same id after that is caught by the unique index).
    """

    orders: dict[str, int] = field(default_factory=dict)
    operations: dict[tuple[int, int], int] = field(default_factory=dict)
    workers: dict[str, Worker] = field(default_factory=dict)
    centers: dict[int, WorkCenter] = field(default_factory=dict)
    recorded: dict[str, int] = field(default_factory=dict)
    prefetched: bool = False
    # Held for a whole batch, whose transaction keeps the orders locked (see `record_batch`):
    # each order read once under its lock, its operations, their events as facts, and the
    # sequences at which it backflushes. Dropped for an order when one of its events fails.
    held: dict[int, WorkOrder] = field(default_factory=dict)
    siblings: dict[int, list[WorkOrderOperation]] = field(default_factory=dict)
    facts: dict[int, list[timeline.Fact]] = field(default_factory=dict)
    backflush_at: dict[int, frozenset[int]] = field(default_factory=dict)
    current: int | None = None

    def forget(self, order_id: int | None) -> None:
        """Read the order again next time: a failed event may have left objects half-changed."""
        if order_id is None:
            return
        self.held.pop(order_id, None)
        self.backflush_at.pop(order_id, None)
        for op in self.siblings.pop(order_id, []):
            self.facts.pop(op.pk, None)


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


def _resolve_operation(data: EventInput, known: _Lookups) -> tuple[int | None, int | None]:
    """The ids of the order and operation the event names (checked, not yet locked)."""
    if not data.work_order:
        if data.kind in MACHINE_KINDS:
            return None, None
        raise _refuse("work_order_required", "Say which work order (work_order).")
    order = known.orders.get(data.work_order)
    if order is None:
        order = (
            WorkOrder.objects.filter(number=data.work_order).values_list("pk", flat=True).first()
        )
        if order is None:
            raise _refuse("unknown_work_order", f"There is no work order {data.work_order!r}.")
        known.orders[data.work_order] = order
    if data.operation is None:
        raise _refuse("operation_required", "Say which operation (its sequence number).")
    operation = known.operations.get((order, data.operation))
    if operation is None:
        operation = (
            WorkOrderOperation.objects.filter(work_order_id=order, sequence=data.operation)
            .values_list("pk", flat=True)
            .first()
        )
        if operation is None:
            raise _refuse(
                "unknown_operation",
                f"Work order {data.work_order} has no operation {data.operation}.",
            )
        known.operations[(order, data.operation)] = operation
    return order, operation


def _work_center(
    data: EventInput, operation: WorkOrderOperation | None, known: _Lookups
) -> WorkCenter:
    if operation is not None:
        center = known.centers.get(operation.work_center_id)
        if center is None:
            center = known.centers[operation.work_center_id] = operation.work_center
        if data.work_center and data.work_center != center.code:
            raise _refuse(
                "wrong_work_center",
                f"Operation {operation} runs at {center.code}, not {data.work_center}.",
            )
        return center
    center = WorkCenter.objects.filter(code=data.work_center).first() if data.work_center else None
    if center is None:
        raise _refuse("unknown_work_center", f"There is no work center {data.work_center!r}.")
    return center


def _worker(data: EventInput, known: _Lookups) -> Worker | None:
    if not data.worker:
        if data.kind in NEEDS_WORKER:
            raise _refuse("worker_required", "Clocking on or off needs a worker.")
        return None
    worker = known.workers.get(data.worker) or Worker.objects.filter(code=data.worker).first()
    if worker is None:
        raise _refuse("unknown_worker", f"There is no worker {data.worker!r}.")
    known.workers[data.worker] = worker
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


DERIVED_FIELDS = [
    "status",
    "good_quantity",
    "scrap_quantity",
    "rework_quantity",
    "actual_start",
    "actual_end",
    "state_since",
    "state_reason",
    "setup_seconds",
    "processing_seconds",
    "delay_seconds",
    "down_seconds",
    "labour_seconds",
]


def derive(operation: WorkOrderOperation) -> timeline.State:
    """Recompute an operation's progress from all its events and store it on the operation."""
    return _store(operation, timeline.fold(_facts(operation.events.order_by("at", "id"))))


def _store(operation: WorkOrderOperation, state: timeline.State) -> timeline.State:
    """Write a folded state onto the operation (the derived fields only)."""
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
    operation.save(update_fields=DERIVED_FIELDS)
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


def _backflushed_at(
    order: WorkOrder, ops: list[WorkOrderOperation], known: _Lookups
) -> frozenset[int]:
    """Sequences at which `materials.backflush` finds material to take (same rule as there)."""
    found = known.backflush_at.get(order.pk)
    if found is None:
        first = ops[0].sequence
        rows = order.materials.filter(backflush=True).values_list("operation_sequence", flat=True)
        found = known.backflush_at[order.pk] = frozenset(seq or first for seq in rows)
    return found


def _apply_to_order(
    user: Any,
    data: EventInput,
    order: WorkOrder,
    operation: WorkOrderOperation,
    ops: list[WorkOrderOperation],
    good: Decimal,
    event: ProductionEvent,
    facts: list[timeline.Fact],
    backflush_at: frozenset[int],
) -> None:
    """Stock effects and order progress of one accepted event on an operation.

    `ops` are the order's operations in sequence, `operation` among them; `facts` are the
    operation's events, this one included. Both were read under the order's lock, so the progress
    is refolded without reading the ledger again. `backflush_at` are the sequences at which the
    order backflushes material: a report elsewhere has nothing to backflush.
    """
    key = f"pe{event.pk}"
    moved = False
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
        moved = True
    if data.kind == Kind.REPORT and good > 0:
        if operation.sequence in backflush_at:
            total = operation.good_quantity + good
            materials.backflush(user, order, operation.sequence, total, data.at, key)
            moved = True
        if operation.sequence == ops[-1].sequence:
            materials.receive_output(user, order, good, data.at, key)
    _store(operation, timeline.fold(facts))
    changed = {
        "good_quantity": ops[-1].good_quantity,
        "scrap_quantity": sum((o.scrap_quantity for o in ops), start=ZERO),
    }
    if order.status == WorkOrder.Status.RELEASED:
        changed["status"] = WorkOrder.Status.IN_PROGRESS
        moved = True
    changed = {name: value for name, value in changed.items() if getattr(order, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(order, name, value)
        order.save(update_fields=list(changed))
    if moved:
        # Reservations follow issued quantities and the status; nothing else changes them.
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


def _locked(order_id: int, known: _Lookups) -> tuple[WorkOrder, list[WorkOrderOperation]]:
    """The order under its row lock, and its operations in sequence (read once per batch)."""
    order = known.held.get(order_id)
    if order is None:
        order = known.held[order_id] = locked(order_id)
        # Guarded by the order's lock like every writer of operations; locked too all the same.
        known.siblings[order_id] = list(
            WorkOrderOperation.objects.select_for_update()
            .filter(work_order_id=order_id)
            .order_by("sequence")
        )
    return order, known.siblings[order_id]


def _record(user: Any, data: EventInput, known: _Lookups) -> ProductionEvent:
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
    order_id, operation_id = _resolve_operation(data, known)
    worker = _worker(data, known)
    order = operation = None
    facts: list[timeline.Fact] = []
    siblings: list[WorkOrderOperation] = []
    if order_id is not None and operation_id is not None:
        known.current = order_id
        order, siblings = _locked(order_id, known)
        allowed = OPEN_STATUSES | (
            {WorkOrder.Status.COMPLETED} if data.kind in AFTER_ORDER else set()
        )
        if order.status not in allowed:
            raise _refuse(
                "order_not_open",
                f"Work order {order} is {order.get_status_display().lower()}: "
                "it takes no shop-floor events.",
            )
        operation = next(o for o in siblings if o.pk == operation_id)
        if data.kind == Kind.REPORT:
            check_whole(order.item, good + scrap + rework)
        new = timeline.Fact(
            kind=data.kind, at=data.at, seq=2**62, good=good, worker=worker.pk if worker else None
        )
        if operation.pk not in known.facts:
            known.facts[operation.pk] = _facts(operation.events.order_by("at", "id"))
        facts = known.facts[operation.pk]
        refusal = timeline.admit(facts, new)
        if refusal is not None:
            raise _refuse(refusal.code, f"{operation}: {refusal.detail}")
    center = _work_center(data, operation, known)
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
        fact = _facts([event])[0]
        at = _backflushed_at(order, siblings, known)
        _apply_to_order(user, data, order, operation, siblings, good, event, [*facts, fact], at)
        facts.append(fact)
    return event


def check_whole(item: Item, quantity: Decimal) -> None:
    """Output of an item counted in whole units must be whole."""
    if item.uom.whole_numbers and quantity != quantity.to_integral_value():
        raise _refuse("invalid_quantity", f"{item.sku} is counted in whole {item.uom.code}.")


def record_event(user: Any, data: EventInput, known: _Lookups | None = None) -> EventResult:
    """Record one event: its own transaction, never a half-write; a repeated id is a no-op."""
    known = known if known is not None else _Lookups()
    client_id = (data.client_id or "").strip()
    found = known.recorded.get(client_id)
    if found is None and client_id and not known.prefetched:
        found = (
            ProductionEvent.objects.filter(client_id=client_id).values_list("pk", flat=True).first()
        )
    if found is not None:
        return EventResult(client_id, "duplicate", "duplicate", "Already recorded.", found)
    known.current = None
    try:
        with transaction.atomic():
            event = _record(user, data, known)
    except DomainError as exc:
        known.forget(known.current)
        return EventResult(client_id, "rejected", exc.code, exc.detail)
    except IntegrityError:
        known.forget(known.current)
        # The same id committed by a concurrent retry between our look and our insert.
        found = (
            ProductionEvent.objects.filter(client_id=client_id).values_list("pk", flat=True).first()
        )
        if found is None:
            raise
        return EventResult(client_id, "duplicate", "duplicate", "Already recorded.", found)
    known.recorded[client_id] = event.pk
    return EventResult(client_id, "accepted", event_id=event.pk)


def _resolve_names(batch: list[EventInput], known: _Lookups) -> None:
    """The orders, operations and work centers a batch names, in two queries."""
    numbers = {e.work_order for e in batch if e.work_order}
    if not numbers:
        return
    rows = WorkOrderOperation.objects.filter(work_order__number__in=numbers).values_list(
        "work_order__number", "work_order_id", "sequence", "pk", "work_center_id"
    )
    centers = set()
    for number, order_id, sequence, pk, center_id in rows:
        known.orders[number] = order_id
        known.operations[(order_id, sequence)] = pk
        centers.add(center_id)
    known.centers.update(WorkCenter.objects.in_bulk(centers))


def _hold(batch: list[EventInput], known: _Lookups) -> None:
    """Lock the orders a batch names, in id order, with their operations; read their events.

    Three queries for the whole batch. Locking every order up front, always in the same order,
    means two batches naming the same orders queue instead of deadlocking on them.
    """
    order_ids = sorted({known.orders[e.work_order] for e in batch if e.work_order in known.orders})
    if not order_ids:
        return
    orders = (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("item__uom")
        .filter(pk__in=order_ids)
        .order_by("pk")
    )
    known.held.update((o.pk, o) for o in orders)
    first: dict[int, int] = {}
    siblings = (
        WorkOrderOperation.objects.select_for_update()
        .filter(work_order_id__in=order_ids)
        .order_by("work_order_id", "sequence")
    )
    for op in siblings:
        known.siblings.setdefault(op.work_order_id, []).append(op)
        first.setdefault(op.work_order_id, op.sequence)
    components: set[int] = set()
    backflush_at: dict[int, set[int]] = {pk: set() for pk in order_ids}
    rows = WorkOrderMaterial.objects.filter(work_order_id__in=order_ids).values_list(
        "work_order_id", "component_id", "backflush", "operation_sequence"
    )
    for order_id, component, backflush, sequence in rows:
        components.add(component)
        if backflush and order_id in first:
            backflush_at[order_id].add(sequence or first[order_id])
    known.backflush_at.update((pk, frozenset(seqs)) for pk, seqs in backflush_at.items())
    if transaction.get_connection().features.has_select_for_update:
        # The stock the batch may move, locked now in id order: the ledger locks each balance
        # as it posts, and two batches taking shared components in opposite order would
        # deadlock.
        held = known.held.values()
        items = components | {o.item_id for o in held}
        places = {o.supply_location_id for o in held} | {o.output_location_id for o in held}
        list(
            StockBalance.objects.select_for_update()
            .filter(item_id__in=items, location_id__in=places)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    named = {
        known.operations[key]
        for e in batch
        if e.work_order in known.orders and e.operation is not None
        for key in [(known.orders[e.work_order], e.operation)]
        if key in known.operations
    }
    grouped: dict[int, list[ProductionEvent]] = {pk: [] for pk in named}
    for event in ProductionEvent.objects.filter(operation_id__in=named).order_by("at", "id"):
        grouped[event.operation_id].append(event)  # type: ignore[index]
    known.facts.update((pk, _facts(rows)) for pk, rows in grouped.items())


def _deadlocked(exc: OperationalError) -> bool:
    """PostgreSQL chose this transaction as the victim of a deadlock (SQLSTATE 40P01)."""
    return getattr(exc.__cause__, "sqlstate", None) == "40P01"


def record_batch(user: Any, batch: list[EventInput]) -> list[EventResult]:
    """Apply a batch in timestamp order (stable for equal times); results in the sent order.

    Every event is still all or nothing on its own (a savepoint each: a rejected event leaves no
    trace and does not hold back the others), but the batch is one transaction: one commit, the
    named orders locked once up front, names, ids and each operation's events read once. If
    PostgreSQL breaks a deadlock (two batches taking the same stock balances in opposite order)
    by failing this batch, nothing of it was written and it is applied again.
    """

    def when(i: int) -> dt.datetime:
        at = batch[i].at
        return at.replace(tzinfo=dt.UTC) if timezone.is_naive(at) else at

    order = sorted(range(len(batch)), key=when)
    ids = {c for c in ((e.client_id or "").strip() for e in batch) if c}
    retry = not transaction.get_connection().in_atomic_block
    for attempt in range(1, DEADLOCK_RETRIES + 1):
        try:
            with transaction.atomic():
                known = _Lookups(
                    recorded=dict(
                        ProductionEvent.objects.filter(client_id__in=ids).values_list(
                            "client_id", "pk"
                        )
                    ),
                    prefetched=True,
                )
                _resolve_names(batch, known)
                _hold(batch, known)
                results = {index: record_event(user, batch[index], known) for index in order}
            return [results[i] for i in range(len(batch))]
        except OperationalError as exc:
            if not (retry and attempt < DEADLOCK_RETRIES and _deadlocked(exc)):
                raise
    raise AssertionError("unreachable")
