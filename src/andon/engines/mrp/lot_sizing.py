"""How much to order when a net requirement is not covered: the lot-size rules.

Each rule sees the uncovered net requirements from the one being served onwards, so that rules
which look ahead (every rule groups a day's requirements, the period rule covers N working days)
can sum them; the planner then lets the order's excess cover the following requirements.

Every rule makes at most one order per day with uncovered requirements (one per period for the
period rule), whatever the quantities. A lot size or a maximum smaller than a day's need makes
one order of several lots, never one order per lot: deep structures multiply quantities level by
level, and an order count that grows with quantity / lot size instead of with the demand dates
makes a plan of millions of identical orders, each exploding to every component below it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import accumulate

from andon.engines.mrp.model import EPSILON, Item, LotSizeRule

DAYS_PER_YEAR = 365.0


def round_up(quantity: float, multiple: float) -> float:
    """The smallest multiple of `multiple` >= quantity (quantity itself when multiple is 0)."""
    if multiple <= 0:
        return quantity
    return math.ceil(quantity / multiple - 1e-9) * multiple


def economic_order_quantity(item: Item, annual_demand: float) -> float:
    """EOQ = sqrt(2·D·S/H): D yearly demand, S cost per order, H yearly holding cost per unit."""
    holding = item.standard_cost * item.holding_rate_percent / 100.0
    if annual_demand <= 0 or holding <= 0:
        return 0.0
    return math.sqrt(2.0 * annual_demand * item.order_cost / holding)


class LotSizer:
    """One item's rule with its parameters resolved once, applied to each uncovered requirement."""

    __slots__ = (
        "_end",
        "_prefix",
        "eoq",
        "high",
        "low",
        "min_qty",
        "multiple",
        "period",
        "rule",
        "size",
        "span",
    )

    def __init__(
        self, item: Item, annual_demand: float, nets: Sequence[tuple[int, float, int]]
    ) -> None:
        self.rule = item.lot_size_rule
        self.multiple = item.multiple
        self.min_qty = item.min_qty
        self.size = item.lot_size or 0.0
        self.period = int(item.lot_size or 0)
        # Lot-for-lot, min/max and EOQ size one order per day; the period rule covers N days.
        self.span = self.period if self.rule == LotSizeRule.PERIOD else 1
        self.eoq = 0.0
        if self.rule == LotSizeRule.EOQ:
            self.eoq = economic_order_quantity(item, annual_demand)
        self.low = round_up(item.min_qty, item.multiple)
        high = item.max_qty or 0.0
        if item.multiple > 0:
            high = math.floor(high / item.multiple + 1e-9) * item.multiple
        self.high = high
        # Prefix sums and a forward-only window end: looking ahead costs O(1) per order even
        # when hundreds of requirements fall on one day.
        self._prefix = [0.0, *accumulate(q for _, q, _ in nets)]
        self._end = 0

    def quantity(self, nets: Sequence[tuple[int, float, int]], k: int, open_qty: float) -> float:
        """The order to create for nets[k], of which `open_qty` is still uncovered.

        Calls come with non-decreasing k, as the planner walks the requirements forwards.
        """
        rule = self.rule
        until = nets[k][0] + self.span
        j = max(self._end, k + 1)
        n = len(nets)
        while j < n and nets[j][0] < until:
            j += 1
        self._end = j
        need = open_qty + self._prefix[j] - self._prefix[k + 1]
        if rule == LotSizeRule.FIXED:
            # Whole lots in one order: a big requirement must not become thousands of orders.
            return math.ceil(need / self.size - 1e-9) * self.size
        if rule == LotSizeRule.MIN_MAX:
            return self._min_max(need)
        if rule == LotSizeRule.EOQ:
            need = max(need, self.eoq)
        return round_up(max(need, self.min_qty), self.multiple)

    def _min_max(self, need: float) -> float:
        """The day's need as lots of at most the maximum, each at least the minimum, in one order.

        When the need fits one lot, the order is that lot. Beyond the maximum, the order holds as
        many full lots as fit in the need plus one lot for the rest: the same quantity as that
        many separate orders, which the people who release it split as they see fit.
        """
        high = self.high
        one = min(max(round_up(need, self.multiple), self.low), high)
        if one >= need - EPSILON or high <= 0:
            return one
        full = math.floor(need / high + 1e-9)
        rest = need - full * high
        if rest <= EPSILON:
            return full * high
        return full * high + min(max(round_up(rest, self.multiple), self.low), high)
