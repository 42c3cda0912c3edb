"""Planning use cases: run MRP on the database's data and publish the plan atomically.

A run is recorded first (`start_plan`, status running, 0 %), then executed by the background
task system (`tasks.plan_run`) or in the calling process (`run_plan`, for `andon plan`). It reads
every input in bulk (`inputs`), plans with the pure engine, and writes and publishes in one
transaction (`writer`). Progress and the log are saved on the run's row as it goes, outside that
transaction, so a page can follow it. Bad input (the engines' problem errors, and no other
exception) marks the run failed with a log naming the item; the plan in force stays in force. Any
other exception is a bug: the run is marked failed as internal and the exception goes on.

Firming, editing and converting planned orders live in `actions`; reading the plan (pegging
trees, comparisons) in `queries`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from andon.catalog.models import BomLine, Item
from andon.core import audit
from andon.engines import mrp
from andon.planning import writer
from andon.planning.inputs import BAD_INPUT, build_problem, planning_calendar, unready_items
from andon.planning.models import CurrentPlan, PlannedOrder, PlanRun

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
"""Called with (percent, what is happening) as a run goes."""
HORIZON_DAYS = 182
STALE_AFTER = dt.timedelta(hours=2)

__all__ = [
    "HORIZON_DAYS",
    "build_problem",
    "current_run",
    "execute_plan",
    "item_record",
    "planning_calendar",
    "run_plan",
    "start_plan",
]


def _create_run(user: Any, today: dt.date, horizon_end: dt.date) -> PlanRun:
    with transaction.atomic():
        last = PlanRun.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        run = PlanRun.objects.create(
            version=last + 1,
            started_at=timezone.now(),
            user=user if getattr(user, "pk", None) else None,
            plan_date=today,
            horizon_end=horizon_end,
            phase="queued",
        )
        audit.record(user, "create", run, {"plan_date": today.isoformat()})
    return run


def start_plan(
    user: Any = None, today: dt.date | None = None, horizon_days: int = HORIZON_DAYS
) -> PlanRun:
    """Record a run and hand it to the background task system; returns at once with a worker.

    With the default immediate backend the run is finished when this returns.
    """
    from andon.planning.tasks import plan_run

    today = today or timezone.localdate()
    run = _create_run(user, today, today + dt.timedelta(days=horizon_days))
    # Enqueued once the run's row is committed, so a worker on another machine can read it.
    transaction.on_commit(lambda: plan_run.enqueue(run.pk))
    run.refresh_from_db()
    return run


def run_plan(
    user: Any = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> PlanRun:
    """Record a run and execute it here (the command and tests); same steps as the task."""
    today = today or timezone.localdate()
    run = _create_run(user, today, today + dt.timedelta(days=horizon_days))
    return execute_plan(run.pk, progress=progress)


class _Tracker:
    """Saves percent, phase and log lines on the run's row, and tells the caller too."""

    def __init__(self, run: PlanRun, progress: Progress | None) -> None:
        self.run = run
        self.progress = progress
        self.began = time.perf_counter()
        self.lines: list[str] = []

    def __call__(self, percent: int, phase: str) -> None:
        elapsed = time.perf_counter() - self.began
        self.lines.append(f"{elapsed:7.2f} s  {phase}")
        self.run.percent = percent
        self.run.phase = phase[:60]
        self.run.log = "\n".join(self.lines)
        # Outside the publishing transaction by construction: readers see it at once.
        PlanRun.objects.filter(pk=self.run.pk).update(
            percent=percent, phase=self.run.phase, log=self.run.log
        )
        if self.progress is not None:
            self.progress(percent, phase)


