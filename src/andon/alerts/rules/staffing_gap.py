"""Fewer qualified workers on a shift than the published schedule needs.

For each shift occurrence in the coming `hours`, the crew the schedule needs per skill (and
minimum level) is the peak of the crews of the operations it places at the same time; the supply
is the active workers of that shift holding the skill at that level or better. A shortfall is
the evening's phone call made in the morning.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from pydantic import Field

from andon.alerts.rules import Finding, Params, RuleKind, register
from andon.people.models import WorkerSkill
from andon.plant.models import Shift
from andon.production.board import current_shift
from andon.scheduling.models import ScheduledOperation, ScheduleRun

Group = tuple[int, dt.datetime, int, int]  # shift pk, occurrence start, skill pk, level


class StaffingParams(Params):
    hours: int = Field(24, ge=1, le=336, description="Look this many hours ahead.")


def _peak(intervals: list[tuple[dt.datetime, dt.datetime, int]]) -> int:
    """The most crew needed at one time by overlapping intervals (an end frees before a start)."""
    edges = sorted(
        [(start, 1, crew) for start, _, crew in intervals]
        + [(end, 0, -crew) for _, end, crew in intervals]
    )
    level = peak = 0
    for _, _, delta in edges:
        level += delta
        peak = max(peak, level)
    return peak


def evaluate(params: StaffingParams, now: dt.datetime) -> list[Finding]:
    run = ScheduleRun.current()
    if run is None:
        return []
    placed = (
        ScheduledOperation.objects.filter(
            run=run,
            end__gt=now,
            start__lt=now + dt.timedelta(hours=params.hours),
            operation__routing_operation__skill__isnull=False,
        )
        .select_related("operation__routing_operation__skill")
        .prefetch_related("work_center__calendar__shifts")
    )
    needs: dict[Group, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
    skills = {}
    for sop in placed:
        routing = sop.operation.routing_operation
        if routing is None or routing.skill is None:  # filtered out above
            continue
        shift, began = current_shift(
            list(sop.work_center.calendar.shifts.all()), max(sop.start, now)
        )
        if shift is None:
            continue
        skills[routing.skill.pk] = routing.skill
        key = (shift.pk, began, routing.skill.pk, routing.skill_level)
        needs[key].append((sop.start, sop.end, routing.crew_size))
    if not needs:
        return []
    levels: dict[tuple[int, int], list[int]] = defaultdict(list)  # (shift, skill) -> levels
    for shift_id, skill_id, level in WorkerSkill.objects.filter(
        worker__active=True, worker__shift__isnull=False, skill_id__in=skills
    ).values_list("worker__shift_id", "skill_id", "level"):
        levels[(shift_id, skill_id)].append(level)
    shifts = Shift.objects.in_bulk({key[0] for key in needs})
    findings = []
    for (shift_id, began, skill_id, level), intervals in sorted(needs.items()):
        need = _peak(intervals)
        have = sum(1 for held in levels[(shift_id, skill_id)] if held >= level)
        if have >= need:
            continue
        shift, skill = shifts[shift_id], skills[skill_id]
        findings.append(
            Finding(
                subject_key=f"staffing:{shift.code}:{began:%Y-%m-%dT%H:%M}:{skill.code}:{level}",
                title=(
                    f"{shift.code} {began:%a %d %b}: {have} of {need} {skill.code} "
                    f"(level {level}+) workers"
                ),
                detail=(
                    f"The schedule needs {need} workers with {skill.name} at level {level} or "
                    f"better at once on shift {shift.name} starting {began:%Y-%m-%d %H:%M}; "
                    f"the shift has {have}."
                ),
                evidence_url=reverse("scheduling:overview"),
            )
        )
    return findings


KIND = register(
    RuleKind(
        kind="staffing_gap",
        label="Staffing gap",
        description="A shift has fewer qualified workers than the schedule needs at once.",
        params=StaffingParams,
        evaluate=evaluate,
    )
)
