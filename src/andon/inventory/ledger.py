"""The stock ledger's one writer: moves posted in batches, balances locked in one fixed order.

Everything that changes stock comes through `post_moves`: a hand issue (a batch of one), a
transfer (two), a shop-floor batch (hundreds), an import of stock levels (the differences), the
demo's opening stock. Each batch is checked with the rules of a single move, then written in a
few statements whatever its size: one read of the balances, one lock of them, one insert of the
moves, one update of the balances. The set-based write is what lets the shop-floor batches keep
their throughput (docs/adr/0004, 0005); having it here, once, is what keeps every balance equal
to the sum of its moves when those writers run at the same time (docs/adr/0008).

Balances are locked in (item, location, lot) order, whoever posts, so two batches wanting the same
rows queue instead of deadlocking. A missing balance row is first inserted at zero (a concurrent
insert of the same row waits, then yields to the winner's row) and then locked like the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from andon.catalog.models import Item
from andon.core.bulk import insert_rows, update_rows
from andon.core.errors import Problem, ValidationFailed
from andon.inventory.models import Lot, StockBalance, StockMove
from andon.inventory.rules import (
    INBOUND,
    NEEDS_REASON,
    OUTBOUND,
    ZERO,
    Kind,
    check_lot,
    check_quantity,
    exact_quantity,
    fmt,
)
from andon.plant.models import Location

Key = tuple[int, int, int | None]  # item, location, lot
CHUNK = 2000  # rows per statement: well inside SQLite's and PostgreSQL's parameter limits
KIND_VALUES = frozenset(Kind.values)
# The fixed order of locks: by item, location, then lot (no lot first), in SQL and in Python.
LOCK_ORDER = ("item_id", "location_id", F("lot_id").asc(nulls_first=True))


def lock_order(key: Key) -> tuple[int, int, int]:
    return (key[0], key[1], -1 if key[2] is None else key[2])


@dataclass(frozen=True)
class MoveRequest:
    """One move to post: `quantity` is signed (negative takes stock away).

    Location and lot may be given as objects or as ids (a batch that read plain rows has ids);
    such a batch may pass the balance row's id too, which saves the ledger reading it again.
    """

    item: Item
    location: Location | int
    quantity: Decimal | int | str
    kind: str
    lot: Lot | int | None = None
    reason: str = ""
    reference: str = ""
    at: dt.datetime | None = None
    client_id: str | None = None
    balance_id: int | None = None  # the balance row's id, when the caller read it

    @property
    def location_id(self) -> int:
        return self.location if isinstance(self.location, int) else int(self.location.pk)

    @property
    def lot_id(self) -> int | None:
        if self.lot is None or isinstance(self.lot, int):
            return self.lot
        return int(self.lot.pk)

    @property
    def key(self) -> Key:
        return (int(self.item.pk), self.location_id, self.lot_id)


class InsufficientStock(ValidationFailed):
    """A move would take stock below zero; `key` is the balance that would go negative."""

    def __init__(self, detail: str, key: Key, problems: list[Problem]) -> None:
        super().__init__(detail, problems, code="insufficient_stock")
        self.key = key


class BalanceRow(NamedTuple):
    """A balance as readers that decide in memory need it (no model object per row)."""

    pk: int
    item_id: int
    location_id: int
    lot_id: int | None
    quantity: Decimal
    lot_code: str
    lot_created: dt.datetime | None


def balance_rows(*, lock: bool = False, **filters: Any) -> list[BalanceRow]:
    """Balances matching `filters`, in lock order; with `lock`, under the ledger's row locks.

    For callers that read stock, decide, then post (production's batches): reading under the
    same locks, in the same order, as `post_moves` takes them keeps the two from deadlocking.
    """
    rows = StockBalance.objects.filter(**filters).order_by(*LOCK_ORDER)
    if lock:
        rows = rows.select_for_update(of=("self",))
    return [
        BalanceRow(pk, item, location, lot, quantity, code or "", created)
        for pk, item, location, lot, quantity, code, created in rows.values_list(
            "pk", "item_id", "location_id", "lot_id", "quantity", "lot__code", "lot__created_at"
        )
    ]


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _find(keys: set[Key]) -> dict[Key, int]:
    """The ids of the balance rows that exist for `keys`, read without a lock.

    By item and location, which compiles and plans in a fraction of what a condition per key
    costs (a batch names tens of keys); rows of other lots are read and passed over.
    """
    found: dict[Key, int] = {}
    locations = sorted({k[1] for k in keys})
    for chunk in _chunks(sorted({k[0] for k in keys})):
        rows = StockBalance.objects.filter(item_id__in=chunk, location_id__in=locations)
        for pk, item, location, lot in rows.values_list("pk", "item_id", "location_id", "lot_id"):
            if (item, location, lot) in keys:
                found[(item, location, lot)] = pk
    return found


def _lock(
    keys: Iterable[Key], known: dict[Key, int] | None = None
) -> dict[Key, tuple[int, Decimal]]:
    """Lock the balance rows of `keys` that exist, in the ledger's order; id and quantity now.

    A row's key never changes, so ids read before (`known`, or read here unlocked) are the rows
    to lock; the quantities are those under the lock, as the sort emits the rows. Rows are keyed
    by what they hold, so a wrong id only leaves its key missing.
    """
    wanted = set(keys)
    ids = {k: pk for k, pk in (known or {}).items() if k in wanted}
    if len(ids) < len(wanted):
        ids |= _find(wanted - set(ids))
    ordered = sorted(ids, key=lock_order)
    locked: dict[Key, tuple[int, Decimal]] = {}
    for chunk in _chunks(ordered):
        rows = (
            StockBalance.objects.select_for_update()
            .filter(pk__in=[ids[k] for k in chunk])
            .order_by(*LOCK_ORDER)
        )
        for pk, item, location, lot, quantity in rows.values_list(
            "pk", "item_id", "location_id", "lot_id", "quantity"
        ):
            locked[(item, location, lot)] = (pk, quantity)
    return locked


def _create(keys: Sequence[Key]) -> dict[Key, tuple[int, Decimal]]:
    """Insert zero balances for missing keys (yielding to rows a concurrent writer inserted
    first), then lock them."""
    ordered = sorted(keys, key=lock_order)
    StockBalance.objects.bulk_create(
        [
            StockBalance(item_id=i, location_id=loc, lot_id=lot, quantity=ZERO)
            for i, loc, lot in ordered
        ],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )
    return _lock(ordered)


class Books(NamedTuple):
    """Balances read under the ledger's locks: quantity by key, and the keys that had no row."""

    on_hand: dict[Key, Decimal]
    new: frozenset[Key]


def lock_balances(keys: Iterable[Key]) -> Books:
    """The balances of `keys` now, locked until the transaction ends; missing rows are created
    at zero so that nobody can post to them before this transaction does.

    For callers that set stock to a level (an import, a count): read here, post the difference.
    """
    wanted = set(keys)
    locked = _lock(wanted)
    missing = [k for k in wanted if k not in locked]
    if missing:
        locked |= _create(missing)
    on_hand = {key: quantity for key, (_, quantity) in locked.items()}
    return Books(on_hand, frozenset(missing))


# --- checking --------------------------------------------------------------------------------


def _clean_id(client_id: str | None) -> str | None:
    return (client_id or "").strip() or None


def checked_quantity(request: MoveRequest) -> Decimal:
    """The move's quantity if it keeps every rule a move has on its own (sign, reason, unit,
    lot); the lot, when given by id, is checked with the batch (`_check_lots`)."""
    qty = exact_quantity(request.quantity)
    kind = request.kind
    if kind not in KIND_VALUES:
        raise ValidationFailed(f"Unknown kind of move {kind!r}.", code="invalid_kind")
    if qty == 0:
        raise ValidationFailed(
            "A stock move needs a quantity other than zero.", code="invalid_quantity"
        )
    if kind in INBOUND and qty < 0:
        raise ValidationFailed(
            f"A {Kind(kind).label.lower()} adds stock: quantity must be positive.",
            code="invalid_quantity",
        )
    if kind in OUTBOUND and qty > 0:
        raise ValidationFailed(
            f"A {Kind(kind).label.lower()} removes stock: quantity must be negative.",
            code="invalid_quantity",
        )
    if kind in NEEDS_REASON and not request.reason.strip():
        raise ValidationFailed(
            f"A {Kind(kind).label.lower()} needs a reason.",
            [Problem(message="Say why.", column="reason")],
            code="reason_required",
        )
    client_id = _clean_id(request.client_id)
    if client_id and len(client_id) > 64:
        raise ValidationFailed("client_id is longer than 64 characters.", code="invalid_client_id")
    check_quantity(request.item, abs(qty))
    lot = request.lot
    if lot is None or isinstance(lot, Lot):
        check_lot(request.item, lot)
    return qty


def _in_batch(error: ValidationFailed, number: int, size: int) -> ValidationFailed:
    """The error of one move, saying which move when the batch has several."""
    if size == 1:
        return error
    problems = [Problem(message=p.message, row=number, column=p.column) for p in error.problems]
    detail = f"Move {number} of {size}: {error.detail}"
    if isinstance(error, InsufficientStock):
        return InsufficientStock(detail, error.key, problems or [Problem(detail, row=number)])
    return ValidationFailed(detail, problems or [Problem(error.detail, row=number)], error.code)


def _check_lots(
    requests: Sequence[tuple[int, MoveRequest, Decimal]], size: int, booked: Iterable[Key]
) -> dict[int, str]:
    """Lots given by id: each must belong to its move's item. Returns the codes read.

    A lot whose balance row exists (`booked`) passed this check when the row was created."""
    known = {(key[0], key[2]) for key in booked}
    requests = [
        (n, r, q)
        for n, r, q in requests
        if isinstance(r.lot, int) and (int(r.item.pk), r.lot) not in known
    ]
    ids = {r.lot for _, r, _ in requests if isinstance(r.lot, int)}
    if not ids:
        return {}
    owners = {
        pk: (item, code)
        for pk, item, code in Lot.objects.filter(pk__in=ids).values_list("pk", "item_id", "code")
    }
    for number, request, _ in requests:
        if isinstance(request.lot, int):
            owner = owners.get(request.lot)
            if owner is None or owner[0] != request.item.pk:
                raise _in_batch(
                    ValidationFailed(
                        f"Lot {owner[1] if owner else request.lot} does not belong to "
                        f"{request.item.sku}.",
                        code="wrong_lot",
                    ),
                    number,
                    size,
                )
    return {pk: code for pk, (_, code) in owners.items()}


def _short(request: MoveRequest, on_hand: Decimal, qty: Decimal, lot_code: str) -> str:
    where = f"{request.item.sku} at {_location_code(request.location)}"
    if lot_code:
        where += f", lot {lot_code}"
    return (
        f"Not enough stock: {where} has {fmt(on_hand)} {request.item.uom.code} on hand, "
        f"{fmt(-qty)} requested."
    )


def _location_code(location: Location | int) -> str:
    if isinstance(location, Location):
        return location.code
    return Location.objects.filter(pk=location).values_list("code", flat=True).first() or "?"


def _lot_code(request: MoveRequest, codes: dict[int, str]) -> str:
    if isinstance(request.lot, Lot):
        return request.lot.code
    if request.lot is None:
        return ""
    if request.lot not in codes:  # only for a message: a refusal
        codes[request.lot] = str(
            Lot.objects.filter(pk=request.lot).values_list("code", flat=True).first() or ""
        )
    return codes[request.lot]


def _never_below_zero(
    fresh: Sequence[tuple[int, MoveRequest, Decimal]],
    now: dict[Key, tuple[int, Decimal]],
    size: int,
    codes: dict[int, str],
) -> dict[Key, Decimal]:
    """The balances after the moves in order, each checked as if posted alone: a move that takes
    stock may not leave it below zero unless the item allows negative stock."""
    running = {key: quantity for key, (_, quantity) in now.items()}
    for number, request, qty in fresh:
        key = request.key
        before = running.get(key, ZERO)
        after = before + qty
        if qty < 0 and after < 0 and not request.item.allow_negative_stock:
            detail = _short(request, before, qty, _lot_code(request, codes))
            problems = [Problem(message="Quantity exceeds stock on hand.", column="quantity")]
            raise _in_batch(InsufficientStock(detail, key, problems), number, size)
        running[key] = after
    return running


# --- posting ---------------------------------------------------------------------------------


def post_moves(
    user: Any,
    requests: Sequence[MoveRequest],
    *,
    at: dt.datetime | None = None,
    numbered: bool = True,
    new_ids: bool = False,
) -> list[StockMove]:
    """Post a batch of moves, all or none; the moves in the order asked.

    Every move is checked as a single move would be, and the batch as if its moves were posted
    one after the other: the balances end where they would, and a move that one by one would be
    refused refuses the whole batch, with the move's number in the message, before anything is
    written. A move whose `client_id` is already in the ledger (or earlier in the batch) is a
    retry: the recorded move is returned and nothing is posted for it. `numbered=False` leaves
    the move's number out of messages (a transfer's two moves are one act); `new_ids` says the
    client ids cannot be in the ledger yet (named after rows inserted in this transaction), so
    they are not looked up: the ledger's unique index still refuses a repeat. Call inside a
    transaction when the batch is part of a larger unit of work; the locks last until it ends.
    """
    size = len(requests) if numbered else 1
    results: list[StockMove | None] = [None] * len(requests)
    recorded = {} if new_ids else _recorded({c for r in requests if (c := _clean_id(r.client_id))})
    first: dict[str, int] = {}  # client id -> position of the batch's move posting it
    fresh: list[tuple[int, MoveRequest, Decimal]] = []
    for position, request in enumerate(requests):
        client_id = _clean_id(request.client_id)
        if client_id is not None and (client_id in recorded or client_id in first):
            continue
        try:
            qty = checked_quantity(request)
        except ValidationFailed as exc:
            raise _in_batch(exc, position + 1, size) from None
        fresh.append((position + 1, request, qty))
        if client_id is not None:
            first[client_id] = position
    if fresh:
        # The locks and all-or-nothing need a transaction: the caller's, or one of its own. A
        # refusal is raised before anything is written, so the caller's stays usable.
        if transaction.get_connection().in_atomic_block:
            _post_fresh(user, fresh, size, at, results)
        else:
            with transaction.atomic():
                _post_fresh(user, fresh, size, at, results)
    for position, request in enumerate(requests):
        if results[position] is None:
            client_id = _clean_id(request.client_id) or ""
            results[position] = recorded.get(client_id) or results[first[client_id]]
    return [m for m in results if m is not None]


def _recorded(client_ids: set[str]) -> dict[str, StockMove]:
    if not client_ids:
        return {}
    moves = StockMove.objects.select_related("item", "location", "lot").filter(
        client_id__in=client_ids
    )
    return {str(m.client_id): m for m in moves}


def _write(
    user: Any,
    fresh: Sequence[tuple[int, MoveRequest, Decimal]],
    now: dict[Key, tuple[int, Decimal]],
    size: int,
    codes: dict[int, str],
    at: dt.datetime | None,
    results: list[StockMove | None],
) -> None:
    after = _never_below_zero(fresh, now, size, codes)
    by = user if getattr(user, "is_authenticated", False) else None
    when = at or timezone.now()
    moves = []
    for number, request, qty in fresh:
        move = StockMove(
            item=request.item,
            location_id=request.location_id,
            lot_id=request.lot_id,
            quantity=qty,
            kind=request.kind,
            reason=request.reason.strip()[:120],
            reference=request.reference.strip()[:60],
            at=request.at or when,
            user=by,
            client_id=_clean_id(request.client_id),
        )
        if isinstance(request.location, Location):
            move.location = request.location
        if isinstance(request.lot, Lot):
            move.lot = request.lot
        moves.append(move)
        results[number - 1] = move
    insert_rows(StockMove, moves)
    update_rows(
        StockBalance,
        ("quantity",),
        [
            StockBalance(pk=now[key][0], quantity=quantity)
            for key, quantity in sorted(after.items(), key=lambda kv: lock_order(kv[0]))
            if quantity != now[key][1]
        ],
    )


def register_lots(lots: Sequence[Lot]) -> list[Lot]:
    """Create many lots at once (imports, the demo); codes are unique per item."""
    Lot.objects.bulk_create(lots, batch_size=CHUNK)
    return list(lots)


def _post_fresh(
    user: Any,
    fresh: list[tuple[int, MoveRequest, Decimal]],
    size: int,
    at: dt.datetime | None,
    results: list[StockMove | None],
) -> None:
    """Lock, check and write the batch's new moves (the retries are already answered)."""
    keys = {r.key for _, r, _ in fresh}
    now = _lock(keys, {r.key: r.balance_id for _, r, _ in fresh if r.balance_id})
    codes = _check_lots(fresh, size, now)
    _never_below_zero(fresh, now, size, codes)  # missing rows counted as zero so far
    missing = [k for k in keys if k not in now]
    if missing:
        # Rows inserted here must go if a concurrent writer's stock refuses the batch.
        with transaction.atomic():
            now |= _create(missing)
            _write(user, fresh, now, size, codes, at, results)
    else:
        _write(user, fresh, now, size, codes, at, results)
