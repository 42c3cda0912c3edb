"""Forecast consumption: sales orders use up the forecast around their due date.

A forecast says "we expect to sell 100 in week 12"; when a customer orders 30 for that week, the
real demand is 30 plus the 70 still expected, not 130. Each sales order consumes forecasts of its
item dated within the window, the nearest earlier one first (backward), then later ones (forward),
which is the order most planners expect.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict

from andon.engines.mrp.model import EPSILON, Forecast, SalesDemand


def consume_forecasts(
    forecasts: tuple[Forecast, ...],
    sales: tuple[SalesDemand, ...],
    days_before: int,
    days_after: int,
) -> dict[str, float]:
    """Forecast id -> quantity left after consumption (0 when fully consumed).

    A sales order due on `s` consumes a forecast dated `f` when f - days_before <= s <= f +
    days_after.
    """
    left = {f.id: f.quantity for f in forecasts}
    by_item: dict[str, list[Forecast]] = defaultdict(list)
    for f in forecasts:
        by_item[f.item].append(f)
    if not by_item:
        return left
    before = dt.timedelta(days=days_before)
    after = dt.timedelta(days=days_after)
    item_dates: dict[str, list[dt.date]] = {}
    for item, flist in by_item.items():
        flist.sort(key=lambda f: (f.date, f.id))
        item_dates[item] = [f.date for f in flist]
    for so in sorted(sales, key=lambda s: (s.due, s.id)):
        if so.item not in item_dates:
            continue
        flist = by_item[so.item]
        dates = item_dates[so.item]
        lo = bisect.bisect_left(dates, so.due - after)
        hi = bisect.bisect_right(dates, so.due + before)
        split = bisect.bisect_right(dates, so.due, lo, hi)
        # Backward first (latest earlier forecast), then forward.
        order = [*range(split - 1, lo - 1, -1), *range(split, hi)]
        need = so.quantity
        for j in order:
            if need <= EPSILON:
                break
            fid = flist[j].id
            use = min(need, left[fid])
            left[fid] -= use
            need -= use
    return left
