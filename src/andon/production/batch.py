"""A batch of shop-floor events posted as one unit of work: read once, decided in memory, written
in a few set-based statements.

A terminal's queue or a PLC gateway sends tens of events at a time. Posting them one by one
through the ORM cost about ten queries per event (the event, each stock move with its balance and
idempotency look-up, each material, the operation, the order, the reservations), and that, not
the rules, capped throughput. Here a batch reads what it needs up front (the orders under their
locks, their operations and materials, where each operation's fold stands, the stock they may
move, unlocked and checked when written), decides every event in timestamp order against that
state in memory, and writes at the end: one insert of
the events, one of the stock moves, one of the genealogy links, and one update per kind of row
changed. The rules are the same as for a single event (`production.timeline`, the stock ledger's
never-below-zero check, backflush first in, first out); an event that breaks one is refused before
it changes anything in memory, so the others go on.

Machine events with no order (a work center down or up) are rare and go straight to the database
under the work center's lock, inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal
from typing import Any

from django.db.models import OuterRef, Subquery

from andon.catalog.models import Item, UnitOfMeasure
from andon.core.bulk import insert_rows, update_rows
from andon.core.errors import Problem, ValidationFailed
from andon.inventory import services as inventory
from andon.inventory.models import Lot, StockBalance, StockMove
from andon.people.models import Worker
from andon.plant.models import Location, WorkCenter
from andon.production import timeline
from andon.production.models import (
    OPEN_STATUSES,
    LotLink,
    ProductionEvent,
    WorkOrder,
    WorkOrderMaterial,
    WorkOrderOperation,
)

Kind = ProductionEvent.Kind
MoveKind = StockMove.Kind
ZERO = Decimal("0")
PLACES = Decimal("0.0001")
# Provisional tie-breakers for events not yet inserted: above every stored id, in arrival order.
PROVISIONAL_SEQ = 2**62
BalanceKey = tuple[int, int, int | None]  # item, location, lot
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

OPERATION_FIELDS = (
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
)
ORDER_FIELDS = ("status", "good_quantity", "scrap_quantity")
MATERIAL_FIELDS = ("issued_quantity", "reserved_quantity")


def refuse(code: str, detail: str, problems: list[Problem] | None = None) -> ValidationFailed:
    return ValidationFailed(detail, problems, code=code)


def facts_of(events: Iterable[ProductionEvent]) -> list[timeline.Fact]:
    return [
        timeline.Fact(
            kind=e.kind,
            at=e.at,
            seq=e.pk if e.pk is not None else PROVISIONAL_SEQ,
            good=e.quantity if e.kind == Kind.REPORT else ZERO,
            scrap=e.scrap_quantity,
            rework=e.rework_quantity,
            reason=e.reason,
            worker=e.worker_id,
        )
        for e in events
    ]


def store_state(operation: WorkOrderOperation, state: timeline.State) -> None:
    """Put a folded state onto the operation's derived fields (in memory)."""
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


# --- stock -----------------------------------------------------------------------------------


@dataclass
class Balance:
    """One balance row as the batch sees it; `pk` is None for a row to create at the end.

    Plain values, not model objects: a batch reads hundreds of balances and builds nothing it
    does not need. The lot's code and age are kept for messages and first-in-first-out order.
    """

    item_id: int
    location_id: int
    lot_id: int | None
    quantity: Decimal
    pk: int | None = None
    changed: bool = False
    read: Decimal = ZERO  # the quantity when read: the batch writes the difference
    lot_code: str = ""
    lot_created: dt.datetime | None = None

    @property
    def key(self) -> BalanceKey:
        return (self.item_id, self.location_id, self.lot_id)


class StockRace(Exception):
    """Stock read without its lock moved under the batch far enough to matter: post it again,
    locking first."""


