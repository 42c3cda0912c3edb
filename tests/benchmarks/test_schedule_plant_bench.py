"""`andon bench schedule-plant --plant current` on a two-machine plant: its rows and their figures.

Timings are printed, never asserted; what is asserted is that each stage reports what a reader
of docs/benchmarks.md relies on (counts, checker verdict, moves) in the table and in JSON.
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.fixture
def plant(make_item, calendar, warehouse, planner):
    """Two lathes, four orders of two steps: small enough to solve in a blink."""
    from andon.catalog.models import Operation
    from andon.plant.models import WorkCenter
    from andon.production import services

    lathes = [
        WorkCenter.objects.create(code=f"LATHE-{i}", name=f"Lathe {i}", calendar=calendar)
        for i in (1, 2)
    ]
    item = make_item("SHAFT", procurement="make")
    for sequence, lathe in ((10, lathes[0]), (20, lathes[1])):
        Operation.objects.create(
            item=item, sequence=sequence, work_center=lathe, run_minutes_per_unit=20
        )
    for k in range(4):
        services.create_work_order(
            planner, item=item, quantity=3 + k, due_date=dt.date.today() + dt.timedelta(days=5),
            supply_location=warehouse, output_location=warehouse,
        )  # fmt: skip


def bench(*extra: str) -> str:
    out = io.StringIO()
    call_command(
        "bench", "schedule-plant", "--plant", "current", "--time-limit", "1",
        "--reschedule-time-limit", "1", "--down-hours", "100", *extra, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def test_json_has_one_row_per_stage_with_counts_verdicts_and_moves(plant):
    rows = [json.loads(line) for line in bench("--json").splitlines()]
    assert [r["stage"] for r in rows] == ["build", "first_schedule", "run", "reschedule"]
    build, first, run, again = rows
    assert build["work_orders"] == 4
    assert build["operations"] == 8
    assert build["work_centers"] == 2
    assert build["workers"] == 0
    for row in rows:
        assert row["database"] == connection.vendor
        assert row["seconds"] >= 0
        assert row["peak_memory_mb"] > 0
        assert "load_average" in row
    assert first["seconds"] >= build["seconds"]  # the first schedule includes reading the plant
    assert first["horizon_days"] == 60  # the orders fit: the horizon is not lengthened
    for row in (first, run, again):
        assert row["violations"] == 0
        assert row["status"] in ("optimal", "feasible")
    assert run["time_limit_seconds"] == 1
    assert again["down"].endswith(" 100 h")
    # The busiest lathe is down for 100 hours from now (a weekend included): its work moves.
    assert again["moved"] >= 1


def test_table_names_every_stage(plant):
    table = bench()
    header = table.splitlines()[0].split()
    assert header[:4] == ["plant", "database", "stage", "seconds"]
    for stage in ("build", "first_schedule", "run", "reschedule"):
        assert stage in table
