"""Shop-floor reporting: record events in the ledger, idempotently, by their own timestamp.

Each event is checked and applied whole or not at all: appended, its stock effects (backflush,
finished goods, consumption) posted and the operation's derived progress recomputed. A batch
applies its events in timestamp order, each on its own, so one bad event never holds back the
others; it is posted as one unit of work (`production.batch`). A `client_id` already in the
ledger answers `duplicate` and changes nothing; a refused event is not stored, so it can be
corrected and sent again with the same id.

Rules for late and out-of-order events are in `production.timeline` and docs/events-api.md.

Once a batch is posted, what other contexts act on is published as domain events
(`OperationReported`, `DowntimeStarted`, `DowntimeEnded`): delivered after the batch commits, once
however many times a deadlock or stock race made it start over, never for a duplicate.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from andon.catalog.models import Item
from andon.core.errors import DomainError
from andon.core.events import DomainEvent, publish
from andon.inventory import services as inventory
from andon.inventory.models import StockMove
from andon.people.models import Worker
from andon.plant.models import Location, WorkCenter
from andon.production import reasons, timeline
from andon.production.batch import (
    OPERATION_FIELDS,
    Balance,
    Batch,
    Held,
    Stock,
    StockRace,
    Track,
    facts_of,
    location_by_code,
    lot_by_code,
    refuse,
    short_of_stock,
    store_state,
)
from andon.production.domain_events import DowntimeEnded, DowntimeStarted, OperationReported
from andon.production.models import (
    OPEN_STATUSES,
    ProductionEvent,
    WorkOrder,
    WorkOrderMaterial,
    WorkOrderOperation,
)

Kind = ProductionEvent.Kind
ZERO = Decimal("0")
# How far ahead of the server clock an event may claim to be (terminals' clocks drift).
CLOCK_SKEW = dt.timedelta(minutes=5)
STATUSES = ("accepted", "duplicate", "rejected")
DEADLOCK_RETRIES = 5
KINDS = frozenset(Kind.values)  # `Kind.values` builds a new list on each use
DOWNTIME_CLASSES = frozenset(ProductionEvent.DowntimeClass.values)
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


def _quantity(value: Any, what: str) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    try:
        quantity = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        raise refuse("invalid_quantity", f"{what} {value!r} is not a number.") from None
    if not quantity.is_finite():
        raise refuse("invalid_quantity", f"{what} must be a number.")
    if quantity < 0:
        raise refuse("invalid_quantity", f"{what} cannot be negative.")
    if quantity != quantity.quantize(Decimal("0.0001")):
        raise refuse("invalid_quantity", f"{what} has more than 4 decimal places.")
    return quantity


def _check_basics(data: EventInput) -> None:
    client_id = (data.client_id or "").strip()
    if not client_id or len(client_id) > 64:
        raise refuse("invalid_client_id", "client_id must be 1 to 64 characters.")
    if data.kind not in KINDS:
        raise refuse("invalid_kind", f"Unknown kind of event {data.kind!r}.")
    if timezone.is_naive(data.at):
        raise refuse("invalid_timestamp", "The timestamp needs a time zone (e.g. Z or +01:00).")
    if data.at > timezone.now() + CLOCK_SKEW:
        raise refuse("future_timestamp", "The timestamp is in the future: check the clock.")
    if data.kind in NEEDS_REASON and not data.reason.strip():
        raise refuse("reason_required", f"A {Kind(data.kind).label.lower()} needs a reason code.")
    if data.downtime_class and data.downtime_class not in DOWNTIME_CLASSES:
        raise refuse("invalid_downtime_class", "downtime_class is planned or unplanned.")


def _worker(data: EventInput, batch: Batch) -> Worker | None:
    if not data.worker:
        if data.kind in NEEDS_WORKER:
            raise refuse("worker_required", "Clocking on or off needs a worker.")
        return None
    worker = batch.workers.get(data.worker)
    if worker is None:
        raise refuse("unknown_worker", f"There is no worker {data.worker!r}.")
    return worker


def _operation(data: EventInput, batch: Batch) -> tuple[Held, WorkOrderOperation]:
    """The order (under its lock) and operation the event names."""
    order_id = batch.orders.get(data.work_order)
    if order_id is None:
        raise refuse("unknown_work_order", f"There is no work order {data.work_order!r}.")
    if data.operation is None:
        raise refuse("operation_required", "Say which operation (its sequence number).")
    operation_id = batch.operations.get((order_id, data.operation))
    if operation_id is None:
        raise refuse(
            "unknown_operation", f"Work order {data.work_order} has no operation {data.operation}."
        )
    held = batch.held[order_id]
    operation = next(o for o in held.operations if o.pk == operation_id)
    return held, operation


def _admit_to_order(
    data: EventInput, held: Held, operation: WorkOrderOperation, batch: Batch, new: timeline.Fact
) -> None:
    order = held.order
    allowed = OPEN_STATUSES | ({WorkOrder.Status.COMPLETED} if data.kind in AFTER_ORDER else set())
    if order.status not in allowed:
        raise refuse(
            "order_not_open",
            f"Work order {order} is {order.get_status_display().lower()}: "
            "it takes no shop-floor events.",
        )
    refusal = batch.track(operation, new).admit(new)
    if refusal is not None:
        raise refuse(refusal.code, f"{operation}: {refusal.detail}")
    center = batch.centers[operation.work_center_id]
    if data.work_center and data.work_center != center.code:
        raise refuse(
            "wrong_work_center",
            f"Operation {operation} runs at {center.code}, not {data.work_center}.",
        )


def _consumption(
    data: EventInput, held: Held, quantity: Decimal, batch: Batch
) -> tuple[WorkOrderMaterial, Balance, Location]:
    """The material, lot and place a `consume` event takes from, checked against stock."""
    material = next((m for m in held.materials if m.component.sku == data.item), None)
    if material is None:
        if not data.item or not Item.objects.filter(sku=data.item).exists():
            raise refuse("unknown_item", f"There is no item {data.item!r}.")
        raise refuse("unknown_material", f"{data.item} is not a material of {held.order}.")
    component = material.component
    lot = None
    if data.lot:
        lot = lot_by_code(component, data.lot)
        if lot is None:
            raise refuse("unknown_lot", f"{component.sku} has no lot {data.lot!r}.")
    if quantity <= 0:
        raise refuse("invalid_quantity", "A consumption needs a quantity above zero.")
    location = held.order.supply_location
    if data.location:
        found = location_by_code(data.location)
        if found is None:
            raise refuse("unknown_location", f"There is no location {data.location!r}.")
        location = found
    inventory.check_quantity(component, quantity)
    inventory.check_lot(component, lot)
    balance = batch.stock.get(component, location, lot)
    if quantity > balance.quantity and not component.allow_negative_stock:
        raise short_of_stock(component, balance, location, quantity)
    return material, balance, location


def _machine_event(data: EventInput, batch: Batch, worker: Worker | None) -> ProductionEvent:
    """A work center down or up with no order: checked and written at once, under its lock."""
    center = WorkCenter.objects.filter(code=data.work_center).first() if data.work_center else None
    if center is None:
        raise refuse("unknown_work_center", f"There is no work center {data.work_center!r}.")
    center = WorkCenter.objects.select_for_update().get(pk=center.pk)
    earlier = ProductionEvent.objects.filter(
        work_center=center, operation__isnull=True, at__lte=data.at
    ).order_by("at", "id")
    down, _, _ = timeline.work_center_down(facts_of(earlier))
    if data.kind == Kind.DOWNTIME_START and down:
        raise refuse("invalid_transition", f"{center.code} is already down by then.")
    if data.kind == Kind.DOWNTIME_END and not down:
        raise refuse("invalid_transition", f"{center.code} is not down by then.")
    return ProductionEvent.objects.create(
        **_event_fields(data, batch, worker, ZERO, ZERO, ZERO), work_center=center
    )


def _event_fields(
    data: EventInput,
    batch: Batch,
    worker: Worker | None,
    good: Decimal,
    scrap: Decimal,
    rework: Decimal,
) -> dict[str, Any]:
    is_machine = data.kind in MACHINE_KINDS
    return {
        "client_id": data.client_id.strip(),
        "kind": data.kind,
        "at": data.at,
        "worker": worker,
        "quantity": good,
        "scrap_quantity": scrap,
        "rework_quantity": rework,
        "reason": data.reason.strip()[:40],
        "downtime_class": (
            data.downtime_class or batch.downtime_classes.get(data.reason.strip()) or "unplanned"
        )
        if is_machine
        else "",
        "note": data.note[:200],
        "user": batch.acting_user,
    }


def _decide(data: EventInput, batch: Batch) -> int | ProductionEvent:
    """Check one event against the batch's state and apply it there.

    Returns the index of the new event among the batch's events (written by `flush`), or the
    event itself when it was written at once (machine events). Every check comes before the
    first change, so a refused event leaves the batch's state as it was.
    """
    _check_basics(data)
    good = _quantity(data.quantity, "quantity")
    scrap = _quantity(data.scrap, "scrap")
    rework = _quantity(data.rework, "rework")
    if data.kind == Kind.REPORT:
        if good + scrap + rework <= 0:
            raise refuse("invalid_quantity", "A report needs a good, scrap or rework quantity.")
        if scrap > 0 and not data.reason.strip():
            raise refuse("reason_required", "Scrap needs a reason code.")
    if not data.work_order:
        if data.kind not in MACHINE_KINDS:
            raise refuse("work_order_required", "Say which work order (work_order).")
        return _machine_event(data, batch, _worker(data, batch))
    held, operation = _operation(data, batch)
    worker = _worker(data, batch)
    if data.kind == Kind.REPORT:
        check_whole(held.order.item, good + scrap + rework)
    new = timeline.Fact(
        kind=data.kind, at=data.at, seq=2**63, good=good, worker=worker.pk if worker else None
    )
    _admit_to_order(data, held, operation, batch, new)
    fields = _event_fields(data, batch, worker, good, scrap, rework)
    if data.kind == Kind.CONSUME:
        material, balance, _ = _consumption(data, held, good, batch)
        event = ProductionEvent(
            **fields,
            work_center_id=operation.work_center_id,
            operation=operation,
            item=material.component,
            lot_id=balance.lot_id,
        )
        index = batch.append(event, batch.tracks[operation.pk])
        batch.consume(
            held,
            material,
            [(balance, good)],
            kind=StockMove.Kind.ISSUE,
            at=data.at,
            event=index,
            suffix="/c",
            numbered=False,
        )
    else:
        takes = []
        if data.kind == Kind.REPORT and good > 0 and held.backflushes_at(operation.sequence):
            takes = batch.backflush_takes(held, operation.sequence, operation.good_quantity + good)
        event = ProductionEvent(
            **fields, work_center_id=operation.work_center_id, operation=operation
        )
        index = batch.append(event, batch.tracks[operation.pk])
        for material, lots in takes:
            batch.consume(
                held,
                material,
                lots,
                kind=StockMove.Kind.BACKFLUSH,
                at=data.at,
                event=index,
                suffix=f"/bf{material.pk}",
                numbered=material.component.lot_tracked,
            )
        if data.kind == Kind.REPORT and good > 0 and operation.pk == held.operations[-1].pk:
            batch.receive_output(held, good, data.at, index)
    batch.progress(held, operation)
    return index


def check_whole(item: Item, quantity: Decimal) -> None:
    """Output of an item counted in whole units must be whole."""
    if item.uom.whole_numbers and quantity != quantity.to_integral_value():
        raise refuse("invalid_quantity", f"{item.sku} is counted in whole {item.uom.code}.")


def derive(operation: WorkOrderOperation) -> timeline.State:
    """Recompute an operation's progress from all its events and store it on the operation."""
    track = Track.folded(facts_of(operation.events.order_by("at", "id")))
    store_state(operation, track.state)
    operation.fold_state = track.kept(lambda seq: seq)
    operation.save(update_fields=[*OPERATION_FIELDS, "fold_state"])
    return track.state


