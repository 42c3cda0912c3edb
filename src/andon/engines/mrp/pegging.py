"""Full pegging: which customer demand a planned order ultimately serves.

The planner pegs each order to what it directly serves, often a parent order. Tracing up the
tree, a parent order's quantity is split over its own pegs in proportion, so a component order's
quantity ends up divided among sales orders, forecasts, and the safety stock or lot-size excess of
the items on the way. The shares always add up to the order's quantity.
"""

from __future__ import annotations

from andon.engines.mrp.result import MrpResult, PegKind

TopPegs = dict[tuple[PegKind, str], float]


def top_level_pegging(result: MrpResult, number: int) -> TopPegs:
    """(kind, ref) -> quantity of order `number` serving it, up to the top of the structure.

    Keys are sales order and forecast ids, and for safety stock and excess the id of the item
    that holds it (a component can be ordered to cover its parent's lot-size excess).
    """
    memo: dict[int, TopPegs] = {}
    return _shares(result, number, memo)


def _shares(result: MrpResult, number: int, memo: dict[int, TopPegs]) -> TopPegs:
    """Absolute quantities of order `number` by top-level demand (memoised per order)."""
    if number in memo:
        return memo[number]
    out: TopPegs = {}
    item = result.planned_orders[number].item
    for peg in result.pegs(number):
        if peg.kind == PegKind.PARENT_ORDER:
            assert isinstance(peg.ref, int)
            parent = _shares(result, peg.ref, memo)
            total = sum(parent.values())
            for key, quantity in parent.items():
                out[key] = out.get(key, 0.0) + peg.quantity * quantity / total
        else:
            key = (peg.kind, item if peg.kind in _HELD else str(peg.ref))
            out[key] = out.get(key, 0.0) + peg.quantity
    memo[number] = out
    return out


_HELD = (PegKind.SAFETY_STOCK, PegKind.EXCESS)
