"""Scrap rate above threshold at a work center over a recent window.

The ratio is the KPI's scrap ratio (ISO 22400 SQ / PQ, PQ = good + scrap + rework) over the
quantities reported in the last `hours`, read from the production ledger in one aggregate query
so it can run every minute; `min_quantity` keeps two scrapped parts of three from alarming.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from pydantic import Field

from andon.alerts.rules import Finding, Params, RuleKind, register
from andon.plant.models import WorkCenter
from andon.production.models import ProductionEvent


class ScrapRateParams(Params):
    percent: float = Field(5.0, gt=0, le=100, description="Alert above this scrap percentage.")
    hours: int = Field(8, ge=1, le=720, description="Look back this many hours.")
    min_quantity: float = Field(10, ge=0, description="Ignore centers that produced less.")
    work_centers: list[str] = Field(default_factory=list, description="Codes; empty: all.")


def evaluate(params: ScrapRateParams, now: dt.datetime) -> list[Finding]:
    rows = (
        ProductionEvent.objects.filter(
            kind=ProductionEvent.Kind.REPORT,
            at__gt=now - dt.timedelta(hours=params.hours),
            at__lte=now,
        )
        .values("work_center_id")
        .annotate(good=Sum("quantity"), scrap=Sum("scrap_quantity"), rework=Sum("rework_quantity"))
    )
    centers = WorkCenter.objects.in_bulk([r["work_center_id"] for r in rows])
    watched = set(params.work_centers)
    findings = []
    for row in rows:
        center = centers[row["work_center_id"]]
        if watched and center.code not in watched:
            continue
        scrap: Decimal = row["scrap"] or Decimal(0)
        produced: Decimal = (row["good"] or Decimal(0)) + scrap + (row["rework"] or Decimal(0))
        if produced <= 0 or produced < Decimal(str(params.min_quantity)):
            continue
        ratio = float(scrap / produced * 100)
        if ratio <= params.percent:
            continue
        findings.append(
            Finding(
                subject_key=f"work_center:{center.pk}",
                title=f"{center.code} scrap {ratio:.1f}% over {params.hours} h",
                detail=(
                    f"{center.code} scrapped {scrap.normalize():f} of "
                    f"{produced.normalize():f} in the last {params.hours} h ({ratio:.1f}%, "
                    f"threshold {params.percent:g}%)."
                ),
                evidence_url=reverse("performance:oee") + "?group=work_center",
            )
        )
    return sorted(findings, key=lambda f: f.subject_key)


KIND = register(
    RuleKind(
        kind="scrap_rate",
        label="Scrap rate above threshold",
        description="A work center's scrap ratio over the recent window exceeds the threshold.",
        params=ScrapRateParams,
        evaluate=evaluate,
    )
)