def record_event(user: Any, data: EventInput) -> EventResult:
    """Record one event: all or nothing, and a repeated id is a no-op."""
    return record_batch(user, [data])[0]


def _deadlocked(exc: OperationalError) -> bool:
    """PostgreSQL chose this transaction as the victim of a deadlock (SQLSTATE 40P01)."""
    return getattr(exc.__cause__, "sqlstate", None) == "40P01"


def domain_event_of(
    event: ProductionEvent, work_order: str, work_center: str
) -> DomainEvent | None:
    """The domain event an accepted shop-floor event tells other contexts, if any."""
    operation = event.operation.sequence if event.operation is not None else None
    if event.kind == Kind.REPORT and event.operation is not None:
        return OperationReported(
            event_id=event.pk,
            at=event.at,
            work_order=work_order,
            operation=event.operation.sequence,
            work_center=work_center,
            good=event.quantity,
            scrap=event.scrap_quantity,
            rework=event.rework_quantity,
            reason=event.reason,
            worker=event.worker.code if event.worker is not None else "",
        )
    if event.kind in (Kind.DOWNTIME_START, Kind.DOWNTIME_END):
        downtime = DowntimeStarted if event.kind == Kind.DOWNTIME_START else DowntimeEnded
        return downtime(
            event_id=event.pk,
            at=event.at,
            work_center=work_center,
            reason=event.reason,
            downtime_class=event.downtime_class,
            work_order=work_order,
            operation=operation,
        )
    return None


