"""Undefined, never wrong: no PBT, no PRU, nothing produced, bad input."""

import re

import numpy as np
import pytest

from andon.engines.kpi import (
    Dimension,
    ElementKind,
    Kpi,
    KpiData,
    Orders,
    Period,
    PlannedBusyTime,
    PlannedRunTimes,
    Status,
    TimeElements,
    compute,
    delivery,
)
from andon.engines.kpi.delivery import DeliveryKpi
from tests.engines.kpi.conftest import at


def one_run(pru: float = 30.0, pbt: bool = True, produced: float = 100) -> KpiData:
    elements = TimeElements(
        work_center=[0],
        start=[at(8, "08:00")],
        end=[at(8, "09:00")],
        kind=[ElementKind.PRODUCTION],
        item=[0],
        produced=[produced],
        good=[produced],
    )
    planned = (
        PlannedBusyTime([0], [at(7, "06:00")], [at(7, "14:00")])
        if pbt
        else PlannedBusyTime([], [], [])
    )
    return KpiData(elements, planned, PlannedRunTimes([0], [0], [pru]))


def test_saturday_production_without_planned_busy_time_has_no_availability() -> None:
    table = compute(one_run(), (Dimension.WORK_CENTER,), Period.DAY, 3600).table
    saturday = table.find(work_center=0, bucket_start=at(8, "00:00"))
    friday = table.find(work_center=0, bucket_start=at(7, "00:00"))
    value = table.value(Kpi.AVAILABILITY, saturday)
    assert value.value is None
    assert value.reason == "no planned busy time in this period"
    assert table.value(Kpi.OEE_INDEX, saturday).reason == "no planned busy time in this period"
    assert table.value(Kpi.OEE, saturday).value is None
    # Effectiveness does not need PBT: it is still right.
    assert table.value(Kpi.EFFECTIVENESS, saturday).value == pytest.approx(100 * 30 / 3600)
    # Friday had planned time and no production: availability is a true 0, not undefined.
    assert table.value(Kpi.AVAILABILITY, friday).value == 0.0
    assert table.value(Kpi.QUALITY_RATIO, friday).reason == "nothing produced (PQ = 0)"


@pytest.mark.parametrize("pru", [0.0, None])
def test_zero_or_missing_ideal_cycle_time_makes_speed_kpis_undefined(pru) -> None:
    data = one_run(pru=pru if pru is not None else 30.0)
    if pru is None:  # a PRU for another item only
        data = KpiData(data.elements, data.planned_busy_time, PlannedRunTimes([1], [0], [30.0]))
    table = compute(data).table
    reason = "no usable ideal cycle time (PRU missing or zero) for some of the production"
    for kpi in (
        Kpi.EFFECTIVENESS,
        Kpi.OEE_INDEX,
        Kpi.NEE,
        Kpi.OEE_PERFORMANCE,
        Kpi.OEE,
        Kpi.LOSS_REDUCED_SPEED,
    ):
        assert table.value(kpi, 0).value is None, kpi
        assert table.value(kpi, 0).reason.endswith(reason) or table.value(kpi, 0).reason.startswith(
            "no planned"
        ), kpi
    assert table.value(Kpi.EFFECTIVENESS, 0).reason == reason
    assert table.value(Kpi.QUALITY_RATIO, 0).value == 1.0


def test_no_failures_means_no_mtbf_rather_than_infinity() -> None:
    table = compute(one_run()).table
    assert table.value(Kpi.MTBF, 0).value is None
    assert table.value(Kpi.MTBF, 0).reason == "no breakdowns in this period"
    assert table.value(Kpi.MTTR, 0).reason == "no breakdowns in this period"


def test_item_grouping_reports_why_availability_is_undefined() -> None:
    table = compute(one_run(), (Dimension.ITEM,)).table
    assert table.value(Kpi.AVAILABILITY, table.find(item=0)).reason == (
        "planned busy time is per work center and shift, not per item"
    )


def test_empty_data_is_an_empty_table_not_an_error() -> None:
    empty = np.empty(0, np.int64)
    data = KpiData(
        TimeElements(empty, empty, empty, empty),
        PlannedBusyTime(empty, empty, empty),
        PlannedRunTimes(empty, empty, empty),
    )
    result = compute(data, (Dimension.WORK_CENTER,), Period.MONTH)
    assert result.status is Status.EMPTY
    assert len(result.table) == 0


