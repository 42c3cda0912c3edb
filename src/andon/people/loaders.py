"""Bulk loads of people's master data: skills, certifications, and workers with their skills
and certificates.

The import hands whole files over at once (see `andon.core.loads`); each function here checks a
batch by the rules the people services apply to one record (the model's validation, new codes,
skill levels 1 to 5, no certificate expiring before it is issued) and returns the load that
writes it set-based. A worker's listed skills or certificates replace what the worker had.
"""

import datetime as dt

from andon.core.errors import Problem
from andon.core.loads import BATCH, Batch, Load, chunks, upsert
from andon.people.models import Certification, Skill, Worker, WorkerCertification, WorkerSkill

# By the worker's identity: the worker, then (skill, level) pairs or (certification, issued on,
# expires on) triples.
SkillLevels = dict[int, tuple[Worker, list[tuple[Skill, int]]]]
Certificates = dict[int, tuple[Worker, list[tuple[Certification, dt.date, dt.date | None]]]]


def skills(batch: Batch[Skill]) -> Load:
    return upsert(Skill, batch)


def certifications(batch: Batch[Certification]) -> Load:
    return upsert(Certification, batch)


def _check_links(
    batch: Batch[Worker], levels: SkillLevels, certificates: Certificates, problems: list[Problem]
) -> None:
    for worker, pairs in levels.values():
        seen: set[int] = set()
        for skill, level in pairs:
            if id(skill) in seen:
                problems.append(
                    Problem(
                        f"skill '{skill.code}' is listed twice",
                        row=batch.row(worker),
                        column="skills",
                    )
                )
            seen.add(id(skill))
            if not 1 <= level <= 5:
                problems.append(
                    Problem(
                        f"{skill.code}: the level must be a whole number 1 to 5",
                        row=batch.row(worker),
                        column="skills",
                    )
                )
    for worker, held in certificates.values():
        for certification, issued, expires in held:
            if expires is not None and expires < issued:
                problems.append(
                    Problem(
                        f"{certification.code}: expires before it is issued",
                        row=batch.row(worker),
                        column="certifications",
                    )
                )


def workers(
    batch: Batch[Worker],
    levels: SkillLevels | None = None,
    certificates: Certificates | None = None,
) -> Load:
    """Workers; for each worker in `levels` / `certificates` exactly the skills / certificates
    listed."""
    levels, certificates = levels or {}, certificates or {}
    problems: list[Problem] = []
    _check_links(batch, levels, certificates, problems)

    def replace_links() -> None:
        if levels:
            for chunk in chunks([w.pk for w, _ in levels.values()]):
                WorkerSkill.objects.filter(worker_id__in=chunk).delete()
            WorkerSkill.objects.bulk_create(
                [
                    WorkerSkill(worker=w, skill=skill, level=level)
                    for w, pairs in levels.values()
                    for skill, level in pairs
                ],
                batch_size=BATCH,
            )
        if certificates:
            for chunk in chunks([w.pk for w, _ in certificates.values()]):
                WorkerCertification.objects.filter(worker_id__in=chunk).delete()
            WorkerCertification.objects.bulk_create(
                [
                    WorkerCertification(
                        worker=w, certification=cert, issued_on=issued, expires_on=expires
                    )
                    for w, held in certificates.values()
                    for cert, issued, expires in held
                ],
                batch_size=BATCH,
            )

    return upsert(Worker, batch, problems=problems, then=replace_links)
