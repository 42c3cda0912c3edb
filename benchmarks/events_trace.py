"""`andon bench events --trace`: lot tracing over a year of genealogy of a 100-work-center plant.

The fixture is bulk-inserted (it is a benchmark fixture, not a use case): `--work-centers` work
centers in three levels (40% make parts from bought material, 40% subassemblies from parts, 20%
final assembly), ten items each, every work center finishing `--lots-per-day` lots per working
day for `--days` days, each produced lot made of three lots of the level below drawn from those
of the last week (parts: two lots of bought material, received weekly per item). One work order
per produced lot, one `LotLink` per consumed lot, as the ledger writes them.

Timed: `GET /api/v1/lots/<item>/<lot>/trace` through the whole Django stack (the recursive query,
the tree, the JSON), backward from finished lots of the last quarter and forward from bought
lots of the middle of the year; median and max of `--traces` each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgres://root@127.0.0.1:5432/bench_trace"
WEEK = 7


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--work-centers", type=int, default=100, help="(trace) default 100.")
    parser.add_argument("--days", type=int, default=365, help="(trace) history, default 365.")
    parser.add_argument(
        "--lots-per-day", type=int, default=2, help="(trace) lots per work center and day (2)."
    )
    parser.add_argument("--traces", type=int, default=20, help="(trace) traces per direction.")


def build(work_centers: int, days: int, lots_per_day: int, seed: int) -> dict[str, Any]:
    """Bulk-insert the plant and its genealogy; returns the counts."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from andon.catalog.models import Item, UnitOfMeasure
    from andon.inventory.models import Lot
    from andon.plant.models import Calendar, Location, WorkCenter
    from andon.production.models import LotLink, WorkOrder

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(seed)
    start = timezone.now().replace(hour=6, minute=0, second=0, microsecond=0) - dt.timedelta(
        days=days
    )
    with transaction.atomic():
        pcs, _ = UnitOfMeasure.objects.get_or_create(
            code="pcs", defaults={"name": "Pieces", "dimension": "count"}
        )
        calendar = Calendar.objects.create(code="BENCH", name="Bench calendar")
        store = Location.objects.create(code="BENCH-WH", name="Bench warehouse")
        centers = WorkCenter.objects.bulk_create(
            WorkCenter(code=f"WC{n:03d}", name=f"Work center {n}", calendar=calendar)
            for n in range(work_centers)
        )
        levels = [
            centers[: int(work_centers * 0.4)],
            centers[int(work_centers * 0.4) : int(work_centers * 0.8)],
            centers[int(work_centers * 0.8) :],
        ]

        def items(prefix: str, count: int, procurement: str) -> list[Item]:
            made: list[Item] = Item.objects.bulk_create(
                Item(
                    sku=f"{prefix}{n:04d}",
                    name=f"{prefix} {n}",
                    uom=pcs,
                    procurement=procurement,
                    lot_tracked=True,
                )
                for n in range(count)
            )
            return made

        bought = items("RAW", work_centers, "buy")
        made = [items(f"L{level + 1}-", len(wcs) * 10, "make") for level, wcs in enumerate(levels)]
        # Bought lots: one per item and week.
        raw_lots = Lot.objects.bulk_create(
            Lot(item=item, code=f"R{week:03d}", supplier_lot=f"S{week}")
            for week in range(days // WEEK + 1)
            for item in bought
        )
        by_week: dict[int, list[Lot]] = {}
        for lot in raw_lots:
            by_week.setdefault(int(lot.code[1:]), []).append(lot)
        below: list[tuple[int, Lot]] = [
            (week * WEEK, lot) for week, lots in by_week.items() for lot in lots
        ]
        total_links = total_lots = 0
        for level, wcs in enumerate(levels):
            pool: dict[int, list[Lot]] = {}
            for day, lot in below:
                pool.setdefault(day, []).append(lot)
            # What a lot made on a day may consume: the lots below of the week before.
            window = [
                [c for d in range(max(day - WEEK, 0), day + 1) for c in pool.get(d, [])]
                for day in range(days)
            ]
            days_of: list[int] = []
            lots: list[Lot] = []
            orders: list[WorkOrder] = []
            for day in range(days):
                for w in range(len(wcs)):
                    for k in range(lots_per_day):
                        item = made[level][w * 10 + rng.randrange(10)]
                        code = f"D{day:03d}-{w:03d}-{k}"
                        days_of.append(day)
                        lots.append(Lot(item=item, code=code))
                        orders.append(
                            WorkOrder(
                                number=f"T{level + 1}-{day:03d}-{w:03d}-{k}",
                                item=item,
                                quantity=Decimal(10),
                                due_date=(start + dt.timedelta(days=day)).date(),
                                status=WorkOrder.Status.CLOSED,
                                supply_location=store,
                                output_location=store,
                                lot_code=code,
                            )
                        )
            lots = Lot.objects.bulk_create(lots, batch_size=2000)
            orders = WorkOrder.objects.bulk_create(orders, batch_size=2000)
            links: list[LotLink] = []
            for day, lot, order in zip(days_of, lots, orders, strict=True):
                candidates = window[day] or [lot for _, lot in below[:10]]
                for component in rng.sample(candidates, min(3 if level else 2, len(candidates))):
                    links.append(
                        LotLink(
                            work_order=order,
                            parent_lot=lot,
                            component_lot=component,
                            quantity=Decimal(10),
                            at=start + dt.timedelta(days=day, hours=rng.randrange(16)),
                        )
                    )
            LotLink.objects.bulk_create(links, batch_size=5000)
            total_links += len(links)
            total_lots += len(lots)
            below = list(zip(days_of, lots, strict=True))
    # Planner statistics, as autovacuum gathers them soon after a load this size: without them
    # PostgreSQL scans every link at each level of the recursive query.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "work_centers": work_centers,
        "lots": total_lots + len(raw_lots),
        "lot_links": total_links,
    }


