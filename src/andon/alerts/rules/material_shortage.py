"""Material shortage from MRP: the plan in force cannot cover a requirement in time.

Reads the shortage exceptions of the published plan (`planning.services.current_run()`); a new
plan that no longer has the shortage clears the alert.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from pydantic import Field

from andon.alerts.rules import Finding, Params, RuleKind, register
from andon.planning.models import PlanException
from andon.planning.services import current_run


class ShortageParams(Params):
    kinds: list[str] = Field(
        default_factory=lambda: ["shortage"],
        description="MRP exception kinds to alert: shortage, expedite, past_due_release, ...",
    )
    items: list[str] = Field(default_factory=list, description="Item SKUs to watch; empty: all.")


def evaluate(params: ShortageParams, now: dt.datetime) -> list[Finding]:
    run = current_run()
    if run is None:
        return []
    query = PlanException.objects.filter(run=run, kind__in=params.kinds).select_related("item")
    if params.items:
        query = query.filter(item__sku__in=params.items)
    findings = []
    for exc in query.order_by("date", "id"):
        findings.append(
            Finding(
                subject_key=f"{exc.kind}:{exc.item.sku}:{exc.reference}",
                title=f"{exc.get_kind_display()}: {exc.item.sku} ({exc.reference})"[:200],
                detail=f"{exc.message} (plan v{run.version}, needed {exc.date:%Y-%m-%d}).",
                evidence_url=reverse("planning:exception-list") + f"?q={exc.item.sku}",
            )
        )
    return findings


KIND = register(
    RuleKind(
        kind="material_shortage",
        label="Material shortage",
        description="The MRP plan in force reports a shortage (or another chosen exception).",
        params=ShortageParams,
        evaluate=evaluate,
    )
)
