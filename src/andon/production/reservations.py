"""Reservations: what an open work order still has to draw of each material is held for it.

One rule for the order's lifecycle (release, split, cancel, a hand issue) and for the shop
floor's batches: reserved = still to issue while the order is open, nothing once it is not.
A batch decides reservations in memory for every order it moved and writes them with its other
material changes; a single use case saves them at once (`reserve`).
"""

from collections.abc import Iterable
from decimal import Decimal

from andon.production.models import OPEN_STATUSES, WorkOrder, WorkOrderMaterial

ZERO = Decimal("0")


def hold(order: WorkOrder, materials: Iterable[WorkOrderMaterial]) -> list[WorkOrderMaterial]:
    """Set each material's reservation for the order's status (in memory); the changed ones."""
    is_open = order.status in OPEN_STATUSES
    changed = []
    for material in materials:
        reserved = material.open_quantity if is_open else ZERO
        if material.reserved_quantity != reserved:
            material.reserved_quantity = reserved
            changed.append(material)
    return changed


def reserve(order: WorkOrder) -> None:
    """Reserve what is still to issue while the order is open; release it otherwise."""
    for material in hold(order, order.materials.all()):
        material.save(update_fields=["reserved_quantity"])
