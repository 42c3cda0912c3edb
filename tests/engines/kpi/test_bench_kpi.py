"""The KPI benchmark runs end to end on a small size, and its generator is deterministic."""

import numpy as np

from andon.engines.kpi import Status
from benchmarks import kpi as bench


def test_generator_is_deterministic_per_seed() -> None:
    a, b = bench.synthetic_year(20_000, 3), bench.synthetic_year(20_000, 3)
    assert np.array_equal(a.elements.start, b.elements.start)
    assert np.array_equal(a.elements.produced, b.elements.produced)
    assert not np.array_equal(a.elements.start, bench.synthetic_year(20_000, 4).elements.start)


def test_bench_rows_carry_units_and_find_the_planted_overlaps() -> None:
    rows = list(
        bench.run({"events": "20000", "seed": 1, "repeat": 1, "shuffle": True}, progress=False)
    )
    assert len(rows) == 1
    row = rows[0]
    assert row["events"] == 20_000
    assert row["rows"] == 100 * 365
    assert row["status"] == Status.OVERLAPS.value
    assert 0 < row["overlaps"] < 100
    assert {"best_seconds", "median_seconds", "events_per_second", "peak_memory_mb"} <= set(row)