class Stock:
    """The balances a batch may move, each read once.

    Shared components (a fastener in most bills) sit in nearly every batch: locking their rows
    from the first read to the commit would queue every batch behind the one before. So by
    default they are read without a lock, and at the end the batch locks the rows it changes, in
    id order (so concurrent batches never deadlock on them), adds its differences to what is
    there now, and checks nothing went below zero; if something did, `StockRace` makes the batch
    start over with `locking` on, reading every balance under its lock.
    """

    def __init__(self, locking: bool = False) -> None:
        self.locking = locking
        self.rows: dict[BalanceKey, Balance] = {}
        self.lots: dict[tuple[int, int], list[Balance]] = {}  # (item, location) -> lot rows
        self.places: set[tuple[int, int]] = set()  # (item, location) read whole, every lot

    def _query(self) -> Any:
        rows = StockBalance.objects.all()
        return rows.select_for_update(of=("self",)) if self.locking else rows

    def load(self, items: set[int], locations: set[int]) -> None:
        if not items or not locations:
            return
        rows = self._query().filter(item_id__in=items, location_id__in=locations).order_by("pk")
        self._keep(rows)
        self.places.update((i, loc) for i in items for loc in locations)

    def _keep(self, rows: Any) -> None:
        for pk, item, location, lot, quantity, code, created in rows.values_list(
            "pk", "item_id", "location_id", "lot_id", "quantity", "lot__code", "lot__created_at"
        ):
            balance = Balance(
                item, location, lot, quantity, pk, False, quantity, code or "", created
            )
            if balance.key not in self.rows:
                self.rows[balance.key] = balance
                if lot is not None:
                    self.lots.setdefault((item, location), []).append(balance)

    def get(self, item: Item, location: Location | int, lot: Lot | None) -> Balance:
        location_id = location if isinstance(location, int) else location.pk
        key = (item.pk, location_id, lot.pk if lot is not None else None)
        found = self.rows.get(key)
        if found is None and (item.pk, location_id) not in self.places:
            self._keep(self._query().filter(item_id=item.pk, location_id=location_id, lot=lot))
            found = self.rows.get(key)
        if found is None:
            found = self.rows[key] = Balance(
                item.pk,
                location_id,
                key[2],
                ZERO,
                lot_code=lot.code if lot is not None else "",
                lot_created=lot.created_at if lot is not None else None,
            )
            if lot is not None:
                self.lots.setdefault((item.pk, location_id), []).append(found)
        return found

    def lots_first_in(self, item: Item, location_id: int) -> list[Balance]:
        """The item's lots with stock at the location, oldest first (backflush order)."""
        if (item.pk, location_id) not in self.places:
            self._keep(
                self._query().filter(item_id=item.pk, location_id=location_id).order_by("pk")
            )
            self.places.add((item.pk, location_id))
        lots = [b for b in self.lots.get((item.pk, location_id), []) if b.quantity > 0]
        return sorted(lots, key=lambda b: (b.lot_created or EPOCH, b.lot_id or 0))

    def write(self, negative_allowed: set[int]) -> None:
        """Post the differences: new rows created, changed rows locked in id order and updated.

        `negative_allowed` are the items that may go below zero.
        """
        for balance in self.rows.values():
            if balance.pk is None and balance.changed:
                row = StockBalance.objects.create(
                    item_id=balance.item_id,
                    location_id=balance.location_id,
                    lot_id=balance.lot_id,
                    quantity=balance.quantity,
                )
                balance.pk, balance.changed = row.pk, False
        changed = {
            b.pk: b for b in self.rows.values() if b.pk and b.changed and b.quantity != b.read
        }
        if not changed:
            return
        now = dict(
            StockBalance.objects.select_for_update()
            .filter(pk__in=list(changed))
            .order_by("pk")
            .values_list("pk", "quantity")
        )
        rows = []
        for pk, balance in changed.items():
            quantity = now[pk] + balance.quantity - balance.read
            took = balance.quantity < balance.read
            if quantity < 0 and took and balance.item_id not in negative_allowed:
                raise StockRace(pk)
            rows.append(StockBalance(pk=pk, quantity=quantity))
        update_rows(StockBalance, ("quantity",), rows)


def short_of_stock(item: Item, balance: Balance, location: Location, wanted: Decimal) -> Exception:
    where = f"{item.sku} at {location.code}"
    if balance.lot_id is not None:
        where += f", lot {balance.lot_code}"
    return refuse(
        "insufficient_stock",
        f"Not enough stock: {where} has {inventory.fmt(balance.quantity)} {item.uom.code} on "
        f"hand, {inventory.fmt(wanted)} requested.",
        [Problem(message="Quantity exceeds stock on hand.", column="quantity")],
    )


# --- operations' progress ---------------------------------------------------------------------


