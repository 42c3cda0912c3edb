"""KPI values from the totals: ISO 22400-2 ratios, the common OEE and the six big losses.

Each KPI is a ratio of sums, computed for all rows at once. Where a ratio has no meaning (nothing
planned, nothing produced, no usable ideal cycle time) the value is NaN in the arrays and None
through `KpiTable.value`, always with the reason, never a made-up 0 or 1.

Time model (ISO 22400-2): AUPT = APT + ADET (processing), AUBT = AUPT + AUST (busy),
ADOT = breakdowns + small stops (unplanned downtime).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from andon.engines.kpi.model import Dimension, FloatArray, IntArray, Period
from andon.engines.kpi.totals import Overlaps, Totals


class Kpi(enum.Enum):
    """The KPIs as named in docs/kpis.md. Ratios are fractions (0.85, not 85); times, seconds."""

    AVAILABILITY = "availability"
    EFFECTIVENESS = "effectiveness"
    QUALITY_RATIO = "quality_ratio"
    OEE_INDEX = "oee_index"
    NEE = "nee"
    TECHNICAL_EFFICIENCY = "technical_efficiency"
    UTILISATION_EFFICIENCY = "utilisation_efficiency"
    ALLOCATION_EFFICIENCY = "allocation_efficiency"
    SETUP_RATE = "setup_rate"
    THROUGHPUT_RATE = "throughput_rate"  # units per hour
    WORKER_EFFICIENCY = "worker_efficiency"
    SCRAP_RATIO = "scrap_ratio"
    REWORK_RATIO = "rework_ratio"
    FIRST_PASS_YIELD = "first_pass_yield"
    MTBF = "mtbf"
    MTTR = "mttr"
    OEE_AVAILABILITY = "oee_availability"
    OEE_PERFORMANCE = "oee_performance"
    OEE_QUALITY = "oee_quality"
    OEE = "oee"
    FULLY_PRODUCTIVE_TIME = "fully_productive_time"
    LOSS_BREAKDOWNS = "loss_breakdowns"
    LOSS_SETUP = "loss_setup"
    LOSS_SMALL_STOPS = "loss_small_stops"
    LOSS_REDUCED_SPEED = "loss_reduced_speed"
    LOSS_STARTUP_REJECTS = "loss_startup_rejects"
    LOSS_PRODUCTION_REJECTS = "loss_production_rejects"
    IDLE_TIME = "idle_time"
    NOT_RECORDED = "not_recorded"


class Reason(enum.IntEnum):
    """Why a KPI is undefined in a row (DEFINED when it is not)."""

    DEFINED = 0
    NO_PBT = 1
    PBT_NOT_ATTRIBUTABLE = 2
    NO_APT = 3
    NO_PQ = 4
    NO_PRU = 5
    NO_AUPT = 6
    NO_AUBT = 7
    NO_AOET = 8
    NO_APAT = 9
    APAT_NOT_ATTRIBUTABLE = 10
    NO_FAILURES = 11
    NO_OPERATING_TIME = 12


REASON_TEXT: dict[Reason, str] = {
    Reason.DEFINED: "",
    Reason.NO_PBT: "no planned busy time in this period",
    Reason.PBT_NOT_ATTRIBUTABLE: "planned busy time is per work center and shift, not per {by}",
    Reason.NO_APT: "no actual production time (APT = 0)",
    Reason.NO_PQ: "nothing produced (PQ = 0)",
    Reason.NO_PRU: "no usable ideal cycle time (PRU missing or zero) for some of the production",
    Reason.NO_AUPT: "no processing time (APT + ADET = 0)",
    Reason.NO_AUBT: "no busy time (AUBT = 0)",
    Reason.NO_AOET: "no order execution time (AOET = 0)",
    Reason.NO_APAT: "no personnel attendance recorded",
    Reason.APAT_NOT_ATTRIBUTABLE: "attendance is recorded per crew and shift, not per {by}",
    Reason.NO_FAILURES: "no breakdowns in this period",
    Reason.NO_OPERATING_TIME: "no operating time (APT + small stops = 0)",
}


@dataclass(frozen=True)
class KpiValue:
    """One KPI in one row: a number, or None and why."""

    value: float | None
    reason: str = ""


def _ratio(
    numerator: FloatArray, denominator: FloatArray, reason: Reason
) -> tuple[FloatArray, IntArray]:
    defined = denominator > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(defined, numerator / np.where(defined, denominator, 1.0), np.nan)
    return value, np.where(defined, Reason.DEFINED, reason).astype(np.int64)


def _first_reason(*reasons: IntArray) -> IntArray:
    """The first non-DEFINED reason of several factors, row by row."""
    result = reasons[-1].copy()
    for reason in reversed(reasons[:-1]):
        result = np.where(reason != Reason.DEFINED, reason, result)
    return result


def _undefine(value: FloatArray, reason: IntArray) -> FloatArray:
    return np.where(reason == Reason.DEFINED, value, np.nan)


def compute_kpis(t: Totals) -> tuple[dict[Kpi, FloatArray], dict[Kpi, IntArray]]:
    """Every KPI for every row of `t`: values (NaN if undefined) and reasons."""
    c = t.columns
    apt, aust, adet, pbt = c["APT"], c["AUST"], c["ADET"], c["PBT"]
    pq, gq, sq, rq = c["PQ"], c["GQ"], c["SQ"], c["RQ"]
    aupt = apt + adet
    aubt = aupt + aust
    values: dict[Kpi, FloatArray] = {}
    reasons: dict[Kpi, IntArray] = {}

    def put(kpi: Kpi, pair: tuple[FloatArray, IntArray]) -> None:
        values[kpi], reasons[kpi] = _undefine(pair[0], pair[1]), pair[1]

    no_pbt = Reason.NO_PBT if t.pbt_attributable else Reason.PBT_NOT_ATTRIBUTABLE
    no_pru = np.where(c["PRU_MISSING"] > 0, Reason.NO_PRU, Reason.DEFINED).astype(np.int64)

    put(Kpi.AVAILABILITY, _ratio(apt, pbt, no_pbt))
    eff, eff_reason = _ratio(c["IDEAL"], apt, Reason.NO_APT)
    put(Kpi.EFFECTIVENESS, (eff, _first_reason(eff_reason, no_pru)))
    put(Kpi.QUALITY_RATIO, _ratio(gq, pq, Reason.NO_PQ))
    a, e, q = values[Kpi.AVAILABILITY], values[Kpi.EFFECTIVENESS], values[Kpi.QUALITY_RATIO]
    ra, re, rq_ = reasons[Kpi.AVAILABILITY], reasons[Kpi.EFFECTIVENESS], reasons[Kpi.QUALITY_RATIO]
    put(Kpi.OEE_INDEX, (a * e * q, _first_reason(ra, re, rq_)))
    put(Kpi.UTILISATION_EFFICIENCY, _ratio(apt, aubt, Reason.NO_AUBT))
    ue, rue = values[Kpi.UTILISATION_EFFICIENCY], reasons[Kpi.UTILISATION_EFFICIENCY]
    put(Kpi.NEE, (ue * e * q, _first_reason(rue, re, rq_)))
    put(Kpi.TECHNICAL_EFFICIENCY, _ratio(apt, aupt, Reason.NO_AUPT))
    put(Kpi.ALLOCATION_EFFICIENCY, _ratio(aubt, pbt, no_pbt))
    put(Kpi.SETUP_RATE, _ratio(aust, aupt, Reason.NO_AUPT))
    put(Kpi.THROUGHPUT_RATE, _ratio(pq * 3600.0, c["AOET"], Reason.NO_AOET))
    no_apat = Reason.NO_APAT if t.apat_attributable else Reason.APAT_NOT_ATTRIBUTABLE
    put(Kpi.WORKER_EFFICIENCY, _ratio(c["APWT"], c["APAT"], no_apat))
    put(Kpi.SCRAP_RATIO, _ratio(sq, pq, Reason.NO_PQ))
    put(Kpi.REWORK_RATIO, _ratio(rq, pq, Reason.NO_PQ))
    put(Kpi.FIRST_PASS_YIELD, _ratio(pq - sq - rq, pq, Reason.NO_PQ))
    put(Kpi.MTBF, _ratio(aubt, c["FE"], Reason.NO_FAILURES))
    put(Kpi.MTTR, _ratio(c["BREAKDOWNS"], c["FE"], Reason.NO_FAILURES))

    operating = apt + c["MINOR_STOPS"] + adet
    put(Kpi.OEE_AVAILABILITY, _ratio(operating, pbt, no_pbt))
    perf, perf_reason = _ratio(c["IDEAL"], operating, Reason.NO_OPERATING_TIME)
    put(Kpi.OEE_PERFORMANCE, (perf, _first_reason(perf_reason, no_pru)))
    put(Kpi.OEE_QUALITY, (values[Kpi.QUALITY_RATIO], reasons[Kpi.QUALITY_RATIO]))
    put(
        Kpi.OEE,
        (
            values[Kpi.OEE_AVAILABILITY] * values[Kpi.OEE_PERFORMANCE] * q,
            _first_reason(reasons[Kpi.OEE_AVAILABILITY], reasons[Kpi.OEE_PERFORMANCE], rq_),
        ),
    )

    ok = np.zeros_like(no_pru)
    rejects = c["IDEAL"] - c["IDEAL_GOOD"]
    put(Kpi.FULLY_PRODUCTIVE_TIME, (c["IDEAL_GOOD"], no_pru))
    put(Kpi.LOSS_BREAKDOWNS, (c["BREAKDOWNS"], ok))
    put(Kpi.LOSS_SETUP, (aust, ok))
    put(Kpi.LOSS_SMALL_STOPS, (adet + c["MINOR_STOPS"], ok))
    put(Kpi.LOSS_REDUCED_SPEED, (apt - c["IDEAL"], no_pru))
    put(Kpi.LOSS_STARTUP_REJECTS, (c["STARTUP_REJECTS"], no_pru))
    put(Kpi.LOSS_PRODUCTION_REJECTS, (rejects - c["STARTUP_REJECTS"], no_pru))
    put(Kpi.IDLE_TIME, (c["IDLE"], ok))
    recorded = aubt + c["ADOT"] + c["IDLE"]
    put(Kpi.NOT_RECORDED, (pbt - recorded, np.where(t.pbt_attributable, ok, no_pbt)))
    return values, reasons


class Status(enum.Enum):
    """OK: every element counted as recorded. OVERLAPS: some elements overlapped on a work center;
    the overlapping time was counted once (see `KpiResult.overlaps`). EMPTY: no data at all."""

    OK = "ok"
    OVERLAPS = "overlaps"
    EMPTY = "empty"


KpiStatus = Status
"""The KPI engine's status under the name the other engines' statuses follow (`MrpStatus`)."""


@dataclass(frozen=True, eq=False)
class KpiTable:
    """KPIs per row, a row being one group (the `dimensions`' values) in one time bucket.

    Arrays for speed (`values[kpi][row]`, NaN when undefined), `value(kpi, row)` for one answer
    with its reason, `rows()` for plain dicts. `totals` holds the ISO sums behind every ratio.
    """

    dimensions: tuple[Dimension, ...]
    period: Period
    keys: dict[Dimension, IntArray]
    bucket_start: IntArray
    totals: dict[str, FloatArray]
    values: dict[Kpi, FloatArray]
    reasons: dict[Kpi, IntArray]

    def __len__(self) -> int:
        return int(self.bucket_start.shape[0])

    def reason_text(self, reason: int) -> str:
        by = " and ".join(d.value.replace("_", " ") for d in self.dimensions)
        return REASON_TEXT[Reason(reason)].format(by=by)

    def value(self, kpi: Kpi, row: int) -> KpiValue:
        reason = int(self.reasons[kpi][row])
        if reason:
            return KpiValue(None, self.reason_text(reason))
        return KpiValue(float(self.values[kpi][row]))

    def find(self, bucket_start: int = 0, **keys: int) -> int:
        """The row of one group and bucket (e.g. `find(work_center=3)`); -1 if there is none."""
        match = self.bucket_start == bucket_start
        for dimension in self.dimensions:
            match &= self.keys[dimension] == keys[dimension.value]
        found = np.flatnonzero(match)
        return int(found[0]) if found.size else -1

    def rows(self) -> Iterator[dict[str, object]]:
        for row in range(len(self)):
            out: dict[str, object] = {d.value: int(self.keys[d][row]) for d in self.dimensions}
            out["bucket_start"] = int(self.bucket_start[row])
            for kpi in Kpi:
                out[kpi.value] = self.value(kpi, row).value
            yield out


@dataclass(frozen=True, eq=False)
class KpiResult:
    """What `compute` returns: a status, the table and the overlaps found."""

    status: Status
    table: KpiTable
    overlaps: Overlaps
