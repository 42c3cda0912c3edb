"""How a planned order above its item's maximum lot is split when it becomes real orders.

The MRP engine makes one planned order per item and day, however much is needed: a day that
needs more than the min/max rule's maximum gets one order holding several lots (full lots of
the maximum and one lot for the rest), so that a deep structure does not explode into millions
of orders. A machine, a crate or a supplier contract still takes at most the maximum at once, so
conversion makes one work order or purchase order line per lot, each traced back to the planned
order it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from andon.catalog.models import Item

MAX_LOTS = 200
"""More lots than this from one planned order is a master-data mistake, not a plan."""
ZERO = Decimal("0")


class LotError(ValueError):
    """The quantity cannot be cut into lots the item's rule allows; the text says why."""


@dataclass(frozen=True)
class LotRule:
    """The item's largest and smallest lot and its order multiple, as conversion applies them."""

    maximum: Decimal
    minimum: Decimal
    multiple: Decimal

    @classmethod
    def of(cls, item: Item) -> LotRule | None:
        """The rule that splits `item`'s orders, or None when nothing limits a lot's size.

        The multiple is at least 1 for a unit that counts whole pieces, as MRP plans them; the
        maximum is rounded down to the multiple, as the engine's lot sizing does.
        """
        if item.lot_size_rule != Item.LotSizeRule.MIN_MAX or not item.max_qty:
            return None
        multiple = item.multiple or ZERO
        if item.uom.whole_numbers and multiple < 1:
            multiple = Decimal("1")
        maximum = item.max_qty
        if multiple > 0:
            maximum = (maximum / multiple).to_integral_value(rounding="ROUND_FLOOR") * multiple
        return cls(maximum=maximum, minimum=item.min_qty or ZERO, multiple=multiple)

    def split(self, quantity: Decimal) -> list[Decimal]:
        """Full lots of the maximum and one lot for the rest; the lots add up to `quantity`.

        Raises LotError when the maximum holds no whole multiple, when the rest is not a whole
        number of multiples or is below the minimum, or when the lots would be absurdly many.
        """
        if quantity <= self.maximum:
            return [quantity]
        if self.maximum <= 0:
            raise LotError(
                f"its maximum lot {self.maximum.normalize():f} holds no whole order multiple "
                f"of {self.multiple.normalize():f}"
            )
        full, rest = divmod(quantity, self.maximum)
        count = int(full) + (1 if rest else 0)
        if count > MAX_LOTS:
            raise LotError(
                f"{quantity.normalize():f} would make {count:,} lots of at most "
                f"{self.maximum.normalize():f} (more than {MAX_LOTS})"
            )
        if rest and self.multiple > 0 and rest % self.multiple:
            raise LotError(
                f"the last lot of {rest.normalize():f} is not a whole number of order "
                f"multiples of {self.multiple.normalize():f}"
            )
        if rest and rest < self.minimum:
            raise LotError(
                f"the last lot of {rest.normalize():f} is below the item's minimum lot "
                f"{self.minimum.normalize():f}"
            )
        return [self.maximum] * int(full) + ([rest] if rest else [])


def lots(item: Item, quantity: Decimal) -> list[Decimal]:
    """The quantities the orders made from one planned order of `item` get."""
    rule = LotRule.of(item)
    return [quantity] if rule is None else rule.split(quantity)