@dataclass
class Track:
    """Where one operation's fold stands during the batch.

    Events nearly always arrive in time order: each is then checked against the state reached and
    applied to it, whatever the operation's history (a PLC reporting every piece makes thousands
    of events). The state is kept with the operation between batches (`fold_state`). An event
    earlier than the latest one folded needs every event of the operation (`facts`), read once,
    and the fold starts over.
    """

    state: timeline.State
    key: tuple[dt.datetime, int] | None  # (at, seq) of the latest event in time order
    last_id: int  # highest stored event id folded
    facts: list[timeline.Fact] | None  # every event, when read
    pending: list[timeline.Fact] = field(default_factory=list)  # this batch's new facts

    @classmethod
    def resumed(cls, kept: dict[str, Any], last_id: int) -> Track | None:
        """The kept state, if it folded exactly the events stored (`last_id` is the highest)."""
        if not kept or kept.get("last_id") != last_id:
            return None
        at = kept.get("at")
        key = (dt.datetime.fromisoformat(at), int(kept["seq"])) if at else None
        return cls(timeline.State.from_json(kept["state"]), key, last_id, None)

    @classmethod
    def folded(cls, facts: list[timeline.Fact]) -> Track:
        ordered = sorted(facts, key=lambda f: (f.at, f.seq))
        state = timeline.State()
        for fact in ordered:
            timeline.apply(state, fact)
        key = (ordered[-1].at, ordered[-1].seq) if ordered else None
        last_id = max((f.seq for f in ordered), default=0)
        return cls(state, key, last_id, ordered)

    def in_order(self, fact: timeline.Fact) -> bool:
        return self.key is None or (fact.at, fact.seq) > self.key

    def admit(self, new: timeline.Fact) -> timeline.Refusal | None:
        assert self.in_order(new) or self.facts is not None
        if self.in_order(new):
            return timeline.admit_after(self.state, new)
        return timeline.admit(self.facts or [], new)

    def add(self, fact: timeline.Fact) -> None:
        self.pending.append(fact)
        if self.facts is not None:
            self.facts.append(fact)
        if self.in_order(fact):
            timeline.apply(self.state, fact)
            self.key = (fact.at, fact.seq)
        else:
            assert self.facts is not None
            self.state = timeline.fold(self.facts)

    def kept(self, real_id: Any) -> dict[str, Any]:
        """What to keep with the operation after the batch, with provisional ids made real."""
        seq = self.key[1] if self.key else 0
        ids = [real_id(f.seq) for f in self.pending]
        return {
            "state": self.state.to_json(),
            "at": self.key[0].isoformat() if self.key else None,
            "seq": real_id(seq) if seq >= PROVISIONAL_SEQ else seq,
            "last_id": max([self.last_id, *ids]),
        }


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
class PendingMove:
    """A stock move waiting for its event's id, which names it (`pe<id>/<suffix>`)."""

    event: int  # index into the batch's new events
    suffix: str
    move: StockMove


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
    moves: list[PendingMove] = field(default_factory=list)
    links: list[LotLink] = field(default_factory=list)
    changed_operations: dict[int, WorkOrderOperation] = field(default_factory=dict)
    changed_orders: dict[int, WorkOrder] = field(default_factory=dict)
    changed_materials: dict[int, WorkOrderMaterial] = field(default_factory=dict)
    negative_allowed: set[int] = field(default_factory=set)  # items taken that may go below 0
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
        if material.component.allow_negative_stock:
            self.negative_allowed.add(material.component_id)
        for n, (balance, quantity) in enumerate(takes):
            balance.quantity -= quantity
            balance.changed = True
            material.issued_quantity += quantity
            self.changed_materials[material.pk] = material
            self.moves.append(
                PendingMove(
                    event,
                    f"{suffix}.{n}" if numbered else suffix,
                    StockMove(
                        item=material.component,
                        location_id=balance.location_id,
                        lot_id=balance.lot_id,
                        quantity=-quantity,
                        kind=kind,
                        reference=held.order.number,
                        at=at,
                        user=self.acting_user,
                    ),
                )
            )
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
        balance = self.stock.get(order.item, order.output_location_id, self.output_lot(held))
        balance.quantity += good
        balance.changed = True
        move = StockMove(
            item=order.item,
            location_id=order.output_location_id,
            lot_id=balance.lot_id,
            quantity=good,
            kind=MoveKind.PRODUCTION,
            reference=order.number,
            at=at,
            user=self.acting_user,
        )
        self.moves.append(PendingMove(event, "/fg", move))

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
                self._reserve(held)
        created = self.events
        insert_rows(ProductionEvent, created)
        moves = []
        for pending in self.moves:
            pending.move.client_id = f"pe{created[pending.event].pk}{pending.suffix}"
            moves.append(pending.move)
        self.stock.write(self.negative_allowed)
        insert_rows(StockMove, moves)
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

    def _reserve(self, held: Held) -> None:
        """Reserve what is still to issue while the order is open (as `services.reserve`)."""
        is_open = held.order.status in OPEN_STATUSES
        for material in held.materials:
            reserved = material.open_quantity if is_open else ZERO
            if material.reserved_quantity != reserved:
                material.reserved_quantity = reserved
                self.changed_materials[material.pk] = material


def lot_by_code(item: Item, code: str) -> Lot | None:
    return Lot.objects.filter(item=item, code=code).first()


def location_by_code(code: str) -> Location | None:
    return Location.objects.filter(code=code).first()
