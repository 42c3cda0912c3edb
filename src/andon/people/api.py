"""REST endpoints of the people context: skills, certifications and workers.

A worker's skills travel as `{skill code: level}`; `PUT /workers/{code}/skills` with
`{"skills": {...}}` replaces them all at once, so a client never has to diff. Certificates are
added with `POST /workers/{code}/certifications`.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, FilterLookup, FilterSchema, Router, Schema, Status

from andon.accounts.permissions import require
from andon.accounts.roles import can
from andon.core.crud_api import Resources
from andon.core.errors import NotFound
from andon.core.records import find
from andon.core.schemas import CodeOrName, related
from andon.people import services
from andon.people.models import Certification, Skill, Worker, WorkerCertification

router = Router(tags=["people"])
CHANGE = "people.change"
resources = Resources(router, __name__, CHANGE, can)


# --- skills -------------------------------------------------------------------------------------


class SkillIn(Schema):
    code: str
    name: str


class SkillFilter(FilterSchema):
    q: CodeOrName = None


resources.add(
    "/skills", "skill", "skills", schema_in=SkillIn, schema_out=SkillIn, filters=SkillFilter,
    queryset=lambda: Skill.objects.order_by("code"),
    create=services.create_skill, update=services.update_skill, delete=services.delete_skill,
)  # fmt: skip


# --- certifications -----------------------------------------------------------------------------


class CertificationIn(Schema):
    code: str
    name: str
    validity_months: int | None = None


class CertificationFilter(FilterSchema):
    q: CodeOrName = None


resources.add(
    "/certifications", "certification", "certifications",
    schema_in=CertificationIn, schema_out=CertificationIn, filters=CertificationFilter,
    queryset=lambda: Certification.objects.order_by("code"),
    create=services.create_certification, update=services.update_certification,
    delete=services.delete_certification,
    summaries={"create": "Create one", "update": "Change one", "delete": "Delete one"},
)  # fmt: skip


# --- workers ------------------------------------------------------------------------------------


class WorkerIn(Schema):
    code: str
    name: str
    shift: str | None = None
    hourly_rate: Decimal | None = None
    badge: str = ""
    active: bool = True
    skills: dict[str, int] | None = None


class SkillLevelsIn(Schema):
    skills: dict[str, int]


class CertificateIn(Schema):
    certification: str
    issued_on: dt.date
    expires_on: dt.date | None = None


class CertificateOut(Schema):
    id: int
    certification: str = Field(alias="certification.code")
    issued_on: dt.date
    expires_on: dt.date | None
    status: str

    @staticmethod
    def resolve_status(obj: WorkerCertification) -> str:
        return obj.status_on(timezone.localdate())


class WorkerOut(WorkerIn):
    skills: dict[str, int]
    certifications: list[CertificateOut]

    resolve_shift = related("shift.code")

    @staticmethod
    def resolve_skills(obj: Worker) -> dict[str, int]:
        return {ws.skill.code: ws.level for ws in obj.skill_levels.all()}


class WorkerFilter(FilterSchema):
    q: CodeOrName = None
    shift: Annotated[str | None, FilterLookup("shift__code")] = None
    skill: Annotated[str | None, FilterLookup("skill_levels__skill__code")] = None
    min_level: Annotated[int | None, FilterLookup("skill_levels__level__gte")] = None
    certification: Annotated[str | None, FilterLookup("certifications__certification__code")] = None
    active: bool | None = None


def _workers() -> QuerySet[Worker]:
    return (
        Worker.objects.select_related("shift")
        .prefetch_related(
            "skill_levels__skill",
            Prefetch(
                "certifications",
                queryset=WorkerCertification.objects.select_related("certification"),
            ),
        )
        .order_by("code")
    )


def _create_worker(user: Any, data: dict[str, Any]) -> Worker:
    skills = data.pop("skills")
    return services.create_worker(user, data, skills)


def _update_worker(user: Any, worker: Worker, data: dict[str, Any]) -> Worker:
    skills = data.pop("skills", None)
    return services.update_worker(user, worker, data, skills)


resources.add(
    "/workers", "worker", "workers",
    schema_in=WorkerIn, schema_out=WorkerOut, filters=WorkerFilter,
    queryset=_workers, distinct=True,
    create=_create_worker, update=_update_worker, delete=services.delete_worker,
    descriptions={"list": "`?skill=WELD&min_level=3` finds who can weld at level 3 or better."},
)  # fmt: skip


@router.put("/workers/{code}/skills", response=WorkerOut, summary="Replace a worker's skills")
def set_skills(request: HttpRequest, code: str, payload: SkillLevelsIn) -> Worker:
    require(request, CHANGE)
    return services.set_worker_skills(request.user, find(Worker, code), payload.skills)


@router.post(
    "/workers/{code}/certifications",
    response={201: CertificateOut},
    summary="Record a certificate a worker holds",
)
def add_certificate(
    request: HttpRequest, code: str, payload: CertificateIn
) -> Status[WorkerCertification]:
    require(request, CHANGE)
    held = services.add_certification(
        request.user,
        find(Worker, code),
        payload.certification,
        payload.issued_on,
        payload.expires_on,
    )
    return Status(201, held)


@router.delete(
    "/workers/{code}/certifications/{certificate_id}",
    response={204: None},
    summary="Remove a certificate",
)
def remove_certificate(request: HttpRequest, code: str, certificate_id: int) -> Status[None]:
    require(request, CHANGE)
    held = find(Worker, code).certifications.filter(pk=certificate_id).first()
    if held is None:
        raise NotFound(f"Worker {code} has no certificate {certificate_id}.")
    services.remove_certification(request.user, held)
    return Status(204, None)
