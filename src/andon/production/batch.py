"""A batch of shop-floor events posted as one unit of work: read once, decided in memory, written
in a few set-based statements.

A terminal's queue or a PLC gateway sends tens of events at a time. Posting them one by one
through the ORM cost about ten queries per event (the event, each stock move with its balance and
idempotency look-up, each material, the operation, the order, the reservations), and that, not
the rules, capped throughput. Here a batch reads what it needs up front (the orders under their
locks, their operations and materials, where each operation's fold stands, the stock they may
move, unlocked and checked when written), decides every event in timestamp order against that
state in memory, and writes at the end: one insert of the events, the stock moves as one batch
through the stock ledger (`production.stock`, which posts them with `inventory.ledger.post_moves`:
production never writes a balance), one insert of the genealogy links, and one update per kind of
row changed. The rules are the same as for a single event (`production.timeline`, the stock
ledger's never-below-zero check, backflush first in, first out); an event that breaks one is
refused before it changes anything in memory, so the others go on. An operation's fold lives in
`production.progress`, the reservation rule in `production.reservations` (docs/adr/0008).

Machine events with no order (a work center down or up) are rare and go straight to the database
under the work center's lock, inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal
from typing import Any

from django.db.models import OuterRef, Subquery

from andon.catalog.models import Item, UnitOfMeasure
from andon.core.bulk import insert_rows, update_rows
from andon.core.errors import Problem, ValidationFailed
from andon.inventory import services as inventory
from andon.inventory.models import Lot, StockMove
from andon.people.models import Worker
from andon.plant.models import Location, WorkCenter
from andon.production import reservations, timeline
from andon.production.models import (
    LotLink,
    ProductionEvent,
    WorkOrder,
    WorkOrderMaterial,
    WorkOrderOperation,
)
from andon.production.progress import (
    OPERATION_FIELDS,
    PROVISIONAL_SEQ,
    Track,
    facts_of,
    store_state,
)
from andon.production.stock import (
    Balance,
    BalanceKey,
    PendingMove,
    Stock,
    StockRace,
    short_of_stock,
)

# Names other modules import from here, where they were defined before the split.
__all__ = [
    "OPERATION_FIELDS",
    "Balance",
    "BalanceKey",
    "Batch",
    "Held",
    "PendingMove",
    "Stock",
    "StockRace",
    "Track",
    "facts_of",
    "location_by_code",
    "lot_by_code",
    "refuse",
    "short_of_stock",
    "store_state",
]

Kind = ProductionEvent.Kind
MoveKind = StockMove.Kind
ZERO = Decimal("0")
PLACES = Decimal("0.0001")
ORDER_FIELDS = ("status", "good_quantity", "scrap_quantity")
MATERIAL_FIELDS = ("issued_quantity", "reserved_quantity")


def refuse(code: str, detail: str, problems: list[Problem] | None = None) -> ValidationFailed:
    return ValidationFailed(detail, problems, code=code)


# --- orders ----------------------------------------------------------------------------------


@dataclass
class Held:
    """A work order under its lock, with its operations in sequence and its materials."""

    order: WorkOrder
    operations: list[WorkOrderOperation]
    materials: list[WorkOrderMaterial]
    output: Lot | None = None
    output_known: bool = False
    moved: bool = False  # material issued or status changed: reservations to recompute

    @property
    def first_sequence(self) -> int:
        return self.operations[0].sequence

    def backflushes_at(self, sequence: int) -> bool:
        first = self.first_sequence
        return any(
            m.backflush and (m.operation_sequence or first) == sequence for m in self.materials
        )


@dataclass
class Batch:
    """What one batch has read and decided; `flush` writes it."""

    user: Any
    orders: dict[str, int] = field(default_factory=dict)  # number -> id
    operations: dict[tuple[int, int], int] = field(default_factory=dict)  # (order, seq) -> id
    centers: dict[int, WorkCenter] = field(default_factory=dict)
    workers: dict[str, Worker] = field(default_factory=dict)
    held: dict[int, Held] = field(default_factory=dict)
    tracks: dict[int, Track] = field(default_factory=dict)  # operation -> its fold
    stock: Stock = field(default_factory=Stock)
    events: list[ProductionEvent] = field(default_factory=list)
    links: list[LotLink] = field(default_factory=list)
    changed_operations: dict[int, WorkOrderOperation] = field(default_factory=dict)
    changed_orders: dict[int, WorkOrder] = field(default_factory=dict)
    changed_materials: dict[int, WorkOrderMaterial] = field(default_factory=dict)
    downtime_classes: dict[str, str] = field(default_factory=dict)  # defined downtime reasons

    @property
    def acting_user(self) -> Any:
        return self.user if getattr(self.user, "is_authenticated", False) else None

    # --- reading ---------------------------------------------------------------------------

    def read(self, numbers: set[str], worker_codes: set[str]) -> None:
        """Names, locked orders, their operations, materials and events, and their stock."""
        if worker_codes:
            self.workers = {w.code: w for w in Worker.objects.filter(code__in=worker_codes)}
        if not numbers:
            return
        # Locked in id order, like every writer of orders, so concurrent batches queue.
        orders = WorkOrder.objects.select_for_update().filter(number__in=numbers).order_by("pk")
        for order in orders:
            self.orders[order.number] = order.pk
            self.held[order.pk] = Held(order, [], [])
        if not self.held:
            return
        order_ids = list(self.held)
        operations = (
            WorkOrderOperation.objects.select_for_update()
            .filter(work_order_id__in=order_ids)
            .defer("fold_state")  # read for the operations named, with their latest event
            .order_by("work_order_id", "sequence")
        )
        for op in operations:
            held_order = self.held[op.work_order_id]
            op.work_order = held_order.order  # names in refusals without a query each
            held_order.operations.append(op)
            self.operations[(op.work_order_id, op.sequence)] = op.pk
        self.centers = WorkCenter.objects.in_bulk(
            {op.work_center_id for h in self.held.values() for op in h.operations}
        )
        materials = list(
            WorkOrderMaterial.objects.select_for_update(of=("self",))
            .filter(work_order_id__in=order_ids)
            .order_by("work_order_id", "component__sku")
        )
        # Bills share most components: each item is built once, not once per order using it,
        # and the plant's few units once, not once per item.
        items = Item.objects.in_bulk(
            {m.component_id for m in materials} | {h.order.item_id for h in self.held.values()}
        )
        units = UnitOfMeasure.objects.in_bulk({i.uom_id for i in items.values()})
        for item in items.values():
            item.uom = units[item.uom_id]
        for held_order in self.held.values():
            held_order.order.item = items[held_order.order.item_id]
        components: set[int] = set()
        for material in materials:
            material.component = items[material.component_id]
            self.held[material.work_order_id].materials.append(material)
            components.add(material.component_id)
        held = self.held.values()
        self.stock.load(
            components | {h.order.item_id for h in held},
            {h.order.supply_location_id for h in held} | {h.order.output_location_id for h in held},
        )

    def read_progress(self, operation_ids: set[int], earliest: dict[int, dt.datetime]) -> None:
        """Each named operation's fold: resumed from the state kept with it when that state folded
        every stored event and the batch brings none earlier than its latest; else folded again
        from all of the operation's events (read in one query for all such operations).

        `earliest` is the earliest timestamp the batch brings per operation."""
        if not operation_ids:
            return
        # One index probe per operation (event_operation_id_idx); grouping all their events
        # for MAX(id) read every event of every operation, and grew with the history.
        # The kept fold is read here, for the operations the batch names, not with every
        # operation of the locked orders: decoding it is most of what reading an operation costs.
        latest = ProductionEvent.objects.filter(operation_id=OuterRef("pk")).order_by("-id")
        kept: dict[int, dict[str, Any]] = {}
        highest: dict[int, int] = {}
        for pk, top, fold in (
            WorkOrderOperation.objects.filter(pk__in=operation_ids)
            .annotate(top=Subquery(latest.values("id")[:1]))
            .values_list("pk", "top", "fold_state")
        ):
            kept[pk] = fold
            if top is not None:
                highest[pk] = top
        refold = set()
        for pk in operation_ids:
            track = Track.resumed(kept[pk], highest.get(pk, 0))
            if track is None and pk not in highest:
                track = Track.folded([])  # no events yet
            if track is not None and track.key is not None and earliest[pk] < track.key[0]:
                track = None  # a late event: the fold starts over from every event
            if track is None:
                refold.add(pk)
            else:
                self.tracks[pk] = track
        for pk, facts in self._facts(refold).items():
            self.tracks[pk] = Track.folded(facts)

    def _facts(self, operation_ids: set[int]) -> dict[int, list[timeline.Fact]]:
        """Every event of the operations as the fold needs them (plain rows, no model objects)."""
        found: dict[int, list[timeline.Fact]] = {pk: [] for pk in operation_ids}
        if not operation_ids:
            return found
        rows = (
            ProductionEvent.objects.filter(operation_id__in=operation_ids)
            .order_by("at", "id")
            .values_list(
                "operation_id",
                "kind",
                "at",
                "pk",
                "quantity",
                "scrap_quantity",
                "rework_quantity",
                "reason",
                "worker_id",
            )
        )
        for operation, kind, at, pk, good, scrap, rework, reason, worker in rows:
            found[operation].append(
                timeline.Fact(
                    kind=kind,
                    at=at,
                    seq=pk,
                    good=good if kind == Kind.REPORT else ZERO,
                    scrap=scrap,
                    rework=rework,
                    reason=reason,
                    worker=worker,
                )
            )
        return found

    def track(self, operation: WorkOrderOperation, new: timeline.Fact) -> Track:
        """The operation's fold, able to take `new` (its events read if `new` comes late)."""
        track = self.tracks[operation.pk]
        if not track.in_order(new) and track.facts is None:
            stored = self._facts({operation.pk})[operation.pk]
            track.facts = [*stored, *track.pending]
        return track

    def output_lot(self, held: Held) -> Lot | None:
        """The order's output lot, created on first use (as a receipt by hand would)."""
        if not held.output_known:
            held.output = (
                inventory.lot_for_receipt(
                    self.user, held.order.item, None, held.order.lot_code, None, ""
                )
                if held.order.item.lot_tracked
                else None
            )
            held.output_known = True
        return held.output

    # --- deciding --------------------------------------------------------------------------

    def append(self, event: ProductionEvent, track: Track | None) -> int:
        """Keep a new event; its fact joins the operation's fold. Returns its index."""
        self.events.append(event)
        index = len(self.events) - 1
        if track is not None:
            fact = facts_of([event])[0]
            track.add(timeline.Fact(**{**fact.__dict__, "seq": PROVISIONAL_SEQ + index}))
        return index

    def consume(
        self,
        held: Held,
        material: WorkOrderMaterial,
        takes: Sequence[tuple[Balance, Decimal]],
        *,
        kind: str,
        at: dt.datetime,
        event: int,
        suffix: str,
        numbered: bool,
    ) -> None:
        """Book checked takes of one material: moves, balances, issued quantity, genealogy.

        `numbered` gives each take's move its own name (`<suffix>.<n>`), as lots taken first in,
        first out need.
        """
        for n, (balance, quantity) in enumerate(takes):
            self.stock.move(
                balance,
                material.component,
                -quantity,
                kind=kind,
                reference=held.order.number,
                at=at,
                event=event,
                suffix=f"{suffix}.{n}" if numbered else suffix,
            )
            material.issued_quantity += quantity
            self.changed_materials[material.pk] = material
            if balance.lot_id is not None:
                self.links.append(
                    LotLink(
                        work_order=held.order,
                        parent_lot=self.output_lot(held),
                        component_lot_id=balance.lot_id,
                        quantity=quantity,
                        at=at,
                    )
                )
        held.moved = True

    def backflush_takes(
        self, held: Held, sequence: int, good_total: Decimal
    ) -> list[tuple[WorkOrderMaterial, list[tuple[Balance, Decimal]]]]:
        """What backflush takes for `good_total` units reported at `sequence`, checked, unbooked.

        Each component is brought up to its standard quantity for the good output; what was
        already issued (by hand, by a scan, by earlier reports) counts first. Lots are taken
        first in, first out at the supply location; if they cannot cover it the report is
        refused whole.
        """
        order = held.order
        first = held.first_sequence
        plan = []
        for material in held.materials:
            if not material.backflush or (material.operation_sequence or first) != sequence:
                continue
            component = material.component
            target = (material.quantity_per * good_total).quantize(PLACES, rounding=ROUND_UP)
            if component.uom.whole_numbers:
                target = target.to_integral_value(rounding=ROUND_UP)
            quantity = target - material.issued_quantity
            if quantity <= 0:
                continue
            if not component.lot_tracked:
                balance = self.stock.get(component, order.supply_location_id, None)
                if quantity > balance.quantity and not component.allow_negative_stock:
                    raise short_of_stock(component, balance, order.supply_location, quantity)
                plan.append((material, [(balance, quantity)]))
                continue
            takes, remaining = [], quantity
            for balance in self.stock.lots_first_in(component, order.supply_location_id):
                take = min(balance.quantity, remaining)
                takes.append((balance, take))
                remaining -= take
                if remaining <= 0:
                    break
            if remaining > 0:
                raise refuse(
                    "insufficient_stock",
                    f"Backflush of {component.sku} for {order}: "
                    f"{inventory.fmt(remaining)} {component.uom.code} more than the lots "
                    f"at {order.supply_location.code} hold.",
                    [Problem(message="Not enough stock to backflush.", column="quantity")],
                )
            plan.append((material, takes))
        return plan

    def receive_output(self, held: Held, good: Decimal, at: dt.datetime, event: int) -> None:
        order = held.order
        lot = self.output_lot(held)
        balance = self.stock.get(order.item, order.output_location_id, lot)
        self.stock.move(
            balance,
            order.item,
            good,
            kind=MoveKind.PRODUCTION,
            reference=order.number,
            at=at,
            event=event,
            suffix="/fg",
            lot=lot,
        )

    def progress(self, held: Held, operation: WorkOrderOperation) -> None:
        """Put the operation's fold on it and carry its output up to the order."""
        store_state(operation, self.tracks[operation.pk].state)
        self.changed_operations[operation.pk] = operation
        order = held.order
        changed = {
            "good_quantity": held.operations[-1].good_quantity,
            "scrap_quantity": sum((o.scrap_quantity for o in held.operations), start=ZERO),
        }
        if order.status == WorkOrder.Status.RELEASED:
            changed["status"] = WorkOrder.Status.IN_PROGRESS
            held.moved = True
        for name, value in changed.items():
            if getattr(order, name) != value:
                setattr(order, name, value)
                self.changed_orders[order.pk] = order

    # --- writing ---------------------------------------------------------------------------

    def flush(self) -> None:
        """Write everything decided: a handful of statements whatever the batch's size."""
        for held in self.held.values():
            if held.moved:
                for material in reservations.hold(held.order, held.materials):
                    self.changed_materials[material.pk] = material
        created = self.events
        insert_rows(ProductionEvent, created)
        self.stock.post(self.user, lambda event: int(created[event].pk))
        insert_rows(LotLink, self.links)
        update_rows(WorkOrderMaterial, MATERIAL_FIELDS, self.changed_materials.values())

        def real_id(seq: int) -> int:
            return int(created[seq - PROVISIONAL_SEQ].pk) if seq >= PROVISIONAL_SEQ else seq

        for pk, operation in self.changed_operations.items():
            operation.fold_state = self.tracks[pk].kept(real_id)
        update_rows(
            WorkOrderOperation, (*OPERATION_FIELDS, "fold_state"), self.changed_operations.values()
        )
        update_rows(WorkOrder, ORDER_FIELDS, self.changed_orders.values())


def lot_by_code(item: Item, code: str) -> Lot | None:
    return Lot.objects.filter(item=item, code=code).first()


def location_by_code(code: str) -> Location | None:
    return Location.objects.filter(code=code).first()
