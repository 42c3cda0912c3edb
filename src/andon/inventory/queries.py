"""Stock queries: on-hand from the balances, and the ledger sum they must equal."""

from decimal import Decimal

from django.db.models import Sum

from andon.catalog.models import Item
from andon.inventory.models import Lot, StockBalance, StockMove
from andon.plant.models import Location

ZERO = Decimal("0")


def on_hand(
    item: Item,
    location: Location | None = None,
    lot: Lot | None = None,
    *,
    nettable_only: bool = False,
) -> Decimal:
    """Stock on hand of an item, everywhere or at one location (and lot), from the balances."""
    balances = StockBalance.objects.filter(item=item)
    if location is not None:
        balances = balances.filter(location=location)
    if lot is not None:
        balances = balances.filter(lot=lot)
    if nettable_only:
        balances = balances.filter(location__nettable=True)
    total = balances.aggregate(total=Sum("quantity"))["total"]
    return total if total is not None else ZERO


def on_hand_by_item(*, nettable_only: bool = True) -> dict[int, Decimal]:
    """On-hand per item id in one query, for planning: only nettable locations by default."""
    balances = StockBalance.objects.all()
    if nettable_only:
        balances = balances.filter(location__nettable=True)
    return {
        row["item_id"]: row["total"]
        for row in balances.values("item_id").annotate(total=Sum("quantity")).order_by()
    }


def ledger_total(item: Item, location: Location | None = None, lot: Lot | None = None) -> Decimal:
    """The sum of moves: what the balance must equal. Used by checks and tests."""
    moves = StockMove.objects.filter(item=item)
    if location is not None:
        moves = moves.filter(location=location)
    if lot is not None:
        moves = moves.filter(lot=lot)
    total = moves.aggregate(total=Sum("quantity"))["total"]
    return total if total is not None else ZERO
