"""Every engine reports bad input one way: its own problem error, which is a `ProblemError`.

A caller catches that one type and shows its `problems` as bad data; anything else an engine
raises is a bug. These tests give each engine a piece of bad input and check the type, not only
that something was raised: a bare ValueError here would be reported as a bug, or, caught too
broadly, would hide one.
"""

import datetime as dt

import pytest

from andon.engines import bom, calendar, kpi, mrp, scheduling
from andon.engines.errors import ProblemError
from andon.engines.scheduling import Assignment, Job, Mode, Operation, Problem, Resource

TODAY = dt.date(2025, 3, 3)


def _mrp_problem(**changes):
    cal = mrp.PlanningCalendar.weekdays(TODAY, TODAY + dt.timedelta(days=60))
    fields = {
        "today": TODAY,
        "horizon_end": TODAY + dt.timedelta(days=30),
        "calendar": cal,
        "items": (mrp.Item("A", mrp.Procurement.BUY),),
    }
    return mrp.MrpProblem(**(fields | changes))


def _one_job_shop():
    return Problem(
        jobs=(Job("j"),),
        operations=(Operation("o", "j", (Mode("m", 5),)),),
        resources=(Resource("m"),),
    )


BAD_INPUT = {
    "mrp item without an id": (mrp.MrpProblemError, lambda: mrp.Item("", mrp.Procurement.BUY)),
    "mrp min/max without a maximum": (
        mrp.MrpProblemError,
        lambda: mrp.Item("A", mrp.Procurement.BUY, lot_size_rule=mrp.LotSizeRule.MIN_MAX),
    ),
    "mrp horizon before today": (
        mrp.MrpProblemError,
        lambda: _mrp_problem(horizon_end=TODAY - dt.timedelta(days=1)),
    ),
    "mrp record of an unknown item": (
        mrp.MrpProblemError,
        lambda: mrp.item_record(_mrp_problem(), mrp.plan(_mrp_problem()), "NOPE"),
    ),
    "a scheduling resource without a name": (scheduling.ProblemError, lambda: Resource("")),
    "a scheduling assignment ending before it starts": (
        scheduling.ProblemError,
        lambda: Assignment("o", "m", 10, 5),
    ),
    "a scheduling time limit of zero": (
        scheduling.ProblemError,
        lambda: scheduling.solve(_one_job_shop(), time_limit=0),
    ),
    "kpi elements of different lengths": (
        kpi.KpiProblemError,
        lambda: kpi.TimeElements(work_center=[0, 0], start=[0], end=[1], kind=[0]),
    ),
    "kpi grouping by one dimension twice": (
        kpi.KpiProblemError,
        lambda: kpi.compute(_no_kpi_data(), (kpi.Dimension.ITEM, kpi.Dimension.ITEM)),
    ),
    "delivery with a negative tolerance": (
        kpi.KpiProblemError,
        lambda: kpi.delivery(_orders(done=True), start_tolerance_seconds=-1),
    ),
    "a BOM with a cycle": (
        bom.BomCycleError,
        lambda: bom.low_level_codes(["A", "B"], [("A", "B"), ("B", "A")]),
    ),
    "a shift that starts and ends at once": (
        calendar.CalendarProblemError,
        lambda: calendar.ShiftPattern(dt.time(6), dt.time(6), frozenset({1})),
    ),
    "a calendar range that ends before it starts": (
        calendar.CalendarProblemError,
        lambda: calendar.working_time(calendar.WorkingCalendar(), TODAY, TODAY - dt.timedelta(1)),
    ),
}


def _no_kpi_data():
    return kpi.KpiData(
        kpi.TimeElements(work_center=[], start=[], end=[], kind=[]),
        kpi.PlannedBusyTime([], [], []),
        kpi.PlannedRunTimes([], [], []),
    )


def _orders(done: bool) -> kpi.Orders:
    end = 200 if done else kpi.NONE
    return kpi.Orders(
        item=[0],
        work_center=[0],
        due=[300],
        planned_start=[100],
        planned_end=[200],
        planned_quantity=[5.0],
        actual_start=[100],
        actual_end=[end],
        actual_quantity=[5.0 if done else 0.0],
    )


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_raises_the_engines_own_problem_error(case):
    error_type, build = BAD_INPUT[case]
    with pytest.raises(error_type) as raised:
        build()
    assert isinstance(raised.value, ProblemError)
    assert raised.value.problems
    assert all(raised.value.problems)
    assert str(raised.value) == "; ".join(raised.value.problems)


def test_the_engines_errors_are_told_apart():
    """A caller that catches MRP's error does not swallow the scheduling engine's."""
    assert not issubclass(scheduling.ProblemError, mrp.MrpProblemError)
    assert not issubclass(mrp.MrpProblemError, kpi.KpiProblemError)
    assert scheduling.SchedulingProblemError is scheduling.ProblemError


def test_mrp_reports_a_bom_cycle_as_an_error_result_naming_it():
    items = (mrp.Item("A", mrp.Procurement.MAKE), mrp.Item("B", mrp.Procurement.MAKE))
    lines = (mrp.BomLine("A", "B", 1.0), mrp.BomLine("B", "A", 1.0))
    result = mrp.plan(_mrp_problem(items=items, bom_lines=lines))
    assert result.status is mrp.MrpStatus.ERROR
    assert any("cycle" in e and "A" in e for e in result.errors)


def test_delivery_with_no_completed_order_has_no_data_not_a_zero_rate():
    wip_only = kpi.delivery(_orders(done=False))
    assert wip_only.status is kpi.KpiStatus.EMPTY
    assert list(wip_only.wip) == [1]
    value, reason = wip_only.value(kpi.DeliveryKpi.ON_TIME_DELIVERY, 0)
    assert value is None
    assert reason
    done = kpi.delivery(_orders(done=True))
    assert done.status is kpi.KpiStatus.OK
    assert done.value(kpi.DeliveryKpi.ON_TIME_DELIVERY, 0) == (1.0, "")


def test_kpis_with_no_data_say_so():
    result = kpi.compute(_no_kpi_data())
    assert result.status is kpi.KpiStatus.EMPTY
    assert len(result.table) == 0
