"""Stock use cases (receive, issue, transfer, scrap, adjust, count, opening balances, lots), each
posted through the stock ledger's one writer, `inventory.ledger`.

Every change of stock is one appended `StockMove` plus the matching `StockBalance` updated in the
same transaction, with the balance row locked first (`SELECT ... FOR UPDATE`), so two people
issuing the same lot at the same moment are serialized: neither move is lost and stock is never
driven below zero unless the item allows negative stock. A move that carries a `client_id` already
in the ledger is a retry and returns the recorded move without posting again.

The ledger is its own history (who, when, why, reference): plain receipts and issues are not
duplicated into the audit log. Manual corrections (adjustments, scrap, counts, opening balances,
transfers) are, because auditors look for them there.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from andon.catalog.models import Item
from andon.core import audit
from andon.core.errors import Conflict, Problem, ValidationFailed
from andon.core.services import create as create_audited
from andon.inventory import ledger
from andon.inventory.ledger import MoveRequest, post_moves
from andon.inventory.models import Lot, StockBalance, StockMove
from andon.inventory.queries import ledger_total, on_hand, on_hand_by_item
from andon.inventory.rules import (
    INBOUND,
    MAX_PLACES,
    NEEDS_REASON,
    OUTBOUND,
    ZERO,
    check_lot,
    check_quantity,
    fmt,
)
from andon.inventory.rules import exact_quantity as _qty
from andon.plant.models import Location

Kind = StockMove.Kind

# Read-side helpers live in `queries`, the rules in `rules`, the writer in `ledger`; they are
# offered here too, so callers need one import.
__all__ = [
    "INBOUND",
    "MAX_PLACES",
    "NEEDS_REASON",
    "OUTBOUND",
    "MoveRequest",
    "check_lot",
    "check_quantity",
    "fmt",
    "ledger_total",
    "on_hand",
    "on_hand_by_item",
    "post_moves",
]


def _describe(item: Item, location: Location, lot: Lot | None) -> str:
    where = f"{item.sku} at {location.code}"
    return f"{where}, lot {lot.code}" if lot is not None else where


def _existing(client_id: str | None) -> StockMove | None:
    if not client_id:
        return None
    return (
        StockMove.objects.select_related("item", "location", "lot")
        .filter(client_id=client_id)
        .first()
    )


def post_move(
    user: Any,
    *,
    item: Item,
    location: Location,
    quantity: Decimal | int | str,
    kind: str,
    lot: Lot | None = None,
    reason: str = "",
    reference: str = "",
    at: datetime | None = None,
    client_id: str | None = None,
) -> StockMove:
    """Append one signed move and update its balance atomically: a batch of one for the ledger.

    Guarantees: the balance equals the sum of the moves after every call; stock never goes below
    zero unless `item.allow_negative_stock`; a repeated `client_id` returns the first move.
    """
    client_id = (client_id or "").strip() or None
    request = MoveRequest(item, location, quantity, kind, lot, reason, reference, at, client_id)
    try:
        with transaction.atomic():
            return post_moves(user, [request])[0]
    except IntegrityError:
        # The same client_id committed by a concurrent retry after our first look.
        found = _existing(client_id)
        if found is None:
            raise
        return found


def _audited(user: Any, move: StockMove, fresh: bool) -> StockMove:
    if fresh:
        audit.record(user, "create", move, audit.snapshot(move))
    return move


def _is_fresh(client_id: str | None) -> bool:
    return _existing(client_id) is None


# --- lots ------------------------------------------------------------------------------------


def create_lot(
    user: Any,
    *,
    item: Item,
    code: str,
    expires_on: date | None = None,
    supplier_lot: str = "",
) -> Lot:
    """Register a lot of a lot-tracked item; codes are unique per item."""
    code = code.strip()
    if not item.lot_tracked:
        raise ValidationFailed(f"{item.sku} is not lot-tracked.", code="not_lot_tracked")
    if not code:
        raise ValidationFailed("A lot needs a code.", [Problem(message="Required.", column="code")])
    with transaction.atomic():
        if Lot.objects.filter(item=item, code=code).exists():
            raise Conflict(f"Lot {code} of {item.sku} already exists.", code="duplicate_lot")
        return create_audited(
            user, Lot(item=item, code=code, expires_on=expires_on, supplier_lot=supplier_lot)
        )


def lot_for_receipt(
    user: Any,
    item: Item,
    lot: Lot | None,
    lot_code: str,
    expires_on: date | None,
    supplier_lot: str,
) -> Lot | None:
    """The lot a receipt goes into: the one given, an existing one by code, or a new one."""
    if lot is not None or not lot_code.strip():
        return lot
    existing = Lot.objects.filter(item=item, code=lot_code.strip()).first()
    if existing is not None:
        return existing
    return create_lot(
        user, item=item, code=lot_code, expires_on=expires_on, supplier_lot=supplier_lot
    )


# --- use cases -------------------------------------------------------------------------------


@transaction.atomic
def receive(
    user: Any,
    *,
    item: Item,
    location: Location,
    quantity: Decimal | int | str,
    lot: Lot | None = None,
    lot_code: str = "",
    expires_on: date | None = None,
    supplier_lot: str = "",
    kind: str = Kind.RECEIPT,
    reference: str = "",
    at: datetime | None = None,
    client_id: str | None = None,
) -> StockMove:
    """Stock arrives (from a supplier or from production), optionally into a new lot."""
    found = _existing(client_id)
    if found is not None:
        return found
    if _qty(quantity) <= 0:
        raise ValidationFailed("A receipt needs a positive quantity.", code="invalid_quantity")
    lot = lot_for_receipt(user, item, lot, lot_code, expires_on, supplier_lot)
    return post_move(
        user,
        item=item,
        location=location,
        quantity=quantity,
        kind=kind,
        lot=lot,
        reference=reference,
        at=at,
        client_id=client_id,
    )


def issue(
    user: Any,
    *,
    item: Item,
    location: Location,
    quantity: Decimal | int | str,
    lot: Lot | None = None,
    kind: str = Kind.ISSUE,
    reference: str = "",
    at: datetime | None = None,
    client_id: str | None = None,
) -> StockMove:
    """Stock leaves for use (an order, a shipment); `quantity` is the positive amount taken."""
    qty = _qty(quantity)
    if qty <= 0 and not _existing(client_id):
        raise ValidationFailed("An issue needs a positive quantity.", code="invalid_quantity")
    return post_move(
        user,
        item=item,
        location=location,
        quantity=-qty,
        kind=kind,
        lot=lot,
        reference=reference,
        at=at,
        client_id=client_id,
    )


@transaction.atomic
def scrap(
    user: Any,
    *,
    item: Item,
    location: Location,
    quantity: Decimal | int | str,
    reason: str,
    lot: Lot | None = None,
    reference: str = "",
    client_id: str | None = None,
) -> StockMove:
    """Stock written off as unusable; the reason is required and audited."""
    qty = _qty(quantity)
    fresh = _is_fresh(client_id)
    if fresh and qty <= 0:
        raise ValidationFailed("Scrap needs a positive quantity.", code="invalid_quantity")
    move = post_move(
        user,
        item=item,
        location=location,
        quantity=-qty,
        kind=Kind.SCRAP,
        lot=lot,
        reason=reason,
        reference=reference,
        client_id=client_id,
    )
    return _audited(user, move, fresh)


@transaction.atomic
def adjust(
    user: Any,
    *,
    item: Item,
    location: Location,
    quantity: Decimal | int | str,
    reason: str,
    lot: Lot | None = None,
    reference: str = "",
    client_id: str | None = None,
) -> StockMove:
    """A signed correction of stock with a required reason (found, damaged, mis-booked)."""
    fresh = _is_fresh(client_id)
    move = post_move(
        user,
        item=item,
        location=location,
        quantity=quantity,
        kind=Kind.ADJUSTMENT,
        lot=lot,
        reason=reason,
        reference=reference,
        client_id=client_id,
    )
    return _audited(user, move, fresh)


@transaction.atomic
def transfer(
    user: Any,
    *,
    item: Item,
    from_location: Location,
    to_location: Location,
    quantity: Decimal | int | str,
    lot: Lot | None = None,
    reference: str = "",
    client_id: str | None = None,
) -> tuple[StockMove, StockMove]:
    """Move stock between locations: two moves, out and in, in one transaction.

    The incoming move's client id is the outgoing one's plus "/in", so a retry finds both.
    """
    client_id = (client_id or "").strip() or None
    found = _existing(client_id)
    if found is not None and client_id is not None:
        return found, StockMove.objects.get(client_id=f"{client_id}/in")
    qty = _qty(quantity)
    if qty <= 0:
        raise ValidationFailed("A transfer needs a positive quantity.", code="invalid_quantity")
    if from_location.pk == to_location.pk:
        raise ValidationFailed("A transfer needs two different locations.", code="same_location")
    if client_id and len(client_id) > 60:
        raise ValidationFailed("client_id is longer than 60 characters.", code="invalid_client_id")
    reference = reference or f"{from_location.code}>{to_location.code}"
    # One batch: both balances locked in the ledger's order, out checked before in is posted.
    moves = [
        MoveRequest(
            item, from_location, -qty, Kind.TRANSFER, lot, reference=reference, client_id=client_id
        ),
        MoveRequest(
            item,
            to_location,
            qty,
            Kind.TRANSFER,
            lot,
            reference=reference,
            client_id=f"{client_id}/in" if client_id else None,
        ),
    ]
    try:
        with transaction.atomic():
            out, into = post_moves(user, moves, numbered=False)
    except IntegrityError:
        # A concurrent retry of the same transfer committed first.
        found = _existing(client_id)
        if found is None or client_id is None:
            raise
        return found, StockMove.objects.get(client_id=f"{client_id}/in")
    _audited(user, out, True)
    return out, into


@transaction.atomic
def cycle_count(
    user: Any,
    *,
    item: Item,
    location: Location,
    counted: Decimal | int | str,
    lot: Lot | None = None,
    reason: str = "",
    client_id: str | None = None,
) -> StockMove | None:
    """Record a physical count: posts the difference to the books, or nothing if they agree."""
    found = _existing(client_id)
    if found is not None:
        return found
    qty = _qty(counted)
    if qty < 0:
        raise ValidationFailed("A counted quantity cannot be negative.", code="invalid_quantity")
    check_quantity(item, qty, what="Counted quantity")
    check_lot(item, lot)
    books = ledger.lock_balances([(item.pk, location.pk, lot.pk if lot else None)])
    on_books = next(iter(books.on_hand.values()))
    difference = qty - on_books
    if difference == 0:
        return None
    move = post_move(
        user,
        item=item,
        location=location,
        quantity=difference,
        kind=Kind.COUNT,
        lot=lot,
        reason=reason or f"Counted {fmt(qty)}, books {fmt(on_books)}",
        client_id=client_id,
    )
    return _audited(user, move, True)


@transaction.atomic
def opening_balance(
    user: Any,
    *,
    item: Item,
    location: Location,
    quantity: Decimal | int | str,
    lot: Lot | None = None,
    at: datetime | None = None,
) -> StockMove:
    """The stock found when Andon starts; refused where the ledger already has moves."""
    if StockMove.objects.filter(item=item, location=location, lot=lot).exists():
        raise Conflict(
            f"{_describe(item, location, lot)} already has stock moves: "
            "post an adjustment instead.",
            code="has_moves",
        )
    move = post_move(
        user,
        item=item,
        location=location,
        quantity=quantity,
        kind=Kind.OPENING,
        lot=lot,
        at=at,
    )
    return _audited(user, move, True)


@dataclass(frozen=True)
class OpeningRow:
    """One line of an opening-balance import: stock of an item at a location (and lot)."""

    item: Item
    location: Location
    quantity: Decimal
    lot: Lot | None = None


@transaction.atomic
def load_opening_balances(
    user: Any, rows: Iterable[OpeningRow], *, at: datetime | None = None, label: str = ""
) -> dict[str, int]:
    """Bulk-load opening stock for imports and the demo: all rows or none.

    Every row is checked first (whole numbers, lots, no negative, no stock already in the ledger)
    and all problems are reported together; then the moves are posted through the ledger as one
    batch, one move per item/location/lot holding the sum of its rows.
    """
    rows = list(rows)
    at = at or timezone.now()
    problems: list[Problem] = []
    totals: dict[tuple[int, int, int | None], Decimal] = defaultdict(lambda: ZERO)
    for number, row in enumerate(rows, start=1):
        try:
            qty = _qty(row.quantity)
            if qty < 0:
                raise ValidationFailed("An opening balance cannot be negative.")
            check_quantity(row.item, qty)
            check_lot(row.item, row.lot)
        except ValidationFailed as exc:
            problems.append(Problem(message=exc.detail, row=number))
            continue
        totals[(row.item.pk, row.location.pk, row.lot.pk if row.lot else None)] += qty
    if totals:
        # Under the ledger's locks (a missing row is made at zero and locked), so a second load
        # of the same stock running at once waits for this one and then finds it taken.
        books = ledger.lock_balances(totals)
        taken = Q()
        for item_id, location_id, lot_id in (key for key in totals if key not in books.new):
            taken |= Q(item_id=item_id, location_id=location_id, lot_id=lot_id)
        existing = (
            StockBalance.objects.filter(taken).select_related("item", "location", "lot")
            if taken
            else StockBalance.objects.none()
        )
        problems.extend(
            Problem(
                message=f"{_describe(b.item, b.location, b.lot)} already has stock in the ledger."
            )
            for b in existing
        )
    if problems:
        raise ValidationFailed(
            f"{len(problems)} opening balance row(s) refused: "
            + "; ".join(str(p) for p in problems[:5]),
            problems,
        )
    moves = post_opening(user, totals, at=at, reference=label)
    counts = {"moves": len(moves), "rows": len(rows)}
    audit.record_import(user, label or "Opening balances", counts)
    return counts


def post_opening(
    user: Any,
    totals: dict[tuple[int, int, int | None], Decimal],
    *,
    at: datetime,
    reason: str = "",
    reference: str = "",
) -> list[StockMove]:
    """Opening moves for (item id, location id, lot id) -> quantity, through the ledger in one
    batch; zero quantities post nothing. Items are read once for the ledger's rules."""
    items = Item.objects.select_related("uom").in_bulk({key[0] for key in totals})
    return post_moves(
        user,
        [
            MoveRequest(
                items[item_id],
                location_id,
                qty,
                Kind.OPENING,
                lot_id,
                reason=reason,
                reference=reference,
            )
            for (item_id, location_id, lot_id), qty in totals.items()
            if qty != 0
        ],
        at=at,
    )
