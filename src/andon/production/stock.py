"""The stock a batch of shop-floor events may move: read once, decided in memory, posted through
the stock ledger in one call.

Production decides what each event takes and gives (backflush first in, first out, never below
zero) against the balances as it read them; it never writes a balance. The moves it decided go to
`inventory.ledger.post_moves` at the end, which adds them to the balances as they are then, under
the ledger's locks, with the ledger's rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from andon.catalog.models import Item
from andon.core.errors import Problem, ValidationFailed
from andon.inventory import ledger
from andon.inventory.ledger import BalanceRow, InsufficientStock, MoveRequest
from andon.inventory.models import Lot, StockMove
from andon.inventory.rules import fmt
from andon.plant.models import Location

ZERO = Decimal("0")
BalanceKey = tuple[int, int, int | None]  # item, location, lot
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass
class Balance:
    """One balance as the batch sees it: what it read, moved by what the batch decided so far.

    Plain values, not model objects: a batch reads hundreds of balances and builds nothing it
    does not need. The lot's code and age are kept for messages and first-in-first-out order.
    """

    item_id: int
    location_id: int
    lot_id: int | None
    quantity: Decimal
    pk: int | None = None
    changed: bool = False
    read: Decimal = ZERO  # the quantity when read
    lot_code: str = ""
    lot_created: dt.datetime | None = None

    @property
    def key(self) -> BalanceKey:
        return (self.item_id, self.location_id, self.lot_id)


@dataclass
class PendingMove:
    """A stock move waiting for its event's id, which names it (`pe<id><suffix>`)."""

    event: int  # index into the batch's new events
    suffix: str
    request: MoveRequest


class StockRace(Exception):
    """Stock read without its lock moved under the batch far enough to matter: post it again,
    locking first."""


class Stock:
    """The balances a batch may move, each read once, and the moves it decided.

    Shared components (a fastener in most bills) sit in nearly every batch: locking their rows
    from the first read to the commit would queue every batch behind the one before. So by
    default they are read without a lock, and at the end the ledger locks the rows moved (in its
    fixed order, so concurrent batches never deadlock on them), adds the moves to what is there
    now and checks nothing went below zero; if something did, `StockRace` makes the batch start
    over with `locking` on, reading every balance under the ledger's lock.
    """

    def __init__(self, locking: bool = False) -> None:
        self.locking = locking
        self.rows: dict[BalanceKey, Balance] = {}
        self.lots: dict[tuple[int, int], list[Balance]] = {}  # (item, location) -> lot rows
        self.places: set[tuple[int, int]] = set()  # (item, location) read whole, every lot
        self.moves: list[PendingMove] = []

    # --- reading -------------------------------------------------------------------------------

    def load(self, items: set[int], locations: set[int]) -> None:
        if not items or not locations:
            return
        self._keep(
            ledger.balance_rows(lock=self.locking, item_id__in=items, location_id__in=locations)
        )
        self.places.update((i, loc) for i in items for loc in locations)

    def _keep(self, rows: list[BalanceRow]) -> None:
        for row in rows:
            balance = Balance(
                row.item_id,
                row.location_id,
                row.lot_id,
                row.quantity,
                row.pk,
                False,
                row.quantity,
                row.lot_code,
                row.lot_created,
            )
            if balance.key not in self.rows:
                self.rows[balance.key] = balance
                if row.lot_id is not None:
                    self.lots.setdefault((row.item_id, row.location_id), []).append(balance)

    def get(self, item: Item, location: Location | int, lot: Lot | None) -> Balance:
        location_id = location if isinstance(location, int) else location.pk
        key = (item.pk, location_id, lot.pk if lot is not None else None)
        found = self.rows.get(key)
        if found is None and (item.pk, location_id) not in self.places:
            self._keep(
                ledger.balance_rows(
                    lock=self.locking, item_id=item.pk, location_id=location_id, lot_id=key[2]
                )
            )
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
                ledger.balance_rows(lock=self.locking, item_id=item.pk, location_id=location_id)
            )
            self.places.add((item.pk, location_id))
        lots = [b for b in self.lots.get((item.pk, location_id), []) if b.quantity > 0]
        return sorted(lots, key=lambda b: (b.lot_created or EPOCH, b.lot_id or 0))

    # --- deciding ------------------------------------------------------------------------------

    def move(
        self,
        balance: Balance,
        item: Item,
        quantity: Decimal,
        *,
        kind: str,
        reference: str,
        at: dt.datetime,
        event: int,
        suffix: str,
        lot: Lot | None = None,
    ) -> None:
        """Book a signed move against the balance in memory, to post with the batch.

        `lot` is the lot object when the batch has one (an order's output lot); else the
        balance's lot id is posted."""
        balance.quantity += quantity
        balance.changed = True
        request = MoveRequest(
            item,
            balance.location_id,
            quantity,
            kind,
            lot if lot is not None else balance.lot_id,
            reference=reference,
            at=at,
            balance_id=balance.pk,
        )
        self.moves.append(PendingMove(event, suffix, request))

    # --- posting -------------------------------------------------------------------------------

    def post(self, user: object, event_id: Callable[[int], int]) -> list[StockMove]:
        """Post the decided moves through the ledger, each named after its event's id (new, as
        the events were inserted in this transaction)."""
        requests = [
            replace(p.request, client_id=f"pe{event_id(p.event)}{p.suffix}") for p in self.moves
        ]
        try:
            return ledger.post_moves(user, requests, new_ids=True)
        except InsufficientStock as exc:
            if self.locking:
                raise  # decided under the same locks: the ledger and the batch disagree
            raise StockRace(exc.key) from exc


def short_of_stock(item: Item, balance: Balance, location: Location, wanted: Decimal) -> Exception:
    where = f"{item.sku} at {location.code}"
    if balance.lot_id is not None:
        where += f", lot {balance.lot_code}"
    return ValidationFailed(
        f"Not enough stock: {where} has {fmt(balance.quantity)} {item.uom.code} on "
        f"hand, {fmt(wanted)} requested.",
        [Problem(message="Quantity exceeds stock on hand.", column="quantity")],
        code="insufficient_stock",
    )
