"""Find the records an API request names by their codes, or say clearly which one is unknown.

A reference to something that does not exist is bad input (400 with the field named), not a
missing page: the request body is wrong, the URL is not.
"""

from andon.catalog.models import Item
from andon.core.errors import Problem, ValidationFailed
from andon.inventory.models import Lot
from andon.plant.models import Location


def _unknown(what: str, code: str, column: str) -> ValidationFailed:
    return ValidationFailed(
        f"There is no {what} {code!r}.",
        [Problem(message=f"Unknown {what}.", column=column)],
        code=f"unknown_{what.replace(' ', '_')}",
    )


def item_by_sku(sku: str, column: str = "item") -> Item:
    item = Item.objects.select_related("uom").filter(sku=sku).first()
    if item is None:
        raise _unknown("item", sku, column)
    return item


def location_by_code(code: str, column: str = "location") -> Location:
    location = Location.objects.filter(code=code).first()
    if location is None:
        raise _unknown("location", code, column)
    return location


def lot_by_code(item: Item, code: str | None, column: str = "lot") -> Lot | None:
    """The item's lot with this code; None when no lot is named."""
    if not code:
        return None
    lot = Lot.objects.filter(item=item, code=code).first()
    if lot is None:
        raise ValidationFailed(
            f"{item.sku} has no lot {code!r}.",
            [Problem(message="Unknown lot.", column=column)],
            code="unknown_lot",
        )
    return lot
