"""`andon bench mrp`: plan synthetic plants of growing size and report time and memory.

The plant generator is deterministic per seed and shaped like a real discrete manufacturer: ten
levels, about five BOM lines per make item, components drawn mostly from the next level down and
near their parent (product families share parts, but not every part is used everywhere), a mix of
lot-size rules, some stock, open purchase orders and forecasts, and about one sales order per
finished item spread over the horizon.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import resource
import sys
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from andon.engines.mrp import (
    BomLine,
    Forecast,
    Item,
    LotSizeRule,
    MrpProblem,
    PlanningCalendar,
    Procurement,
    SalesDemand,
    ScheduledReceipt,
    plan,
)

HELP = "Plan synthetic plants (10 levels, ~5 BOM lines per make item) and time the MRP engine."
LEVELS = 10
LEVEL_WEIGHTS = np.array([0.08, 0.08, 0.09, 0.1, 0.1, 0.1, 0.11, 0.11, 0.11, 0.12])
TODAY = dt.date(2025, 1, 6)
HORIZON_DAYS = 182
SPREAD = 6.0
LINES_AT_LEVEL = (9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.5, 2.0, 0.0)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--items",
        default="1000,10000,100000",
        help="Comma-separated plant sizes in items (default 1000,10000,100000).",
    )
    parser.add_argument("--seed", type=int, default=1, help="Generator seed (default 1).")
    parser.add_argument(
        "--engine-only",
        action="store_true",
        help="Time the engine on generated data, without a database.",
    )
    parser.add_argument(
        "--plant",
        choices=("current", "generated"),
        default="current",
        help="Without --engine-only: time the database as it is (current), or load each "
        "generated --items size into it first (generated; an empty database is best).",
    )


def synthetic_plant(items: int, seed: int) -> MrpProblem:
    """A plant of `items` items; the same (items, seed) always gives the same problem."""
    rng = np.random.default_rng(seed)
    sizes = np.maximum((LEVEL_WEIGHTS * items).astype(int), 1)
    sizes[-1] += max(items - int(sizes.sum()), 0)
    starts = np.concatenate(([0], np.cumsum(sizes)))
    total = int(starts[-1])
    level_of = np.repeat(np.arange(LEVELS), sizes)
    # Finished goods and the bottom level are all make / all buy; in between, 30% is bought.
    # Deeper levels hold more bought parts, and their make items have fewer lines (a machined
    # part is made from one or two materials, an assembly from many): about 5 lines on average.
    buy = rng.random(total) < 0.15 + 0.04 * level_of
    buy[: sizes[0]] = False
    buy[starts[-2] :] = True
    ids = [f"I{n:06d}" for n in range(total)]
    # Plants plan most parts in weekly or longer periods; lot-for-lot is kept for a quarter.
    # Components: mostly monthly or fortnightly periods and economic lots, as a plant with
    # 100,000 parts plans its low runners; rules whose quantities are set by hand scale with depth.
    rules = rng.choice(5, size=total, p=[0.1, 0.55, 0.1, 0.1, 0.15])
    # Finished goods are mostly built to order, lot for lot.
    rules[: sizes[0]] = np.where(rng.random(sizes[0]) < 0.7, 0, rules[: sizes[0]])
    lead = rng.integers(1, 6, size=total)
    on_hand = np.where(rng.random(total) < 0.3, rng.integers(1, 200, size=total), 0)
    safety = np.where(rng.random(total) < 0.1, rng.integers(1, 50, size=total), 0)
    item_rows = []
    for n in range(total):
        rule = int(rules[n])
        kwargs: dict[str, Any] = {}
        if rule == 1:
            days = float(rng.choice([10, 20, 20]))
            kwargs = {"lot_size_rule": LotSizeRule.PERIOD, "lot_size": days}
        elif rule == 2:
            size = float(rng.choice([50, 100]) * 4 ** level_of[n])
            kwargs = {"lot_size_rule": LotSizeRule.FIXED, "lot_size": size}
        elif rule == 3:
            kwargs = {
                "lot_size_rule": LotSizeRule.MIN_MAX,
                "min_qty": float(100 * 4 ** level_of[n]),
                "max_qty": float(100_000 * 4 ** level_of[n]),
                "multiple": 50.0,
            }
        elif rule == 4:
            kwargs = {
                "lot_size_rule": LotSizeRule.EOQ,
                "order_cost": 50.0,
                "standard_cost": 10.0,
                "holding_rate_percent": 20.0,
            }
        item_rows.append(
            Item(
                ids[n],
                Procurement.BUY if buy[n] else Procurement.MAKE,
                lead_time_days=int(lead[n]),
                on_hand=float(on_hand[n]),
                safety_stock=float(safety[n]),
                **kwargs,
            )
        )
    lines = []
    for n in np.flatnonzero(~buy).tolist():
        level = int(level_of[n])
        position = (n - starts[level]) / sizes[level]
        count = max(1, int(rng.poisson(LINES_AT_LEVEL[level])))
        chosen: set[int] = set()
        for _ in range(4 * count):
            if len(chosen) == count:
                break
            below = level + 1 if rng.random() < 0.8 else int(rng.integers(level + 1, LEVELS))
            centre = starts[below] + position * sizes[below]
            # A fixed spread in items (not a share of the level) keeps the fan-in, and so the
            # work per item, the same at every plant size.
            pick = int(np.rint(centre + rng.normal(0, SPREAD)))
            pick = int(min(max(pick, starts[below]), starts[below + 1] - 1))
            if pick in chosen:
                continue
            chosen.add(pick)
            lines.append(
                BomLine(
                    ids[n],
                    ids[pick],
                    float(rng.choice([1, 1, 1, 2])),
                    scrap_percent=float(rng.choice([0, 0, 0, 2, 5])),
                )
            )
    horizon_end = TODAY + dt.timedelta(days=HORIZON_DAYS)
    sales = []
    forecasts = []
    for n in range(int(sizes[0])):
        due = TODAY + dt.timedelta(days=int(rng.integers(-3, HORIZON_DAYS)))
        sales.append(SalesDemand(f"SO{n:06d}/1", ids[n], float(rng.integers(1, 50)), due))
        if rng.random() < 0.2:
            day = TODAY + dt.timedelta(days=int(rng.integers(0, HORIZON_DAYS)))
            forecasts.append(Forecast(f"F{n:06d}", ids[n], day, float(rng.integers(10, 100))))
    receipts = []
    for n in np.flatnonzero(buy & (rng.random(total) < 0.1)).tolist():
        due = TODAY + dt.timedelta(days=int(rng.integers(0, 60)))
        receipts.append(ScheduledReceipt(f"PO{n:06d}/1", ids[n], float(rng.integers(10, 300)), due))
    calendar = PlanningCalendar.weekdays(
        TODAY - dt.timedelta(days=730), horizon_end + dt.timedelta(days=30)
    )
    return MrpProblem(
        today=TODAY,
        horizon_end=horizon_end,
        calendar=calendar,
        items=tuple(item_rows),
        bom_lines=tuple(lines),
        sales_demands=tuple(sales),
        forecasts=tuple(forecasts),
        scheduled_receipts=tuple(receipts),
    )


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run(options: dict[str, Any], progress: bool) -> Iterator[dict[str, Any]]:
    """One row per plant size, smallest first (peak RSS only grows, so each row bounds its run).

    Without `--engine-only`, the whole database run against its I/O floor (`mrp_db`).
    """
    if not options.get("engine_only"):
        from benchmarks.mrp_db import database_rows

        yield from database_rows(options, progress)
        return
    sizes = sorted(int(s) for s in str(options["items"]).split(",") if s.strip())
    for size in sizes:
        if progress:
            print(f"generating {size:,} items ...", file=sys.stderr)
        started = time.perf_counter()
        problem = synthetic_plant(size, int(options["seed"]))
        generated = time.perf_counter() - started
        gc.collect()
        if progress:
            print(f"planning {size:,} items ...", file=sys.stderr)
        started, cpu_started = time.perf_counter(), time.process_time()
        result = plan(problem)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        pegs = sum(len(p) for p in result.peg_rows)
        yield {
            "items": len(problem.items),
            "bom_lines": len(problem.bom_lines),
            "demands": len(problem.sales_demands) + len(problem.forecasts),
            "status": result.status.value,
            "planned_orders": len(result.planned_orders),
            "pegs": pegs,
            "exceptions": len(result.exceptions),
            "generate_seconds": round(generated, 3),
            "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu_seconds, 3),
            "cpu_microseconds_per_item": round(cpu_seconds / len(problem.items) * 1e6, 2),
            "peak_memory_mb": round(_peak_rss_mb(), 1),
        }
        del problem, result
