"""REST endpoints of the people context: skills, certifications and workers.

A worker's skills travel as `{skill code: level}`; `PUT /workers/{code}/skills` with
`{"skills": {...}}` replaces them all at once, so a client never has to diff. Certificates are
added with `POST /workers/{code}/certifications`.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import FilterLookup, FilterSchema, PatchDict, Query, Router, Schema, Status
from ninja.pagination import paginate

from andon.accounts.permissions import require
from andon.core.errors import NotFound
from andon.core.pagination import Pagination
from andon.core.records import find
from andon.people import services
from andon.people.models import Certification, Skill, Worker, WorkerCertification

router = Router(tags=["people"])
CHANGE = "people.change"
Search = Annotated[str | None, FilterLookup(["code__icontains", "name__icontains"])]


# --- skills -------------------------------------------------------------------------------------


class SkillIn(Schema):
    code: str
    name: str


class SkillFilter(FilterSchema):
    q: Search = None


@router.get("/skills", response=list[SkillIn], summary="List skills")
@paginate(Pagination)
def list_skills(request: HttpRequest, filters: Query[SkillFilter]) -> QuerySet[Skill]:
    require(request, "view")
    return filters.filter(Skill.objects.order_by("code"))


@router.get("/skills/{code}", response=SkillIn, summary="One skill")
def get_skill(request: HttpRequest, code: str) -> Skill:
    require(request, "view")
    return find(Skill, code)


@router.post("/skills", response={201: SkillIn}, summary="Create a skill")
def create_skill(request: HttpRequest, payload: SkillIn) -> Status[Skill]:
    require(request, CHANGE)
    return Status(201, services.create_skill(request.user, payload.model_dump()))


@router.patch("/skills/{code}", response=SkillIn, summary="Change a skill")
def update_skill(request: HttpRequest, code: str, payload: PatchDict[SkillIn]) -> Skill:
    require(request, CHANGE)
    return services.update_skill(request.user, find(Skill, code), payload)


@router.delete("/skills/{code}", response={204: None}, summary="Delete a skill")
def delete_skill(request: HttpRequest, code: str) -> Status[None]:
    require(request, CHANGE)
    services.delete_skill(request.user, find(Skill, code))
    return Status(204, None)


# --- certifications -----------------------------------------------------------------------------


class CertificationIn(Schema):
    code: str
    name: str
    validity_months: int | None = None


class CertificationFilter(FilterSchema):
    q: Search = None


@router.get("/certifications", response=list[CertificationIn], summary="List certifications")
@paginate(Pagination)
def list_certifications(
    request: HttpRequest, filters: Query[CertificationFilter]
) -> QuerySet[Certification]:
    require(request, "view")
    return filters.filter(Certification.objects.order_by("code"))


@router.get("/certifications/{code}", response=CertificationIn, summary="One certification")
def get_certification(request: HttpRequest, code: str) -> Certification:
    require(request, "view")
    return find(Certification, code)


@router.post("/certifications", response={201: CertificationIn}, summary="Create one")
def create_certification(request: HttpRequest, payload: CertificationIn) -> Status[Certification]:
    require(request, CHANGE)
    return Status(201, services.create_certification(request.user, payload.model_dump()))


@router.patch("/certifications/{code}", response=CertificationIn, summary="Change one")
def update_certification(
    request: HttpRequest, code: str, payload: PatchDict[CertificationIn]
) -> Certification:
    require(request, CHANGE)
    return services.update_certification(request.user, find(Certification, code), payload)


@router.delete("/certifications/{code}", response={204: None}, summary="Delete one")
def delete_certification(request: HttpRequest, code: str) -> Status[None]:
    require(request, CHANGE)
    services.delete_certification(request.user, find(Certification, code))
    return Status(204, None)


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
    certification: str
    issued_on: dt.date
    expires_on: dt.date | None
    status: str

    @staticmethod
    def resolve_certification(obj: WorkerCertification) -> str:
        return obj.certification.code

    @staticmethod
    def resolve_status(obj: WorkerCertification) -> str:
        return obj.status_on(timezone.localdate())


class WorkerOut(WorkerIn):
    skills: dict[str, int]
    certifications: list[CertificateOut]

    @staticmethod
    def resolve_shift(obj: Worker) -> str | None:
        return obj.shift.code if obj.shift else None

    @staticmethod
    def resolve_skills(obj: Worker) -> dict[str, int]:
        return {ws.skill.code: ws.level for ws in obj.skill_levels.all()}

    @staticmethod
    def resolve_certifications(obj: Worker) -> list[WorkerCertification]:
        return list(obj.certifications.all())


class WorkerFilter(FilterSchema):
    q: Search = None
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


@router.get("/workers", response=list[WorkerOut], summary="List workers")
@paginate(Pagination)
def list_workers(request: HttpRequest, filters: Query[WorkerFilter]) -> QuerySet[Worker]:
    """`?skill=WELD&min_level=3` finds who can weld at level 3 or better."""
    require(request, "view")
    return filters.filter(_workers()).distinct()


@router.get("/workers/{code}", response=WorkerOut, summary="One worker")
def get_worker(request: HttpRequest, code: str) -> Worker:
    require(request, "view")
    return find(Worker, code)


@router.post("/workers", response={201: WorkerOut}, summary="Create a worker")
def create_worker(request: HttpRequest, payload: WorkerIn) -> Status[Worker]:
    require(request, CHANGE)
    data = payload.model_dump()
    skills = data.pop("skills")
    return Status(201, services.create_worker(request.user, data, skills))


@router.patch("/workers/{code}", response=WorkerOut, summary="Change a worker")
def update_worker(request: HttpRequest, code: str, payload: PatchDict[WorkerIn]) -> Worker:
    require(request, CHANGE)
    data = dict(payload)
    skills = data.pop("skills", None)
    return services.update_worker(request.user, find(Worker, code), data, skills)


@router.delete("/workers/{code}", response={204: None}, summary="Delete a worker")
def delete_worker(request: HttpRequest, code: str) -> Status[None]:
    require(request, CHANGE)
    services.delete_worker(request.user, find(Worker, code))
    return Status(204, None)


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
