"""`andon bench kpi`: a synthetic year of shop-floor events, all KPIs by work center and by day.

The generator is deterministic per seed: 100 work centers each record back-to-back elements over
a year (2025, plant at UTC+1), with production most of the time, setups, delays, short and long
unplanned stops, planned downtime and idle time; production elements carry quantities for one of
500 items whose ideal cycle time (PRU) is known on every work center. One element in a thousand
starts a little before the previous one ends, to exercise the overlap rule. Planned busy time is
three 8-hour shifts a day; attendance is one crew per work center and shift. Elements come sorted
by work center and start, as the database returns them (`--shuffle` times the sorting path).
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import numpy as np

from andon.engines.kpi import (
    Attendance,
    Dimension,
    KpiData,
    Period,
    PlannedBusyTime,
    PlannedRunTimes,
    TimeElements,
    compute,
)

HELP = "Compute every KPI by work center and day over a synthetic year of events."
WORK_CENTERS = 100
ITEMS = 500
YEAR_START = 1_735_686_000  # 2025-01-01 00:00 at UTC+1
DAYS = 365
OFFSET = 3600
SHIFT_SECONDS = 8 * 3600
KIND_SHARES = [
    0.62,
    0.06,
    0.12,
    0.03,
    0.07,
    0.10,
]  # production, setup, delay, planned, unplanned, idle


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--events",
        default="100000,1000000,10000000",
        help="Comma-separated event counts (default 100000,1000000,10000000).",
    )
    parser.add_argument("--seed", type=int, default=1, help="Generator seed (default 1).")
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs per size (default 3).")
    parser.add_argument(
        "--shuffle", action="store_true", help="Shuffle the elements so the engine must sort them."
    )


def synthetic_year(events: int, seed: int, shuffle: bool = False) -> KpiData:
    """`events` elements over a year on 100 work centers; same (events, seed), same data."""
    rng = np.random.default_rng(seed)
    per = max(events // WORK_CENTERS, 1)
    n = per * WORK_CENTERS
    mean = DAYS * 86_400 / per
    seconds = np.maximum(rng.exponential(mean, size=(WORK_CENTERS, per)), 1.0).astype(np.int64)
    # Scale each work center's durations so its elements fill the year.
    seconds = np.maximum(seconds * (DAYS * 86_400) // seconds.sum(axis=1, keepdims=True), 1)
    ends = np.cumsum(seconds, axis=1) + YEAR_START
    starts = ends - seconds
    kind = rng.choice(6, size=n, p=KIND_SHARES).astype(np.int64)
    start, end, dur = starts.ravel(), ends.ravel(), seconds.ravel()
    overlap = np.flatnonzero(rng.random(n) < 0.001)
    overlap = overlap[overlap % per != 0]
    start[overlap] -= np.minimum(dur[overlap - 1] - 1, 30)
    wc = np.repeat(np.arange(WORK_CENTERS, dtype=np.int64), per)
    production = kind == 0
    item = np.where(production | (kind == 1), rng.integers(0, ITEMS, size=n), -1)
    pru_table = rng.uniform(5.0, 60.0, size=ITEMS * WORK_CENTERS)
    pru = pru_table[np.maximum(item, 0) * WORK_CENTERS + wc]
    produced = np.where(production, np.floor(dur / pru * rng.uniform(0.6, 1.0, size=n)), 0.0)
    scrap = np.floor(produced * rng.uniform(0, 0.04, size=n))
    rework = np.floor(produced * rng.uniform(0, 0.03, size=n))
    good = produced - scrap
    shift = ((start - YEAR_START) % 86_400) // SHIFT_SECONDS  # YEAR_START is local midnight
    elements = TimeElements(
        work_center=wc,
        start=start,
        end=end,
        kind=kind,
        item=item,
        order=np.where(item >= 0, wc * 100_000 + np.arange(n) // 50 % 100_000, -1),
        shift=shift,
        crew=wc * 3 + shift,
        produced=produced,
        good=good,
        scrap=scrap,
        rework=rework,
    )
    if shuffle:
        perm = rng.permutation(n)
        elements = TimeElements(
            **{name: getattr(elements, name)[perm] for name in elements.__dataclass_fields__}
        )
    shifts = np.arange(DAYS * 3, dtype=np.int64)
    shift_start = YEAR_START + shifts * SHIFT_SECONDS
    pbt = PlannedBusyTime(
        work_center=np.repeat(np.arange(WORK_CENTERS), shifts.size),
        start=np.tile(shift_start, WORK_CENTERS),
        end=np.tile(shift_start + SHIFT_SECONDS, WORK_CENTERS),
        shift=np.tile(shifts % 3, WORK_CENTERS),
    )
    attendance = Attendance(
        crew=np.repeat(np.arange(WORK_CENTERS), shifts.size) * 3
        + np.tile(shifts % 3, WORK_CENTERS),
        start=pbt.start,
        end=pbt.end,
        shift=pbt.shift,
    )
    runs = PlannedRunTimes(
        item=np.repeat(np.arange(ITEMS), WORK_CENTERS),
        work_center=np.tile(np.arange(WORK_CENTERS), ITEMS),
        seconds_per_unit=pru_table,
    )
    return KpiData(
        elements, pbt, runs, attendance, line_of_work_center=np.arange(WORK_CENTERS) // 10
    )


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run(options: dict[str, Any], progress: bool) -> Iterator[dict[str, Any]]:
    """One row per size, smallest first: best and median of `--repeat` timed runs."""
    sizes = sorted(int(s) for s in str(options["events"]).split(",") if s.strip())
    for size in sizes:
        if progress:
            print(f"generating {size:,} events ...", file=sys.stderr)
        started = time.perf_counter()
        data = synthetic_year(size, int(options["seed"]), bool(options.get("shuffle")))
        generated = time.perf_counter() - started
        times = []
        for attempt in range(max(int(options["repeat"]), 1)):
            if progress:
                print(f"computing KPIs, run {attempt + 1} ...", file=sys.stderr)
            gc.collect()
            started = time.perf_counter()
            result = compute(data, (Dimension.WORK_CENTER,), Period.DAY, OFFSET)
            times.append(time.perf_counter() - started)
        rss = _peak_rss_mb()
        gc.collect()
        tracemalloc.start()
        compute(data, (Dimension.WORK_CENTER,), Period.DAY, OFFSET)
        engine_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        best, median = min(times), statistics.median(times)
        yield {
            "events": len(data.elements),
            "rows": len(result.table),
            "overlaps": result.overlaps.elements,
            "status": result.status.value,
            "generate_seconds": round(generated, 2),
            "runs": len(times),
            "best_seconds": round(best, 3),
            "median_seconds": round(median, 3),
            "events_per_second": round(len(data.elements) / best),
            "engine_peak_memory_mb": round(engine_peak / 2**20, 1),
            "peak_memory_mb": round(rss, 1),
        }
        del data, result
