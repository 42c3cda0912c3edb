"""The rules every stock move keeps, whoever posts it: signs by kind, units, lots, reasons.

Shared by the ledger's writer (`inventory.ledger`) and by callers that check a move before they
ask for it (a shop-floor event refused before it is stored, an order line before it ships).
"""

from decimal import Decimal
from typing import Any

from andon.catalog.models import Item
from andon.core.errors import Problem, ValidationFailed
from andon.inventory.models import Lot, StockMove

Kind = StockMove.Kind
ZERO = Decimal("0")
MAX_PLACES = 4  # matches fields.QTY_DIGITS

# The sign each kind of move must have; kinds not listed may go either way.
INBOUND = frozenset({Kind.OPENING, Kind.RECEIPT, Kind.PRODUCTION})
OUTBOUND = frozenset({Kind.ISSUE, Kind.BACKFLUSH, Kind.SCRAP, Kind.SHIPMENT})
NEEDS_REASON = frozenset({Kind.SCRAP, Kind.ADJUSTMENT})


def fmt(quantity: Decimal) -> str:
    """A quantity as people write it: 100, 12.5 (never 1E+2 or 12.5000)."""
    return f"{quantity.normalize():f}"


def exact_quantity(value: Any) -> Decimal:
    """Quantities arrive as Decimal, int or text; floats would carry binary noise into stock."""
    if isinstance(value, float):
        raise ValidationFailed(
            "Quantities must be exact numbers, not floats.", code="invalid_quantity"
        )
    if isinstance(value, Decimal):
        return value
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