def time_traces(traces: int, days: int, seed: int) -> dict[str, float]:
    """Median and max milliseconds of API traces, backward and forward."""
    from django.contrib.auth.models import User
    from django.test import Client

    from andon.inventory.models import Lot
    from andon.production.models import LotLink

    rng = random.Random(seed)
    user = User.objects.create_superuser("bench-trace", "bench@example.com", None)
    client = Client(HTTP_HOST="localhost")  # an allowed host: not the test server name
    client.force_login(user)
    finished = list(
        Lot.objects.filter(item__sku__startswith="L3-")
        .order_by("-pk")[:2000]
        .values_list("item__sku", "code")
    )
    middle = Lot.objects.filter(item__sku__startswith="RAW", code=f"R{days // WEEK // 2:03d}")
    raw = list(middle.values_list("item__sku", "code"))
    figures: dict[str, float] = {}
    for direction, pool in (("backward", finished), ("forward", raw)):
        times, sizes = [], []
        client.get(f"/api/v1/lots/{pool[0][0]}/{pool[0][1]}/trace?direction={direction}")
        for sku, code in rng.sample(pool, min(traces, len(pool))):
            begun = time.perf_counter()
            answer = client.get(f"/api/v1/lots/{sku}/{code}/trace?direction={direction}")
            times.append((time.perf_counter() - begun) * 1000)
            if answer.status_code != 200:
                raise RuntimeError(f"trace {sku}/{code}: {answer.status_code} {answer.content!r}")
            sizes.append(answer.json()["lots"])
        figures[f"{direction}_median_ms"] = round(statistics.median(times), 1)
        figures[f"{direction}_max_ms"] = round(max(times), 1)
        figures[f"{direction}_lots_median"] = statistics.median(sizes)
    figures["lot_links_total"] = LotLink.objects.count()
    return figures


def main(argv: list[str] | None = None) -> None:
    """Build and time in this process (the database named by the environment)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.events_trace")
    add_arguments(parser)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "andon.settings")
    import django

    django.setup()
    begun = time.perf_counter()
    counts = build(args.work_centers, args.days, args.lots_per_day, args.seed)
    counts["build_seconds"] = round(time.perf_counter() - begun, 1)
    print(json.dumps({**counts, **time_traces(args.traces, args.days, args.seed)}))


def measure(options: dict[str, Any], progress: bool) -> Iterator[dict[str, Any]]:
    """Run `main` in a process of its own on a fresh database, once per `--runs`."""
    from benchmarks.events import environment, recreate_postgres

    for _ in range(options["runs"]):
        with tempfile.TemporaryDirectory(prefix="andon-bench-trace-") as home:
            opts = dict(options)
            if options["database"] == "postgres":
                opts["database_url"] = options["database_url"].rpartition("/")[0] + "/bench_trace"
                opts["database_url"] = recreate_postgres(opts["database_url"])
            if progress:
                sys.stderr.write("Building a year of genealogy and tracing...\n")
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.events_trace",
                    "--work-centers",
                    str(options["work_centers"]),
                    "--days",
                    str(options["days"]),
                    "--lots-per-day",
                    str(options["lots_per_day"]),
                    "--traces",
                    str(options["traces"]),
                    "--seed",
                    str(options["seed"]),
                ],
                env=environment(opts, home),
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"trace benchmark failed:\n{done.stderr[-3000:]}")
            row = json.loads(done.stdout.strip().splitlines()[-1])
            yield {"database": options["database"], **row, "load_1m": round(os.getloadavg()[0], 2)}


if __name__ == "__main__":
    main()
