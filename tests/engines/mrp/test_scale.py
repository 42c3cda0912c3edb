"""The plan grows with the plant's structure and demand dates, never with its quantities.

A deep structure whose components are shared by several parents multiplies the quantity needed
per item level by level (the large demo plant needs ~36 million of a bought item over six months
against ~160 of an end item). Lot sizes small against those quantities (a maximum of 30, a fixed
lot of 10) must make bigger orders, not more of them: one order per lot multiplied the orders,
then their component requirements, level after level, until the plan did not fit in memory.
"""

import datetime as dt

from andon.engines.mrp import (
    BomLine,
    Item,
    LotSizeRule,
    MrpProblem,
    MrpStatus,
    Procurement,
    SalesDemand,
    plan,
)

from .conftest import CALENDAR, TODAY

HORIZON = TODAY + dt.timedelta(days=91)
LEVELS = 7
WIDTH = 4
RULES = [
    {"lot_size_rule": LotSizeRule.MIN_MAX, "min_qty": 5.0, "max_qty": 10.0},
    {"lot_size_rule": LotSizeRule.FIXED, "lot_size": 10.0},
    {"lot_size_rule": LotSizeRule.LOT_FOR_LOT},
    {"lot_size_rule": LotSizeRule.MIN_MAX, "min_qty": 5.0, "max_qty": 12.0, "multiple": 3.0},
    {
        "lot_size_rule": LotSizeRule.EOQ,
        "order_cost": 50.0,
        "standard_cost": 2.0,
    },
    {"lot_size_rule": LotSizeRule.PERIOD, "lot_size": 5.0},
]


def deep_shared_plant() -> MrpProblem:
    """LEVELS levels of WIDTH items; each item needs 2 of each of 2 items on the level below.

    Each component has two parents at 2 per parent: the need per item grows 4x per level, 4,096x
    from the top to the bottom. Rules cycle over the items so every mix of parent and component
    rule occurs; the small maximum and fixed lot sit on every level.
    """
    items, lines = [], []
    for level in range(LEVELS):
        for k in range(WIDTH):
            leaf = level == LEVELS - 1
            items.append(
                Item(
                    f"L{level}-{k}",
                    Procurement.BUY if leaf else Procurement.MAKE,
                    lead_time_days=1,
                    **RULES[(level + k) % len(RULES)],
                )
            )
            if not leaf:
                for child in (k, (k + 1) % WIDTH):
                    lines.append(BomLine(f"L{level}-{k}", f"L{level + 1}-{child}", 2.0))
    sales = [
        SalesDemand(f"S{k}-{week}", f"L0-{k}", 20.0, TODAY + dt.timedelta(days=7 * week + k))
        for k in range(WIDTH)
        for week in range(12)
    ]
    return MrpProblem(
        today=TODAY,
        horizon_end=HORIZON,
        calendar=CALENDAR,
        items=tuple(items),
        bom_lines=tuple(lines),
        sales_demands=tuple(sales),
    )


def test_orders_and_pegs_stay_linear_in_a_deep_shared_structure():
    problem = deep_shared_plant()
    result = plan(problem)
    assert result.status == MrpStatus.OK
    orders = result.planned_orders
    # The bottom needs 4,096x the top: one order per lot made 256,000 orders here.
    bottom = sum(q for item, q in zip(orders.item, orders.quantity, strict=True) if item[1] == "6")
    assert bottom > 4_000 * 20 * 12
    # At most one order per item and working day of the horizon.
    days = CALENDAR.index_on_or_before(HORIZON) - CALENDAR.index_on_or_after(TODAY) + 1
    per_item: dict[str, int] = {}
    for item in orders.item:
        per_item[item] = per_item.get(item, 0) + 1
    assert max(per_item.values()) <= days
    # Pegs: each requirement is split over at most two orders (the excess of the last order,
    # then a new one), and each order may peg one excess.
    components = {i.id: 0 for i in problem.items}
    for b in problem.bom_lines:
        components[b.parent] += 1
    requirements = len(problem.sales_demands) + sum(components[item] for item in orders.item)
    pegs = sum(len(row) for row in result.peg_rows)
    assert pegs <= 2 * requirements + len(orders)
    assert pegs <= 3 * (len(orders) * max(components.values()) + len(problem.sales_demands))


def test_orders_beyond_the_maximum_or_lot_are_whole_lots_in_one_order():
    problem = deep_shared_plant()
    result = plan(problem)
    rules = {i.id: i for i in problem.items}
    for order in result.planned_orders:
        item = rules[order.item]
        if item.lot_size_rule == LotSizeRule.FIXED:
            assert order.quantity / 10.0 == round(order.quantity / 10.0)
        if item.lot_size_rule == LotSizeRule.MIN_MAX:
            assert order.quantity >= item.min_qty
            if item.multiple:
                assert order.quantity / item.multiple == round(order.quantity / item.multiple)