def _post(
    user: Any, batch: list[EventInput], order: list[int], locking: bool
) -> tuple[dict[int, EventResult], list[DomainEvent]]:
    """One attempt: read, decide each event in timestamp order, write; inside a transaction.

    Returns each event's result by its position in `batch`, and the domain events to publish
    for the accepted ones, in the order they were applied.
    """
    ids = {c for c in ((e.client_id or "").strip() for e in batch) if c}
    recorded = dict(
        ProductionEvent.objects.filter(client_id__in=ids).values_list("client_id", "pk")
    )
    state = Batch(user, stock=Stock(locking))
    state.downtime_classes = reasons.downtime_classes(
        e.reason.strip() for e in batch if e.kind in MACHINE_KINDS and not e.downtime_class
    )
    state.read(
        {e.work_order for e in batch if e.work_order},
        {e.worker for e in batch if e.worker},
    )
    earliest: dict[int, dt.datetime] = {}
    for e in batch:
        if (e.client_id or "").strip() in recorded:
            continue  # a resend changes nothing: its old timestamp must not force a refold
        key = (state.orders.get(e.work_order, 0), e.operation or 0)
        if key in state.operations and not timezone.is_naive(e.at):
            pk = state.operations[key]
            earliest[pk] = min(earliest.get(pk, e.at), e.at)
    state.read_progress(set(earliest), earliest)
    results: dict[int, EventResult] = {}
    pending: dict[int, int] = {}  # batch position -> index among new events
    accepted: list[tuple[int, ProductionEvent]] = []  # in the order applied
    for position in order:
        data = batch[position]
        client_id = (data.client_id or "").strip()
        if client_id in recorded:
            results[position] = EventResult(
                client_id, "duplicate", "duplicate", "Already recorded.", recorded[client_id]
            )
            continue
        try:
            outcome = _decide(data, state)
        except DomainError as exc:
            results[position] = EventResult(client_id, "rejected", exc.code, exc.detail)
            continue
        if isinstance(outcome, ProductionEvent):
            recorded[client_id] = outcome.pk
            results[position] = EventResult(client_id, "accepted", event_id=outcome.pk)
            accepted.append((position, outcome))
        else:
            recorded[client_id] = -1  # a second copy in this batch is a duplicate of this one
            pending[position] = outcome
            accepted.append((position, state.events[outcome]))
    state.flush()
    for position, index in pending.items():
        pk = state.events[index].pk
        results[position] = EventResult(batch[position].client_id.strip(), "accepted", event_id=pk)
    for position, result in results.items():
        if result.status == "duplicate" and result.event_id == -1:
            first = next(
                r
                for p, r in results.items()
                if r.status == "accepted" and r.client_id == result.client_id
            )
            results[position] = EventResult(
                result.client_id, "duplicate", "duplicate", "Already recorded.", first.event_id
            )
    happened = []
    for position, event in accepted:
        center = state.centers.get(event.work_center_id) or event.work_center
        fact = domain_event_of(event, batch[position].work_order, center.code)
        if fact is not None:
            happened.append(fact)
    return results, happened


