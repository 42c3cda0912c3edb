"""`andon bench kpi_dashboards`: the KPI pages' data on a year of a large plant's shop-floor events.

The fixture is a benchmark database of its own (`andon_bench_kpi` on PostgreSQL, a file in the
temporary directory on SQLite), migrated and filled in bulk: 100 work centers on three 8-hour
shifts Monday to Friday, and for the last 365 days up to now every shift runs operations back to
back (setup, then cycles of running and a report, each followed by a pause, a short stop or now
and then a breakdown; weekly planned maintenance at machine level). Cycle times are scaled so the
ledger holds about `--events` events. Events are written with COPY on PostgreSQL. Loading is not
timed; folding the ledger into the element store the first time is (`initial fold`).

Each timed row is one request's data through `KpiService` (a new one per run, so nothing is
cached between runs): the KPI API by work center and day for the last full calendar month, the OEE
page's tables, the downtime Pareto, throughput and on-time delivery; and the plant overview page
rendered through the Django test client. Median and best of `--runs`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

HELP = "Time the KPI dashboards' data for a month and the overview page on a year of events."
BENCH_DB = "andon_bench_kpi"
SHIFTS = ((dt.time(6), dt.time(14)), (dt.time(14), dt.time(22)), (dt.time(22), dt.time(6)))
EVENTS_PER_WINDOW = 113  # what the default cycle times give per 8-hour shift, on average


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, default=10_000_000, help="About this many events.")
    parser.add_argument(
        "--days",
        type=int,
        default=365,
        help="Generate only the last DAYS days, at the density of --events a year (a quicker "
        "fixture for the same month: the pages read a month whatever the year holds).",
    )
    parser.add_argument("--work-centers", type=int, default=100)
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("ANDON_BENCH_POSTGRES", "postgres://root@127.0.0.1:5432/postgres"),
        help="Server to create the benchmark database on (any database URL on it).",
    )
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per row (median).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the fixture already in the benchmark database."
    )


def _use_database(options: dict[str, Any]) -> None:
    """Point the default connection at the benchmark's own database, created and migrated."""
    from urllib.parse import urlparse

    from django.core.management import call_command
    from django.db import connections

    settings = dict(connections["default"].settings_dict)
    connections["default"].close()
    if options["database"] == "postgres":
        import psycopg

        from andon import config

        url = urlparse(options["postgres"])
        server = {
            "HOST": url.hostname or "127.0.0.1",
            "PORT": str(url.port or 5432),
            "USER": url.username or "",
            "PASSWORD": url.password or "",
        }
        with psycopg.connect(options["postgres"], autocommit=True) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DB,)
            ).fetchone()
            if exists and not options["reuse"]:
                admin.execute(f"DROP DATABASE {BENCH_DB} WITH (FORCE)")
            if not exists or not options["reuse"]:
                admin.execute(f"CREATE DATABASE {BENCH_DB}")
        settings.update(
            ENGINE="django.db.backends.postgresql",
            NAME=BENCH_DB,
            OPTIONS=dict(config.POSTGRES_OPTIONS),  # as the product connects
            **server,
        )
    else:
        path = os.path.join(tempfile.gettempdir(), f"{BENCH_DB}.sqlite3")
        if os.path.exists(path) and not options["reuse"]:
            os.remove(path)
        settings.update(ENGINE="django.db.backends.sqlite3", NAME=path)
    connections.settings["default"] = settings
    del connections["default"]
    call_command("migrate", verbosity=0, interactive=False)


