"""`compute`: the one entry point for equipment and labour KPIs."""

from __future__ import annotations

from andon.engines.kpi.formulas import KpiResult, KpiTable, Status, compute_kpis
from andon.engines.kpi.model import Dimension, KpiData, KpiProblemError, Period
from andon.engines.kpi.totals import totals


def compute(
    data: KpiData,
    group_by: tuple[Dimension, ...] = (),
    period: Period = Period.ALL,
    utc_offset_seconds: int = 0,
) -> KpiResult:
    """Every KPI per group (any of the dimensions, or the whole plant) and time bucket.

    `utc_offset_seconds` is the plant's local offset from UTC (e.g. 3600 for UTC+1): days, weeks
    and months start at local midnight. Deterministic: the same data gives the same table.
    """
    if len(set(group_by)) != len(group_by):
        raise KpiProblemError("group by each dimension at most once")
    if abs(utc_offset_seconds) > 18 * 3600:
        raise KpiProblemError("a UTC offset lies within 18 hours")
    sums = totals(data, tuple(group_by), period, utc_offset_seconds)
    values, reasons = compute_kpis(sums)
    table = KpiTable(
        dimensions=sums.dimensions,
        period=period,
        keys=sums.keys,
        bucket_start=sums.bucket_start,
        totals=sums.columns,
        values=values,
        reasons=reasons,
    )
    if len(table) == 0:
        status = Status.EMPTY
    elif sums.overlaps.elements:
        status = Status.OVERLAPS
    else:
        status = Status.OK
    return KpiResult(status=status, table=table, overlaps=sums.overlaps)