def record_batch(user: Any, batch: list[EventInput]) -> list[EventResult]:
    """Apply a batch in timestamp order (stable for equal times); results in the sent order.

    Every event is accepted or refused on its own: a refused event leaves no trace and does not
    hold back the others. The batch is one transaction (see `production.batch`). If a concurrent
    retry committed one of its ids first, or PostgreSQL broke a deadlock by failing this batch,
    nothing of it was written and it is applied again; the second time the id answers
    `duplicate`. Stock is read without locks first and checked when written; if another
    batch moved it too far meanwhile (`StockRace`), the batch is posted again under locks.

    The domain events of the accepted events are published once the attempt that wrote them
    has succeeded, so an attempt thrown away tells nobody anything.
    """

    def when(i: int) -> dt.datetime:
        at = batch[i].at
        return at.replace(tzinfo=dt.UTC) if timezone.is_naive(at) else at

    order = sorted(range(len(batch)), key=when)
    retry = not transaction.get_connection().in_atomic_block
    locking = not retry  # inside someone else's transaction there is no starting over
    for attempt in range(1, DEADLOCK_RETRIES + 1):
        try:
            with transaction.atomic():
                results, happened = _post(user, batch, order, locking)
            for fact in happened:
                publish(fact)
            return [results[i] for i in range(len(batch))]
        except StockRace:
            locking = True
        except IntegrityError:
            if not (retry and attempt < DEADLOCK_RETRIES):
                raise
        except OperationalError as exc:
            if not (retry and attempt < DEADLOCK_RETRIES and _deadlocked(exc)):
                raise
    raise AssertionError("unreachable")
