"""Order projected late by the published schedule: the customer should hear it from us first.

Reads the schedule in force (`ScheduleRun.current()`) and its order finishes as the scheduling
pages compute them, so the alert and the "late orders" page always agree.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from pydantic import Field

from andon.alerts.rules import Finding, Params, RuleKind, register
from andon.scheduling.models import ScheduleRun
from andon.scheduling.queries import order_finishes


class LateOrderParams(Params):
    min_days_late: float = Field(
        0, ge=0, le=365, description="Only orders at least this many days late."
    )
    include_at_risk: bool = Field(
        False, description="Also alert orders finishing within 24 h of their due date."
    )


def evaluate(params: LateOrderParams, now: dt.datetime) -> list[Finding]:
    run = ScheduleRun.current()
    if run is None:
        return []
    states = {"late", "at_risk"} if params.include_at_risk else {"late"}
    findings = []
    for order in order_finishes(run):
        if order.state not in states:
            continue
        if order.state == "late" and order.days_late < params.min_days_late:
            continue
        what = "late" if order.state == "late" else "at risk"
        customer = f" for {order.customer}" if order.customer else ""
        findings.append(
            Finding(
                subject_key=f"work_order:{order.work_order_id}",
                title=f"{order.number} projected {what} ({order.days_late:+.1f} d)",
                detail=(
                    f"{order.number} ({order.item}){customer} is due {order.due_date:%Y-%m-%d}; "
                    f"schedule run {run.pk} finishes it {order.finish:%Y-%m-%d %H:%M} UTC."
                ),
                evidence_url=reverse("production:workorder-detail", args=[order.work_order_id]),
            )
        )
    return findings


KIND = register(
    RuleKind(
        kind="late_order",
        label="Order projected late",
        description="The published schedule finishes a work order after its due date.",
        params=LateOrderParams,
        evaluate=evaluate,
    )
)
