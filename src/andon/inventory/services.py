"""The stock ledger: the only code that writes stock moves, balances and lots.

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
from andon.inventory.models import Lot, StockBalance, StockMove
from andon.inventory.queries import ledger_total, on_hand, on_hand_by_item
from andon.plant.models import Location

Kind = StockMove.Kind
ZERO = Decimal("0")
MAX_PLACES = 4  # matches fields.QTY_DIGITS

# The sign each kind of move must have; kinds not listed may go either way.
INBOUND = frozenset({Kind.OPENING, Kind.RECEIPT, Kind.PRODUCTION})
OUTBOUND = frozenset({Kind.ISSUE, Kind.BACKFLUSH, Kind.SCRAP, Kind.SHIPMENT})
NEEDS_REASON = frozenset({Kind.SCRAP, Kind.ADJUSTMENT})

# Read-side helpers live in `queries` and are offered here too, so callers need one import.
__all__ = ["ledger_total", "on_hand", "on_hand_by_item"]


def fmt(quantity: Decimal) -> str:
    """A quantity as people write it: 100, 12.5 (never 1E+2 or 12.5000)."""
    text = f"{quantity.normalize():f}"
    return text


def _qty(value: Any) -> Decimal:
    """Quantities arrive as Decimal, int or text; floats would carry binary noise into stock."""
    if isinstance(value, float):
        raise ValidationFailed(
            "Quantities must be exact numbers, not floats.", code="invalid_quantity"
        )
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise ValidationFailed(f"{value!r} is not a quantity.", code="invalid_quantity") from None


def check_quantity(item: Item, quantity: Decimal, *, what: str = "Quantity") -> None:
    """Refuse quantities the item's unit cannot hold: fractions of a whole-number unit, or more
    decimal places than the ledger stores (which would be silently rounded)."""
    if not quantity.is_finite():
        raise ValidationFailed(f"{what} must be a number.", code="invalid_quantity")
    exponent = quantity.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        raise ValidationFailed(
            f"{what} {quantity} has more than {MAX_PLACES} decimal places.", code="invalid_quantity"
        )
    if item.uom.whole_numbers and quantity != quantity.to_integral_value():
        raise ValidationFailed(
            f"{item.sku} is counted in whole {item.uom.code}; {fmt(quantity)} is not whole.",
            [Problem(message="Use a whole number.", column="quantity")],
            code="invalid_quantity",
        )


def check_lot(item: Item, lot: Lot | None) -> None:
    if item.lot_tracked and lot is None:
        raise ValidationFailed(
            f"{item.sku} is lot-tracked: say which lot.",
            [Problem(message="A lot is required.", column="lot")],
            code="lot_required",
        )
    if lot is not None and lot.item_id != item.pk:
        raise ValidationFailed(
            f"Lot {lot.code} belongs to {lot.item.sku}, not {item.sku}.", code="wrong_lot"
        )


def _describe(item: Item, location: Location, lot: Lot | None) -> str:
    where = f"{item.sku} at {location.code}"
    return f"{where}, lot {lot.code}" if lot is not None else where


def _locked_balance(item: Item, location: Location, lot: Lot | None) -> StockBalance:
    """The balance row for this stock, locked until the transaction ends; created if missing.

    Two transactions creating the same missing row race on the unique constraint: the loser's
    insert fails (after waiting for the winner on PostgreSQL) and it then locks the winner's row.
    """
    rows = StockBalance.objects.select_for_update().filter(item=item, location=location, lot=lot)
    balance = rows.first()
    if balance is not None:
        return balance
    try:
        with transaction.atomic():
            return StockBalance.objects.create(item=item, location=location, lot=lot, quantity=ZERO)
    except IntegrityError:
        return rows.get()


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
    """Append one signed move and update its balance atomically; the building block of stock.

    Guarantees: the balance equals the sum of the moves after every call; stock never goes below
    zero unless `item.allow_negative_stock`; a repeated `client_id` returns the first move.
    """
    client_id = (client_id or "").strip() or None
    found = _existing(client_id)
    if found is not None:
        return found
    qty = _qty(quantity)
    if kind not in Kind.values:
        raise ValidationFailed(f"Unknown kind of move {kind!r}.", code="invalid_kind")
    if qty == 0:
        raise ValidationFailed(
            "A stock move needs a quantity other than zero.", code="invalid_quantity"
        )
    label = Kind(kind).label
    if kind in INBOUND and qty < 0:
        raise ValidationFailed(
            f"A {label.lower()} adds stock: quantity must be positive.", code="invalid_quantity"
        )
    if kind in OUTBOUND and qty > 0:
        raise ValidationFailed(
            f"A {label.lower()} removes stock: quantity must be negative.", code="invalid_quantity"
        )
    if kind in NEEDS_REASON and not reason.strip():
        raise ValidationFailed(
            f"A {label.lower()} needs a reason.",
            [Problem(message="Say why.", column="reason")],
            code="reason_required",
        )
    if client_id and len(client_id) > 64:
        raise ValidationFailed("client_id is longer than 64 characters.", code="invalid_client_id")
    check_quantity(item, abs(qty))
    check_lot(item, lot)
    with transaction.atomic():
        balance = _locked_balance(item, location, lot)
        new_quantity = balance.quantity + qty
        if qty < 0 and new_quantity < 0 and not item.allow_negative_stock:
            raise ValidationFailed(
                f"Not enough stock: {_describe(item, location, lot)} has "
                f"{fmt(balance.quantity)} {item.uom.code} on hand, "
                f"{fmt(-qty)} requested.",
                [Problem(message="Quantity exceeds stock on hand.", column="quantity")],
                code="insufficient_stock",
            )
        move = StockMove(
            item=item,
            location=location,
            lot=lot,
            quantity=qty,
            kind=kind,
            reason=reason.strip()[:120],
            reference=reference.strip()[:60],
            at=at or timezone.now(),
            user=user if getattr(user, "is_authenticated", False) else None,
            client_id=client_id,
        )
        try:
            with transaction.atomic():
                move.save()
        except IntegrityError:
            # The same client_id committed by a concurrent retry after our first look.
            found = _existing(client_id)
            if found is None:
                raise
            return found
        balance.quantity = new_quantity
        balance.save(update_fields=["quantity"])
    return move


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
    out = post_move(
        user,
        item=item,
        location=from_location,
        quantity=-qty,
        kind=Kind.TRANSFER,
        lot=lot,
        reference=reference,
        client_id=client_id,
    )
    into = post_move(
        user,
        item=item,
        location=to_location,
        quantity=qty,
        kind=Kind.TRANSFER,
        lot=lot,
        reference=reference,
        at=out.at,
        client_id=f"{client_id}/in" if client_id else None,
    )
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
    balance = _locked_balance(item, location, lot)
    difference = qty - balance.quantity
    if difference == 0:
        return None
    move = post_move(
        user,
        item=item,
        location=location,
        quantity=difference,
        kind=Kind.COUNT,
        lot=lot,
        reason=reason or f"Counted {fmt(qty)}, books {fmt(balance.quantity)}",
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
    and all problems are reported together; then moves and balances are written with bulk inserts,
    one balance per item/location/lot holding the sum of its rows, so the ledger stays consistent.
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
        taken = Q()
        for item_id, location_id, lot_id in totals:
            taken |= Q(item_id=item_id, location_id=location_id, lot_id=lot_id)
        existing = StockBalance.objects.filter(taken).select_related("item", "location", "lot")
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
    user_or_none = user if getattr(user, "is_authenticated", False) else None
    moves = [
        StockMove(
            item_id=item_id,
            location_id=location_id,
            lot_id=lot_id,
            quantity=qty,
            kind=Kind.OPENING,
            at=at,
            user=user_or_none,
            reference=label[:60],
        )
        for (item_id, location_id, lot_id), qty in totals.items()
        if qty != 0
    ]
    StockMove.objects.bulk_create(moves, batch_size=1000)
    StockBalance.objects.bulk_create(
        [
            StockBalance(
                item_id=m.item_id, location_id=m.location_id, lot_id=m.lot_id, quantity=m.quantity
            )
            for m in moves
        ],
        batch_size=1000,
    )
    counts = {"moves": len(moves), "rows": len(rows)}
    audit.record_import(user, label or "Opening balances", counts)
    return counts
