"""Use cases of the people context: skills, certifications, workers and what they master.

Every function is one transaction, validated and audited; bad input raises a `DomainError` and
leaves nothing behind (setting a worker's skills with one unknown code changes none of them).
"""

import calendar as cal
import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from andon.core import audit, services
from andon.core.errors import Problem, ValidationFailed
from andon.core.records import field_values, reference
from andon.people.models import Certification, Skill, Worker, WorkerCertification, WorkerSkill

SKILL_FIELDS = ("code", "name")
CERTIFICATION_FIELDS = ("code", "name", "validity_months")
WORKER_FIELDS = ("code", "name", "shift", "hourly_rate", "badge", "active")


# --- skills and certifications ------------------------------------------------------------------


def create_skill(user: Any, data: Mapping[str, Any]) -> Skill:
    with transaction.atomic():
        return services.create(user, Skill(**field_values(Skill, data, SKILL_FIELDS)))


def update_skill(user: Any, skill: Skill, data: Mapping[str, Any]) -> Skill:
    with transaction.atomic():
        return services.update(user, skill, field_values(Skill, data, SKILL_FIELDS))


def delete_skill(user: Any, skill: Skill) -> None:
    """Refused while a worker holds it or an operation needs it."""
    with transaction.atomic():
        services.delete(user, skill)


def create_certification(user: Any, data: Mapping[str, Any]) -> Certification:
    with transaction.atomic():
        values = field_values(Certification, data, CERTIFICATION_FIELDS)
        return services.create(user, Certification(**values))


def update_certification(
    user: Any, certification: Certification, data: Mapping[str, Any]
) -> Certification:
    with transaction.atomic():
        values = field_values(Certification, data, CERTIFICATION_FIELDS)
        return services.update(user, certification, values)


def delete_certification(user: Any, certification: Certification) -> None:
    """Refused while a worker holds a certificate of it or an operation requires it."""
    with transaction.atomic():
        services.delete(user, certification)


# --- workers ------------------------------------------------------------------------------------


def create_worker(
    user: Any, data: Mapping[str, Any], skills: Mapping[str, int] | None = None
) -> Worker:
    """A new worker, optionally with skill levels by skill code."""
    with transaction.atomic():
        worker = services.create(user, Worker(**field_values(Worker, data, WORKER_FIELDS)))
        if skills:
            _set_skills(user, worker, skills)
        return worker


def update_worker(
    user: Any, worker: Worker, data: Mapping[str, Any], skills: Mapping[str, int] | None = None
) -> Worker:
    """Change a worker; `skills=None` keeps the skill levels, a mapping replaces them."""
    with transaction.atomic():
        services.update(user, worker, field_values(Worker, data, WORKER_FIELDS))
        if skills is not None:
            _set_skills(user, worker, skills)
        return worker


def delete_worker(user: Any, worker: Worker) -> None:
    """Removes the worker with their skill levels and certificates (kept in the audit history)."""
    with transaction.atomic():
        services.delete(user, worker)


def set_worker_skills(user: Any, worker: Worker, levels: Mapping[str, int]) -> Worker:
    """Replace the worker's skills by `{skill code: level 1..5}`; all or nothing."""
    with transaction.atomic():
        _set_skills(user, worker, levels)
        return worker


def _set_skills(user: Any, worker: Worker, levels: Mapping[str, int]) -> None:
    problems: list[Problem] = []
    skills: dict[str, Skill] = {s.code: s for s in Skill.objects.filter(code__in=list(levels))}
    for code, level in levels.items():
        if code not in skills:
            problems.append(Problem(message=f"Unknown skill {code!r}.", column=f"skills.{code}"))
        elif not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
            problems.append(
                Problem(message="A level is a whole number from 1 to 5.", column=f"skills.{code}")
            )
    if problems:
        unknown = any(p.message.startswith("Unknown") for p in problems)
        raise ValidationFailed(
            "Skills not set: " + "; ".join(str(p) for p in problems),
            problems,
            code="unknown_skill" if unknown else "invalid",
        )
    before = {ws.skill.code: ws.level for ws in worker.skill_levels.select_related("skill")}
    worker.skill_levels.exclude(skill__code__in=list(levels)).delete()
    for code, level in levels.items():
        WorkerSkill.objects.update_or_create(
            worker=worker, skill=skills[code], defaults={"level": level}
        )
    after = dict(levels)
    if before != after:
        audit.record(user, "update", worker, {"skills": [before, after]})


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, cal.monthrange(year, month)[1]))


def add_certification(
    user: Any,
    worker: Worker,
    certification: Certification | str,
    issued_on: dt.date,
    expires_on: dt.date | None = None,
) -> WorkerCertification:
    """Record a certificate; without `expires_on` it runs for the certification's validity."""
    with transaction.atomic():
        found = reference(Certification, certification, "certification")
        if found is None:
            raise ValidationFailed(
                "A certificate needs a certification.",
                [Problem(message="This field is required.", column="certification")],
            )
        if expires_on is None and found.validity_months:
            expires_on = add_months(issued_on, found.validity_months) - dt.timedelta(days=1)
        held = WorkerCertification(
            worker=worker, certification=found, issued_on=issued_on, expires_on=expires_on
        )
        return services.create(user, held)


def remove_certification(user: Any, held: WorkerCertification) -> None:
    with transaction.atomic():
        services.delete(user, held)
