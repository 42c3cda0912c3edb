"""Crews for the schedule: who holds the skills and certificates the operations ask for, when
they are at work, and how long a crew can work at a machine without a break.
"""

from __future__ import annotations

from andon.engines.scheduling import CrewRequirement, Qualification, Resource, Worker
from andon.people.models import Worker as WorkerRecord
from andon.scheduling.clock import Clock, longest_overlap

Need = tuple[str | None, str | None]
"""What an operation asks of its crew: (skill code, certification code), either may be None."""


def crew_key(skill: str | None, certification: str | None) -> str | None:
    """The engine's qualification name for a skill and/or a certificate (None: no crew)."""
    if skill and certification:
        return f"{skill}+{certification}"
    if certification:
        return f"cert:{certification}"
    return skill or None


def read_workers(clock: Clock, keys: set[Need]) -> list[Worker]:
    """Workers on a shift with the qualifications the operations ask for."""
    if not keys:
        return []
    records = (
        WorkerRecord.objects.filter(active=True, shift__isnull=False)
        .select_related("shift")
        .prefetch_related("skill_levels__skill", "certifications__certification")
    )
    shifts: dict[int, tuple[tuple[int, int], ...]] = {}
    result = []
    for w in records:
        shift_id = w.shift_id or 0
        if shift_id not in shifts:
            shifts[shift_id] = tuple(clock.shift(w.shift))
        if not shifts[shift_id]:
            continue
        levels = {s.skill.code: s.level for s in w.skill_levels.all()}
        certificates: dict[str, int | None] = {}
        for c in w.certifications.all():
            if c.issued_on > clock.last_day or (
                c.expires_on is not None and c.expires_on < clock.first_day
            ):
                continue
            until = None if c.expires_on is None else clock.day_end(c.expires_on)
            code = c.certification.code
            if code not in certificates or until is None or (certificates[code] or 0) < until:
                certificates[code] = until
        quals = []
        for skill, certification in keys:
            key = crew_key(skill, certification)
            if key is None or (skill and skill not in levels):
                continue
            if certification and certification not in certificates:
                continue
            level = levels[skill] if skill else 1
            valid = certificates[certification] if certification else None
            quals.append(Qualification(key, level, valid))
        if quals:
            # One tuple per shift, shared by its workers: `CrewWindows` relies on it.
            result.append(Worker(w.code, tuple(quals), shifts[shift_id]))
    return result


class CrewWindows:
    """Per crew requirement and work center: how long a crew can work there without a break.

    The count-th longest overlap among the qualified workers, so that a piece of that length fits
    the machine's and each chosen worker's working time at once. Zero means no crew can ever run
    the operation there, which is reported, naming the operation, before any solving.
    """

    def __init__(self, workers: list[Worker], resources: list[Resource]) -> None:
        self.workers = workers
        self.calendars = {r.name: tuple(r.calendar or ()) for r in resources}
        self.cache: dict[tuple[str, int, int, str], int] = {}
        self.qualified: dict[tuple[str, int], list[Worker]] = {}
        # Workers of one shift share its windows (see `read_workers`), so the overlap with a
        # machine is computed once per (machine, shift), not once per worker.
        self.overlaps: dict[tuple[str, int], int] = {}

    def window(self, req: CrewRequirement, resource: str) -> int:
        key = (req.skill, req.min_level, req.count, resource)
        if key not in self.cache:
            able = self.qualified.get((req.skill, req.min_level))
            if able is None:
                able = [w for w in self.workers if w.qualified(req.skill, req.min_level)]
                self.qualified[req.skill, req.min_level] = able
            overlaps = sorted((self._overlap(resource, w) for w in able), reverse=True)
            self.cache[key] = overlaps[req.count - 1] if len(overlaps) >= req.count else 0
        return self.cache[key]

    def _overlap(self, resource: str, worker: Worker) -> int:
        key = (resource, id(worker.shifts))
        if key not in self.overlaps:
            machine = self.calendars.get(resource, ())
            self.overlaps[key] = longest_overlap(machine, tuple(worker.shifts or ()))
        return self.overlaps[key]
