"""Machine down longer than N minutes: a stop nobody reacts to costs a shift's output.

Reads the supervisor's board (`andon.production.board`), so a work center is down here exactly
when it is red on the board: an open machine-level downtime or an active operation that is down.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from pydantic import Field

from andon.alerts.rules import Finding, Params, RuleKind, register
from andon.production.board import board


class MachineDownParams(Params):
    minutes: int = Field(20, ge=1, le=10080, description="Down for at least this many minutes.")
    work_centers: list[str] = Field(
        default_factory=list, description="Work center codes to watch; empty: all."
    )


def evaluate(params: MachineDownParams, now: dt.datetime) -> list[Finding]:
    limit = dt.timedelta(minutes=params.minutes)
    watched = set(params.work_centers)
    findings = []
    for state in board(now):
        center = state.work_center
        if watched and center.code not in watched:
            continue
        if state.state != "down" or state.since is None or now - state.since < limit:
            continue
        reason = f" ({state.reason})" if state.reason else ""
        findings.append(
            Finding(
                subject_key=f"work_center:{center.pk}",
                # Stable wording while the stop lasts, so re-evaluation does not rewrite it.
                title=f"{center.code} down since {timezone.localtime(state.since):%H:%M}{reason}",
                detail=(
                    f"{center.code} {center.name} has been down since "
                    f"{state.since:%Y-%m-%d %H:%M} UTC{reason}; the threshold is "
                    f"{params.minutes} min."
                ),
                evidence_url=reverse("plant:workcenter-detail", args=[center.pk]),
            )
        )
    return findings


KIND = register(
    RuleKind(
        kind="machine_down",
        label="Machine down",
        description="A work center has been down longer than the threshold.",
        params=MachineDownParams,
        evaluate=evaluate,
    )
)