def test_months_follow_the_calendar_and_the_plant_offset() -> None:
    # 31 March 23:30 local at UTC+2 is 21:30 UTC: a March element, not an April one.
    start = at(31, "23:30") - 3600
    elements = TimeElements([0], [start], [start + 3600], [ElementKind.IDLE])
    data = KpiData(elements, PlannedBusyTime([], [], []), PlannedRunTimes([], [], []))
    table = compute(data, (), Period.MONTH, 7200).table
    assert list(table.totals["IDLE"]) == [1800, 1800]
    assert list(table.bucket_start) == [at(1, "00:00") - 3600, at(1, "00:00", month=4) - 3600]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end": [0]}, "element 0: ends before it starts"),
        ({"kind": [9]}, "element 0: unknown kind"),
        ({"good": [101]}, "element 0: good + scrap exceed the produced quantity"),
        (
            {"good": [10], "scrap": [60], "rework": [60]},
            "element 0: scrap + rework exceed the produced quantity",
        ),
        ({"kind": [ElementKind.SETUP]}, "element 0: only production elements carry quantities"),
        ({"produced": [-1]}, "produced row 0: must not be negative"),
        ({"produced": [np.nan]}, "produced row 0: not a finite number"),
        ({"work_center": [-1]}, "work_center row 0: invalid index -1"),
        ({"item": [0, 1]}, "item has 2 rows, expected 1"),
    ],
)
def test_bad_elements_are_refused_with_the_row(change, message) -> None:
    columns = {
        "work_center": [0],
        "start": [100],
        "end": [200],
        "kind": [0],
        "produced": [100],
        "good": [90],
    }
    columns.update(change)
    with pytest.raises(ValueError, match=re.escape(message)):
        TimeElements(**columns)


def test_a_pru_given_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="given twice"):
        PlannedRunTimes([0, 0], [1, 1], [3.0, 4.0])


def test_delivery_without_completed_orders_is_undefined_but_counts_wip() -> None:
    orders = Orders(
        item=[0],
        work_center=[0],
        due=[at(10, "17:00")],
        planned_start=[at(10, "06:00")],
        planned_end=[at(10, "14:00")],
        planned_quantity=[10],
        actual_start=[at(10, "07:00")],
        actual_end=[-1],
        actual_quantity=[0],
    )
    table = delivery(orders, period=Period.DAY)
    assert (table.completed[0], table.wip[0]) == (0, 1)
    assert table.value(DeliveryKpi.ON_TIME_DELIVERY, 0) == (
        None,
        "no orders completed in this period",
    )
    with pytest.raises(ValueError, match="finished without starting"):
        Orders(
            item=[0],
            work_center=[0],
            due=[0],
            planned_start=[0],
            planned_end=[0],
            planned_quantity=[1],
            actual_start=[-1],
            actual_end=[5],
            actual_quantity=[1],
        )


def test_pru_lookup_by_search_agrees_with_the_table(monkeypatch) -> None:
    from andon.engines.kpi import totals

    data = KpiData(
        TimeElements(
            work_center=[0, 1, 1, 0],
            start=[0, 0, 100, 100],
            end=[100, 100, 200, 200],
            kind=[0, 0, 0, 0],
            item=[0, 5, 0, 5],
            produced=[1, 1, 1, 1],
        ),
        PlannedBusyTime([0, 1], [0, 0], [200, 200]),
        PlannedRunTimes(item=[5, 0, 0], work_center=[1, 0, 1], seconds_per_unit=[7.0, 3.0, 0.0]),
    )
    dense = compute(data, (Dimension.WORK_CENTER,)).table
    monkeypatch.setattr(totals, "DENSE_PRU_LIMIT", 0)
    searched = compute(data, (Dimension.WORK_CENTER,)).table
    for table in (dense, searched):
        assert list(table.totals["IDEAL"]) == [3.0, 7.0]
        assert list(table.totals["PRU_MISSING"]) == [1, 1]  # item 5 on 0 has none; item 0 on 1 is 0


def test_unsorted_input_gives_the_same_answer_by_either_sort(monkeypatch) -> None:
    from andon.engines.kpi import totals
    from benchmarks.kpi import synthetic_year

    data = synthetic_year(5_000, 2, shuffle=True)
    packed = compute(data, (Dimension.WORK_CENTER,), Period.WEEK)
    monkeypatch.setattr(totals, "_KIND_BITS", 62)  # nothing fits: the plain argsort path
    plain = compute(data, (Dimension.WORK_CENTER,), Period.WEEK)
    assert packed.overlaps == plain.overlaps
    assert packed.overlaps.elements > 0
    for name, values in packed.table.totals.items():
        assert np.array_equal(values, plain.table.totals[name]), name
