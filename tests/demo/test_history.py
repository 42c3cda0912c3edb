"""The demo's production history: deterministic, inside the shifts, and what production derives."""

import datetime as dt
import itertools
from collections import defaultdict

import pytest

from andon.demo.generator import generate
from andon.demo.history import _intervals
from andon.production.events import derive
from andon.production.models import ProductionEvent, WorkOrder, WorkOrderOperation

DERIVED = (
    "status",
    "good_quantity",
    "scrap_quantity",
    "actual_start",
    "actual_end",
    "setup_seconds",
    "processing_seconds",
    "delay_seconds",
    "down_seconds",
)


def test_same_seed_same_history(small_plant, today):
    again = generate("small", seed=1, today=today)
    assert again.events == small_plant.events
    assert again.work_orders == small_plant.work_orders
    other = generate("small", seed=2, today=today)
    assert other.events != small_plant.events


def test_history_is_in_the_past_and_covers_weeks(small_plant, today):
    midnight = dt.datetime.combine(today, dt.time())
    assert all(e.at < midnight for e in small_plant.events)
    first = min(e.at for e in small_plant.events)
    assert (midnight - first).days >= 35
    kinds = {e.kind for e in small_plant.events}
    assert {"setup_start", "start", "report", "pause", "downtime_start", "complete"} <= kinds
    classes = {e.downtime_class for e in small_plant.events if e.kind == "downtime_start"}
    assert classes == {"planned", "unplanned"}
    assert any(e.scrap > 0 and e.reason for e in small_plant.events)


def test_every_event_lies_inside_a_working_interval(small_plant, today):
    by_calendar = _intervals(small_plant, today - dt.timedelta(days=60), today)
    calendar_of = {w.code: w.calendar for w in small_plant.work_centers}
    for event in small_plant.events:
        intervals = by_calendar[calendar_of[event.work_center]]
        assert any(s <= event.at <= e for s, e in intervals), event


def test_no_two_operations_overlap_on_a_machine(small_plant):
    spans: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    first: dict[tuple[str, int | None, str], dt.datetime] = {}
    last: dict[tuple[str, int | None, str], dt.datetime] = {}
    for e in small_plant.events:
        key = (e.order or f"machine-{e.at}", e.operation, e.work_center)
        first.setdefault(key, e.at)
        last[key] = e.at
    for key, start in first.items():
        spans[key[2]].append((start, last[key]))
    for wc, items in spans.items():
        items.sort()
        for (_, end), (start, _) in itertools.pairwise(items):
            assert start >= end, wc


@pytest.mark.django_db
def test_stored_totals_are_what_production_derives(loaded_plant):
    assert ProductionEvent.objects.count() == len(loaded_plant.events)
    assert WorkOrder.objects.filter(status="in_progress").exists()
    stored = {
        op.pk: {f: getattr(op, f) for f in DERIVED}
        for op in WorkOrderOperation.objects.exclude(status="pending").order_by("pk")[::7]
    }
    for pk, fields in stored.items():
        op = WorkOrderOperation.objects.get(pk=pk)
        derive(op)
        assert {f: getattr(op, f) for f in DERIVED} == fields
    live = set(WorkOrderOperation.objects.values_list("status", flat=True))
    assert {"running", "completed"} <= live


def test_history_reads_like_a_plant_a_manager_knows(small_plant, today):
    """Most orders on time, few overdue, one downtime reason dominating, one problem machine."""
    done = [o for o in small_plant.work_orders if o.status == "completed"]
    on_time = sum(1 for o in done if o.completed_at.date() <= o.due_date) / len(done)
    assert 0.85 <= on_time <= 0.95
    open_orders = [o for o in small_plant.work_orders if o.status != "completed"]
    overdue = sum(1 for o in open_orders if o.due_date < today)
    assert overdue <= 0.15 * len(open_orders)
    starts = [e for e in small_plant.events if e.kind == "downtime_start" and e.operation]
    minutes: dict[str, float] = defaultdict(float)
    per_machine: dict[str, int] = defaultdict(int)
    for e in starts:
        minutes[e.reason] += 1
        if e.reason in ("HYDRAULICS", "SPINDLE", "ELECTRICAL", "COOLANT", "CONTROLLER"):
            per_machine[e.work_center] += 1
    breakdowns = {r: n for r, n in minutes.items() if r in ("HYDRAULICS", "SPINDLE", "ELECTRICAL")}
    assert max(breakdowns, key=breakdowns.__getitem__) == "HYDRAULICS"
    worst, second = sorted(per_machine.values(), reverse=True)[:2]
    assert worst >= 1.5 * second  # and its breakdowns last longer