def _windows(first: dt.date, now: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    from django.utils import timezone

    out = []
    day = first
    while day <= now.date():
        if day.weekday() < 5:
            for start, end in SHIFTS:
                s = timezone.make_aware(dt.datetime.combine(day, start))
                e_day = day + dt.timedelta(days=1) if end <= start else day
                e = timezone.make_aware(dt.datetime.combine(e_day, end))
                if s < now:
                    out.append((s, min(e, now)))
        day += dt.timedelta(days=1)
    return out


def _fixture(options: dict[str, Any], progress: bool) -> int:
    """Master data with the ORM, work orders in bulk, events with COPY; the event count."""
    from django.contrib.auth.models import Group, User
    from django.db import connection, transaction
    from django.utils import timezone

    from andon.catalog.models import Item, UnitOfMeasure
    from andon.plant.models import Calendar, Location, Shift, WorkCenter
    from andon.production.models import ProductionEvent, WorkOrder, WorkOrderOperation

    rng = random.Random(options["seed"])
    now = timezone.now().replace(microsecond=0)
    year = _windows(timezone.localdate() - dt.timedelta(days=365), now)
    windows = _windows(timezone.localdate() - dt.timedelta(days=options["days"]), now)
    n_wc = options["work_centers"]
    scale = max(EVENTS_PER_WINDOW * len(year) * n_wc / options["events"], 0.05)
    with transaction.atomic():
        pcs = UnitOfMeasure.objects.create(code="pcs", name="Pieces", dimension="count")
        items = Item.objects.bulk_create(
            [
                Item(sku=f"P{n:04d}", name=f"Part {n}", uom=pcs, procurement="make")
                for n in range(200)
            ]
        )
        where = Location.objects.create(code="WH", name="Warehouse")
        calendar = Calendar.objects.create(code="3SHIFT", name="Three shifts, Mon-Fri")
        for n, (shift_start, shift_end) in enumerate(SHIFTS):
            calendar.shifts.add(
                Shift.objects.create(
                    code=f"S{n + 1}",
                    name=f"Shift {n + 1}",
                    start_time=shift_start,
                    end_time=shift_end,
                )
            )
        centers = WorkCenter.objects.bulk_create(
            [
                WorkCenter(
                    code=f"WC{n:03d}", name=f"Machine {n}", line=f"L{n // 10}", calendar=calendar
                )
                for n in range(n_wc)
            ]
        )
        viewer = User.objects.create_user("bench-viewer", password="bench-viewer-pw")
        viewer.groups.set(Group.objects.filter(name="viewer"))

    count = 0
    serial = 0
    for w, center in enumerate(centers):
        orders: list[WorkOrder] = []
        plans: list[tuple[Item | None, float, list[tuple[Any, ...]]]] = []
        for start, end in windows:
            t = start
            if start.weekday() == 0 and start.hour == 6 and rng.random() < 0.8:
                back = t + dt.timedelta(minutes=rng.uniform(20, 60))
                plans.append(
                    (
                        None,
                        0.0,
                        [
                            ("downtime_start", t, 0, 0, "PM", "planned"),
                            ("downtime_end", back, 0, 0, "", "planned"),
                        ],
                    )
                )
                t = back
            while t < end - dt.timedelta(minutes=45):
                item = items[rng.randrange(len(items))]
                pru = rng.uniform(0.4, 1.2)  # minutes per unit
                op_end = min(end, t + dt.timedelta(minutes=rng.uniform(150, 300)))
                ev: list[tuple[Any, ...]] = [("setup_start", t, 0, 0, "", "")]
                t += dt.timedelta(minutes=rng.uniform(10, 30))
                ev += [("setup_end", t, 0, 0, "", ""), ("start", t, 0, 0, "", "")]
                while True:
                    run = dt.timedelta(minutes=rng.uniform(5, 15) * scale)
                    if t + run >= op_end:
                        break
                    t += run
                    units = max(1, int(run.total_seconds() / 60 / pru / rng.uniform(1.05, 1.4)))
                    scrap = sum(1 for _ in range(min(units, 20)) if rng.random() < 0.02)
                    ev.append(("report", t, units - scrap, scrap, "DIM" if scrap else "", ""))
                    draw = rng.random()
                    if draw < 0.6:
                        back = t + dt.timedelta(minutes=rng.uniform(1, 5) * scale)
                        ev += [
                            ("pause", t, 0, 0, rng.choice(("WAIT", "CHECK")), ""),
                            ("resume", back, 0, 0, "", ""),
                        ]
                    elif draw < 0.95:
                        back = t + dt.timedelta(minutes=rng.uniform(1, 4) * scale)
                        reason = rng.choice(("JAM", "SENSOR", "TOOL"))
                        ev += [
                            ("downtime_start", t, 0, 0, reason, "unplanned"),
                            ("downtime_end", back, 0, 0, "", "unplanned"),
                        ]
                    else:
                        back = t + dt.timedelta(minutes=rng.uniform(10, 40) * scale)
                        reason = rng.choice(("SPINDLE", "HYDRAULICS"))
                        ev += [
                            ("downtime_start", t, 0, 0, reason, "unplanned"),
                            ("downtime_end", back, 0, 0, "", "unplanned"),
                        ]
                    t = back
                ev.append(("complete", t, 0, 0, "", ""))
                t += dt.timedelta(minutes=rng.uniform(0, 10))
                serial += 1
                orders.append(
                    WorkOrder(
                        number=f"WO-{serial:07d}",
                        item=item,
                        quantity=Decimal(100),
                        due_date=t.date(),
                        status="completed",
                        supply_location=where,
                        output_location=where,
                        lot_code=f"L{serial}",
                        completed_at=t,
                    )
                )
                plans.append((item, pru, ev))
        with transaction.atomic():
            WorkOrder.objects.bulk_create(orders, batch_size=5000)
            ops = WorkOrderOperation.objects.bulk_create(
                [
                    WorkOrderOperation(
                        work_order=o,
                        sequence=10,
                        work_center=center,
                        status="completed",
                        run_minutes_per_unit=Decimal(f"{p[1]:.4f}"),
                        actual_start=p[2][0][1],
                        actual_end=p[2][-1][1],
                    )
                    for o, p in zip(orders, (p for p in plans if p[0] is not None), strict=True)
                ],
                batch_size=5000,
            )
            op_iter = iter(ops)
            rows = []
            for planned, _, ev in plans:
                op_id = next(op_iter).pk if planned is not None else None
                for kind, at, good, scrap, reason, klass in ev:
                    count += 1
                    rows.append(
                        (
                            f"b{w}-{count}",
                            kind,
                            at,
                            now,
                            center.pk,
                            op_id,
                            good,
                            scrap,
                            0,
                            reason,
                            klass,
                            "",
                        )
                    )
            _copy_events(connection, ProductionEvent, rows)
        if progress:
            sys.stderr.write(f"\rfixture: {w + 1}/{n_wc} work centers, {count:,} events")
    if progress:
        sys.stderr.write("\n")
    return count


EVENT_COLUMNS = (
    "client_id",
    "kind",
    "at",
    "recorded_at",
    "work_center_id",
    "operation_id",
    "quantity",
    "scrap_quantity",
    "rework_quantity",
    "reason",
    "downtime_class",
    "note",
)


def _copy_events(connection: Any, model: Any, rows: list[tuple[Any, ...]]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY {table} ({', '.join(EVENT_COLUMNS)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(EVENT_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(EVENT_COLUMNS)}) VALUES ({marks})",
                [
                    (
                        *r[:2],
                        r[2].isoformat(),
                        r[3].isoformat(),
                        *r[4:6],
                        str(r[6]),
                        str(r[7]),
                        "0",
                        *r[9:],
                    )
                    for r in rows
                ],
            )


def _timed(runs: int, step: Callable[[], Any]) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        out.append(time.perf_counter() - started)
    return out


def run(options: dict[str, Any], progress: bool) -> Iterator[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from andon.engines.kpi import Kpi
    from andon.performance import store
    from andon.performance.models import TimeElement
    from andon.performance.services import KpiService
    from andon.production.models import ProductionEvent

    _use_database(options)
    if not options["reuse"] or not ProductionEvent.objects.exists():
        started = time.perf_counter()
        events = _fixture(options, progress)
        yield {
            "step": "fixture (not a page)",
            "events": events,
            "seconds": time.perf_counter() - started,
        }
    else:
        events = ProductionEvent.objects.count()
    started = time.perf_counter()
    store.refresh()
    yield {
        "step": "initial fold (once)",
        "events": events,
        "elements": TimeElement.objects.count(),
        "seconds": time.perf_counter() - started,
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    today = timezone.localdate()
    last = today.replace(day=1) - dt.timedelta(days=1)
    first = last.replace(day=1)
    oee = (Kpi.OEE, Kpi.OEE_AVAILABILITY, Kpi.OEE_PERFORMANCE, Kpi.OEE_QUALITY)

    def api() -> None:
        KpiService().rows(first, last, "work_center", "day", tuple(Kpi))

    def oee_page() -> None:
        s = KpiService()
        s.rows(first, last, "plant", "day", oee)
        s.losses(first, last)
        s.rows(first, last, "work_center", "all", oee)

    def downtime() -> None:
        KpiService().pareto(first, last)

    def throughput() -> None:
        s = KpiService()
        s.throughput(first, last)
        s.on_time(first, last)

    client = Client()
    client.login(username="bench-viewer", password="bench-viewer-pw")

    def overview() -> None:
        response = client.get("/performance/", HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code

    month = f"{first:%Y-%m}"
    for name, step in (
        (f"API /kpis by work center and day, {month}", api),
        (f"OEE page data, {month}", oee_page),
        (f"downtime Pareto, {month}", downtime),
        (f"throughput and on-time, {month}", throughput),
        ("plant overview page (HTTP, rendered)", overview),
    ):
        times = _timed(options["runs"], step)
        yield {
            "step": name,
            "events": events,
            "runs": len(times),
            "median_seconds": statistics.median(times),
            "best_seconds": min(times),
        }