def execute_plan(run_id: int, progress: Progress | None = None) -> PlanRun:
    """Plan and publish run `run_id`; or record why not, changing nothing else."""
    run = PlanRun.objects.get(pk=run_id)
    if run.status != PlanRun.Status.RUNNING:
        return run
    track = _Tracker(run, progress)
    track(5, "reading inputs")
    try:
        problem, sku_id, sources = build_problem(run.plan_date, run.horizon_end)
        track(30, f"planning {len(problem.items):,} items")
        result = mrp.plan(problem)
    except BAD_INPUT as exc:
        return _fail(run, track, f"bad input: {exc}")
    except Exception:
        # A bug, not bad data: the run says so rather than staying "running", and the error
        # goes on to the log and the caller like any other.
        log.exception("plan run %s: reading or planning failed", run.pk)
        _fail(run, track, "internal error, nothing published (see the server log)")
        raise
    if result.status != mrp.MrpStatus.OK:
        return _fail(run, track, "\n".join(["planning stopped:", *result.errors]))
    for warning in [*result.warnings, *unready_items(result)]:
        track.lines.append(f"warning: {warning}")
    track(60, f"writing {len(result.planned_orders):,} planned orders")
    rows = writer.Rows(run.pk, result, sku_id, sources)
    steps = iter((75, 90, 95))

    def tick(text: str) -> None:
        # Inside the publishing transaction: saved on the row it would only show after the
        # commit, so only the caller (the command's progress bar) hears of it.
        if progress is not None:
            progress(next(steps, 95), text)

    try:
        writer.publish(run, rows, tick)
    except Exception as exc:
        _fail(run, track, f"writing failed, nothing published: {exc}")
        raise
    track.lines.append(f"published: {run.order_count:,} planned orders")
    PlanRun.objects.filter(pk=run.pk).update(log="\n".join(track.lines))
    run.log = "\n".join(track.lines)
    return run


def _fail(run: PlanRun, track: _Tracker, message: str) -> PlanRun:
    track.lines.append(message)
    run.status = PlanRun.Status.FAILED
    run.log = "\n".join(track.lines)
    run.finished_at = timezone.now()
    run.phase = "failed"
    PlanRun.objects.filter(pk=run.pk).update(
        status=run.status, log=run.log, finished_at=run.finished_at, phase="failed"
    )
    return run


def expire_stale_runs() -> int:
    """Mark runs still 'running' long after they started as failed (their worker died)."""
    cutoff = timezone.now() - STALE_AFTER
    return PlanRun.objects.filter(status=PlanRun.Status.RUNNING, started_at__lt=cutoff).update(
        status=PlanRun.Status.FAILED, phase="failed", finished_at=timezone.now()
    )


def current_run() -> PlanRun | None:
    """The published run in force, if any."""
    pointer = CurrentPlan.objects.select_related("run").first()
    return pointer.run if pointer else None


def item_record(run: PlanRun, item: Item) -> mrp.TimePhasedRecord:
    """The time-phased MRP record of `item` under `run`, from its stored orders and its parents'.

    Built from the item's own inputs and the run's orders for it and its parents, not by
    planning again, so it stays cheap on a 100,000-item plant.
    """
    problem, _sku_id, _sources = build_problem(run.plan_date, run.horizon_end, only=item)
    parents = BomLine.objects.filter(component=item).values_list("parent_id", flat=True)
    rows = list(
        PlannedOrder.objects.filter(run=run, item_id__in=[item.pk, *parents])
        .order_by("number")
        .values_list("item__sku", "kind", "quantity", "release_date", "due_date", "firm_reference")
    )
    table = mrp.OrderTable(
        item=tuple(r[0] for r in rows),
        kind=tuple(mrp.Procurement(r[1]) for r in rows),
        quantity=tuple(float(r[2]) for r in rows),
        release=tuple(r[3] for r in rows),
        due=tuple(r[4] for r in rows),
        firm_ids=tuple(r[5] for r in rows),
        past_due=tuple(r[3] < run.plan_date for r in rows),
    )
    stored = mrp.MrpResult(
        status=mrp.MrpStatus.OK,
        errors=(),
        warnings=(),
        planned_orders=table,
        exceptions=(),
        low_level_codes={},
        items_processed=(),
        peg_rows=(),
        demand_refs=(),
    )
    # The record counts firm planned orders as planned receipts; here they are stored orders.
    problem = _without_firm(problem)
    return mrp.item_record(problem, stored, item.sku)


def _without_firm(problem: mrp.MrpProblem) -> mrp.MrpProblem:
    from dataclasses import replace

    return replace(problem, firm_planned_orders=())