def _blocks(plant, today):
    """Each work center's working intervals and the block (no gap above an hour) of each."""
    from andon.demo.history import _Shifts

    by_calendar = _intervals(plant, today - dt.timedelta(days=60), today)
    return {w.code: _Shifts(by_calendar[w.calendar]) for w in plant.work_centers}


def test_operations_run_across_breaks_but_never_across_a_night(small_plant, today):
    shifts = _blocks(small_plant, today)
    spans: dict[tuple[str, int | None], list[dt.datetime]] = defaultdict(list)
    wc_of = {}
    for e in small_plant.events:
        if e.order:
            spans[(e.order, e.operation)].append(e.at)
            wc_of[(e.order, e.operation)] = e.work_center
    across_breaks = 0
    for key, times in spans.items():
        s = shifts[wc_of[key]]
        first, _ = s.at(min(times))
        last, _ = s.at(max(times) - dt.timedelta(seconds=1))
        assert s.block_last[first] == s.block_last[last], key  # one block: no night inside
        across_breaks += last > first
    assert across_breaks >= 0.2 * len(spans)
    breaks = [e for e in small_plant.events if e.reason == "BREAK"]
    assert breaks
    assert all(e.downtime_class == "planned" and e.order for e in breaks)


@pytest.mark.django_db
def test_the_kpi_pages_show_a_plant_that_runs_like_a_real_one(loaded_plant, today):
    """OEE 45-80 % with losses of plausible size, a few downtime reasons dominating, scrap."""
    from andon.engines.kpi import Kpi
    from andon.performance.services import KpiService

    first, last = today - dt.timedelta(days=35), today - dt.timedelta(days=1)
    kpis = KpiService()
    wanted = (
        Kpi.OEE,
        Kpi.OEE_AVAILABILITY,
        Kpi.OEE_PERFORMANCE,
        Kpi.OEE_QUALITY,
        Kpi.ALLOCATION_EFFICIENCY,
    )
    (plant,) = kpis.rows(first, last, "plant", "all", wanted)
    value = {k: plant.values[k.value].value for k in wanted}
    assert 0.45 <= value[Kpi.OEE] <= 0.8, value
    assert 0.5 <= value[Kpi.OEE_AVAILABILITY] <= 0.9, value
    assert 0.8 <= value[Kpi.OEE_PERFORMANCE] <= 0.97, value
    assert 0.93 <= value[Kpi.OEE_QUALITY] <= 0.99, value
    assert 0.6 <= value[Kpi.ALLOCATION_EFFICIENCY] <= 0.95, value
    machines = kpis.rows(first, last, "work_center", "all", (Kpi.OEE,))
    in_range = [r for r in machines if 0.45 <= (r.values["oee"].value or 0) <= 0.85]
    assert len(in_range) >= len(machines) / 2
    unplanned = [p for p in kpis.pareto(first, last) if p["kind"] == "unplanned downtime"]
    hours = sorted((p["hours"] for p in unplanned), reverse=True)
    assert sum(hours[:3]) >= 0.6 * sum(hours)
    scrapped = [e for e in loaded_plant.events if e.scrap > 0]
    assert scrapped
    assert all(e.reason for e in scrapped)


def test_history_orders_lead_back_to_their_routing_and_defined_reasons(loaded_plant):
    """The terminal shows an operation's instructions and drawings through its routing link, and
    the Pareto labels reasons from master data: the demo's orders and events must have both."""
    from andon.production.models import ProductionEvent, ReasonCode, WorkOrderOperation

    operations = WorkOrderOperation.objects.all()
    assert operations.exists()
    assert not operations.filter(routing_operation__isnull=True).exists()
    used = set(ProductionEvent.objects.exclude(reason="").values_list("reason", flat=True))
    defined = set(ReasonCode.objects.values_list("code", flat=True))
    assert used <= defined, used - defined
    assert ReasonCode.objects.filter(
        kind="downtime", code="BREAKDOWN"
    ).exists()  # the standard list
