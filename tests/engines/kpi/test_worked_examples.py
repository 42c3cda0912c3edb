"""The engine against the worked examples in docs/kpis.md, computed by hand there."""

import numpy as np
import pytest

from andon.engines.kpi import (
    DeliveryKpi,
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
from tests.engines.kpi.conftest import MINUTE, OFFSET, at

# Every figure from the "Press 1, one early shift" example, minutes converted to seconds.
SHIFT_EXPECTED = {
    Kpi.AVAILABILITY: 362 / 480,
    Kpi.EFFECTIVENESS: 315 / 362,
    Kpi.QUALITY_RATIO: 612 / 630,
    Kpi.OEE_INDEX: 0.6375,
    Kpi.NEE: 306 / 402,
    Kpi.TECHNICAL_EFFICIENCY: 362 / 372,
    Kpi.UTILISATION_EFFICIENCY: 362 / 402,
    Kpi.ALLOCATION_EFFICIENCY: 402 / 480,
    Kpi.SETUP_RATE: 30 / 372,
    Kpi.THROUGHPUT_RATE: 84.0,
    Kpi.WORKER_EFFICIENCY: 804 / 960,
    Kpi.SCRAP_RATIO: 18 / 630,
    Kpi.REWORK_RATIO: 20 / 630,
    Kpi.FIRST_PASS_YIELD: 592 / 630,
    Kpi.MTBF: 402 * MINUTE,
    Kpi.MTTR: 45 * MINUTE,
    Kpi.OEE_AVAILABILITY: 375 / 480,
    Kpi.OEE_PERFORMANCE: 0.84,
    Kpi.OEE_QUALITY: 612 / 630,
    Kpi.OEE: 0.6375,
    Kpi.FULLY_PRODUCTIVE_TIME: 306 * MINUTE,
    Kpi.LOSS_BREAKDOWNS: 45 * MINUTE,
    Kpi.LOSS_SETUP: 30 * MINUTE,
    Kpi.LOSS_SMALL_STOPS: 13 * MINUTE,
    Kpi.LOSS_REDUCED_SPEED: 47 * MINUTE,
    Kpi.LOSS_STARTUP_REJECTS: 5 * MINUTE,
    Kpi.LOSS_PRODUCTION_REJECTS: 4 * MINUTE,
    Kpi.IDLE_TIME: 30 * MINUTE,
    Kpi.NOT_RECORDED: 0.0,
}


def test_shift_example_gives_every_kpi_of_the_docs(shift: KpiData) -> None:
    result = compute(shift, (), Period.DAY, OFFSET)
    assert result.status is Status.OK
    table = result.table
    assert len(table) == 1
    assert table.find(bucket_start=at(3, "00:00")) == 0
    assert set(SHIFT_EXPECTED) == set(Kpi)
    for kpi, expected in SHIFT_EXPECTED.items():
        assert table.value(kpi, 0).value == pytest.approx(expected, rel=1e-12), kpi


def test_shift_example_by_work_center_and_by_crew(shift: KpiData) -> None:
    by_wc = compute(shift, (Dimension.WORK_CENTER,), Period.DAY, OFFSET).table
    row = by_wc.find(work_center=0, bucket_start=at(3, "00:00"))
    assert by_wc.value(Kpi.OEE_INDEX, row).value == pytest.approx(0.6375)
    assert by_wc.value(Kpi.WORKER_EFFICIENCY, row).value is None
    assert by_wc.value(Kpi.WORKER_EFFICIENCY, row).reason == (
        "attendance is recorded per crew and shift, not per work center"
    )
    assert Dimension.MACHINE is Dimension.WORK_CENTER
    by_crew = compute(shift, (Dimension.CREW,)).table
    row = by_crew.find(crew=0)
    assert by_crew.value(Kpi.WORKER_EFFICIENCY, row).value == pytest.approx(804 / 960)
    assert by_crew.value(Kpi.AVAILABILITY, row).reason == (
        "planned busy time is per work center and shift, not per crew"
    )
    assert by_crew.value(Kpi.QUALITY_RATIO, row).value == pytest.approx(612 / 630)


def test_shift_example_totals_match_the_iso_time_model(shift: KpiData) -> None:
    totals = compute(shift).table.totals
    minutes = {k: totals[k][0] / MINUTE for k in ("PBT", "APT", "AUST", "ADET", "ADOT", "AOET")}
    assert minutes == {"PBT": 480, "APT": 362, "AUST": 30, "ADET": 10, "ADOT": 48, "AOET": 450}
    assert (totals["PQ"][0], totals["GQ"][0], totals["SQ"][0], totals["RQ"][0]) == (
        630,
        612,
        18,
        20,
    )
    assert totals["FE"][0] == 1  # the 3-minute stop is a small stop, not a failure


def test_the_six_losses_and_the_productive_time_add_up_to_planned_busy_time(shift: KpiData) -> None:
    table = compute(shift).table
    parts = [
        Kpi.FULLY_PRODUCTIVE_TIME,
        Kpi.LOSS_BREAKDOWNS,
        Kpi.LOSS_SETUP,
        Kpi.LOSS_SMALL_STOPS,
        Kpi.LOSS_REDUCED_SPEED,
        Kpi.LOSS_STARTUP_REJECTS,
        Kpi.LOSS_PRODUCTION_REJECTS,
        Kpi.IDLE_TIME,
        Kpi.NOT_RECORDED,
    ]
    assert sum(table.values[k][0] for k in parts) == pytest.approx(480 * MINUTE)


def night_data() -> KpiData:
    """Mill 2, night shift Monday 22:00 to Tuesday 06:00, one long run across midnight."""
    elements = TimeElements(
        work_center=[0, 0],
        start=[at(3, "22:00"), at(3, "23:00")],
        end=[at(3, "23:00"), at(4, "01:00")],
        kind=[ElementKind.SETUP, ElementKind.PRODUCTION],
        item=[0, 0],
        produced=[0, 240],
        good=[0, 240],
    )
    return KpiData(
        elements,
        PlannedBusyTime([0], [at(3, "22:00")], [at(4, "06:00")]),
        PlannedRunTimes([0], [0], [25.0]),
    )


def test_night_example_splits_time_and_units_at_local_midnight() -> None:
    table = compute(night_data(), (), Period.DAY, OFFSET).table
    monday, tuesday = (
        table.find(bucket_start=at(3, "00:00")),
        table.find(bucket_start=at(4, "00:00")),
    )
    assert table.totals["PBT"][monday] == 2 * 3600
    assert table.totals["PBT"][tuesday] == 6 * 3600
    assert table.totals["APT"][monday] == table.totals["APT"][tuesday] == 3600
    assert table.totals["PQ"][monday] == table.totals["PQ"][tuesday] == 120
    assert table.value(Kpi.AVAILABILITY, monday).value == pytest.approx(0.5)
    assert table.value(Kpi.AVAILABILITY, tuesday).value == pytest.approx(1 / 6)
    assert table.value(Kpi.EFFECTIVENESS, tuesday).value == pytest.approx(120 * 25 / 3600)
    # The same night by week: one bucket, Monday 3 March's week, nothing lost at midnight.
    week = compute(night_data(), (), Period.WEEK, OFFSET).table
    assert list(week.bucket_start) == [at(3, "00:00")]
    assert week.value(Kpi.AVAILABILITY, 0).value == pytest.approx(2 / 8)


def test_overlap_example_counts_the_shared_ten_minutes_once() -> None:
    elements = TimeElements(
        work_center=[0, 0],
        start=[at(3, "08:00"), at(3, "08:50")],
        end=[at(3, "09:00"), at(3, "09:10")],
        kind=[ElementKind.PRODUCTION, ElementKind.DOWNTIME_UNPLANNED],
        item=[0, -1],
        produced=[100, 0],
        good=[100, 0],
    )
    data = KpiData(
        elements,
        PlannedBusyTime([0], [at(3, "08:00")], [at(3, "10:00")]),
        PlannedRunTimes([0], [0], [30.0]),
    )
    result = compute(data)
    assert result.status is Status.OVERLAPS
    assert (result.overlaps.elements, result.overlaps.seconds, result.overlaps.examples) == (
        1,
        600,
        (1,),
    )
    totals = result.table.totals
    assert totals["APT"][0] == 3600
    assert totals["ADOT"][0] == 600
    assert result.table.value(Kpi.AVAILABILITY, 0).value == pytest.approx(0.5)


def test_delivery_example() -> None:
    none = -1
    orders = Orders(
        item=[0, 1, 2, 0],
        work_center=[0, 0, 0, 0],
        due=[at(10, "17:00"), at(10, "17:00"), at(10, "12:00"), at(11, "17:00")],
        planned_start=[at(10, "06:00"), at(10, "08:00"), at(10, "06:00"), at(10, "14:00")],
        planned_end=[at(10, "14:00"), at(10, "16:00"), at(10, "11:00"), at(11, "12:00")],
        planned_quantity=[100, 100, 50, 80],
        actual_start=[at(10, "06:00"), at(10, "09:30"), at(10, "06:15"), at(10, "14:00")],
        actual_end=[at(10, "13:30"), at(10, "16:30"), at(10, "13:00"), none],
        actual_quantity=[100, 95, 50, 0],
    )
    table = delivery(
        orders,
        period=Period.DAY,
        utc_offset_seconds=OFFSET,
        start_tolerance_seconds=3600,
        end_tolerance_seconds=3600,
        quantity_tolerance=0.02,
    )
    assert len(table) == 1
    assert table.bucket_start[0] == at(10, "00:00")
    assert (table.completed[0], table.wip[0]) == (3, 1)
    expected = {
        DeliveryKpi.ON_TIME_DELIVERY: 2 / 3,
        DeliveryKpi.START_ADHERENCE: 2 / 3,
        DeliveryKpi.END_ADHERENCE: 2 / 3,
        DeliveryKpi.QUANTITY_ADHERENCE: 2 / 3,
        DeliveryKpi.SCHEDULE_ADHERENCE: 1 / 3,
        DeliveryKpi.LEAD_TIME: 25_500.0,
    }
    for kpi, value in expected.items():
        assert table.value(kpi, 0) == (pytest.approx(value), ""), kpi
    by_item = delivery(orders, (Dimension.ITEM,), Period.ALL)
    row = int(np.flatnonzero(by_item.keys[Dimension.ITEM] == 0)[0])
    assert (by_item.completed[row], by_item.wip[row]) == (1, 1)
