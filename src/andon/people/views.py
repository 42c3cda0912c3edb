"""Pages of the people context: workers with their skills and certificates, skills, certifications.

Thin: read with few queries, hand writes to `andon.people.services`, check the capability on
every page. Certificate status (valid, expiring within 30 days, expired) is computed for today.
"""

from typing import Any

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.core.crud import RecordPages
from andon.core.listing import Column, Filter, ListPage
from andon.core.pages import posted_form
from andon.people import services
from andon.people.forms import (
    CertificateForm,
    CertificationForm,
    SkillForm,
    SkillLevelsForm,
    WorkerForm,
)
from andon.people.models import (
    EXPIRY_WARNING_DAYS,
    Certification,
    Skill,
    Worker,
    WorkerCertification,
)
from andon.plant.models import Shift

CHANGE = "people.change"


def _pages(model: Any, url: str, noun: str, **spec: Any) -> RecordPages:
    return RecordPages(model, url, CHANGE, can, noun, **spec)


# --- workers ------------------------------------------------------------------------------------


def _shifts() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in Shift.objects.order_by("start_time", "code")]


WORKERS = _pages(
    Worker, "people:worker", "worker", form=WorkerForm,
    create=services.create_worker, update=services.update_worker, delete=services.delete_worker,
    cascades="their skill levels and certificates",
    list_page=ListPage(
        title="Workers",
        queryset=lambda: Worker.objects.select_related("shift").prefetch_related(
            "skill_levels__skill"
        ),
        columns=[
            Column("Code", "code", sort="code", link=True),
            Column("Name", "name", sort="name"),
            Column("Shift", "shift.name", sort="shift__code"),
            Column(
                "Skills",
                lambda w: ", ".join(f"{s.skill.code}:{s.level}" for s in w.skill_levels.all()),
            ),
            Column("Status", lambda w: "active" if w.active else "inactive", badge=True),
        ],
        search_fields=["code", "name", "badge", "skill_levels__skill__code"],
        filters=[Filter("shift", "Shift", "shift__code", _shifts)],
        default_sort="code",
    ),
)  # fmt: skip


def _worker_page(
    request: HttpRequest,
    worker: Worker,
    skills_form: SkillLevelsForm | None = None,
    certificate_form: CertificateForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    levels = list(worker.skill_levels.select_related("skill"))
    certificates = [
        {"held": held, "status": held.status_on(today)}
        for held in worker.certifications.select_related("certification").order_by(
            "certification__code", "-issued_on"
        )
    ]
    change = can(request.user, CHANGE)
    if change and skills_form is None:
        skills_form = SkillLevelsForm(
            skills=list(Skill.objects.order_by("code")),
            levels={ws.skill_id: ws.level for ws in levels},
        )
    return render(
        request,
        "people/worker_detail.html",
        {
            "worker": worker,
            "levels": levels,
            "certificates": certificates,
            "warning_days": EXPIRY_WARNING_DAYS,
            "skills_form": skills_form,
            "certificate_form": certificate_form or (CertificateForm() if change else None),
            "can_change": change,
        },
    )


@requires("view")
def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    worker = get_object_or_404(Worker.objects.select_related("shift"), pk=pk)
    return _worker_page(request, worker)


@require_POST
@requires(CHANGE)
def worker_skills(request: HttpRequest, pk: int) -> HttpResponse:
    worker = get_object_or_404(Worker, pk=pk)
    return posted_form(
        request,
        SkillLevelsForm(request.POST, skills=list(Skill.objects.order_by("code")), levels={}),
        save=lambda form: services.set_worker_skills(request.user, worker, form.levels()),
        done=reverse("people:worker-detail", args=[pk]),
        page=lambda form: _worker_page(request, worker, skills_form=form),
    )


@require_POST
@requires(CHANGE)
def worker_certificate_add(request: HttpRequest, pk: int) -> HttpResponse:
    worker = get_object_or_404(Worker, pk=pk)
    return posted_form(
        request,
        CertificateForm(request.POST, instance=WorkerCertification(worker=worker)),
        save=lambda form: services.add_certification(
            request.user,
            worker,
            form.cleaned_data["certification"],
            form.cleaned_data["issued_on"],
            form.cleaned_data["expires_on"],
        ),
        done=reverse("people:worker-detail", args=[pk]),
        page=lambda form: _worker_page(request, worker, certificate_form=form),
    )


@require_POST
@requires(CHANGE)
def worker_certificate_remove(request: HttpRequest, pk: int, certificate_id: int) -> HttpResponse:
    held = get_object_or_404(WorkerCertification, pk=certificate_id, worker_id=pk)
    services.remove_certification(request.user, held)
    return redirect("people:worker-detail", pk=pk)


# --- skills -------------------------------------------------------------------------------------

SKILLS = _pages(
    Skill, "people:skill", "skill", form=SkillForm, edit_title="Edit skill {}",
    create=services.create_skill, update=services.update_skill, delete=services.delete_skill,
    list_page=ListPage(
        title="Skills",
        queryset=lambda: Skill.objects.annotate(n_workers=Count("worker_levels", distinct=True)),
        columns=[
            Column("Code", "code", sort="code", link=True),
            Column("Name", "name", sort="name"),
            Column("Workers", "n_workers", sort="n_workers", numeric=True),
        ],
        search_fields=["code", "name"],
        default_sort="code",
    ),
)  # fmt: skip


@requires("view")
def skill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    skill = SKILLS.get(pk)
    holders = skill.worker_levels.select_related("worker").order_by("-level", "worker__code")
    return SKILLS.record_page(
        request,
        skill,
        title=f"{skill.code} · {skill.name}",
        related=[
            {
                "title": "Workers with this skill",
                "headers": ["Worker", "Name", "Level"],
                "rows": [(ws.worker.code, ws.worker.name, ws.level) for ws in holders],
            }
        ],
    )


# --- certifications -----------------------------------------------------------------------------

CERTIFICATIONS = _pages(
    Certification, "people:certification", "certification", form=CertificationForm,
    edit_title="Edit certification {}", create=services.create_certification,
    update=services.update_certification, delete=services.delete_certification,
    list_page=ListPage(
        title="Certifications",
        subtitle=f"Certificates expiring within {EXPIRY_WARNING_DAYS} days are flagged.",
        queryset=lambda: Certification.objects.annotate(n_holders=Count("holders", distinct=True)),
        columns=[
            Column("Code", "code", sort="code", link=True),
            Column("Name", "name", sort="name"),
            Column("Validity (months)", "validity_months", sort="validity_months", numeric=True),
            Column("Certificates", "n_holders", sort="n_holders", numeric=True),
        ],
        search_fields=["code", "name"],
        default_sort="code",
    ),
)  # fmt: skip


@requires("view")
def certification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    certification = get_object_or_404(
        Certification.objects.prefetch_related(
            Prefetch(
                "holders",
                queryset=WorkerCertification.objects.select_related("worker").order_by(
                    "expires_on"
                ),
            )
        ),
        pk=pk,
    )
    today = timezone.localdate()
    return CERTIFICATIONS.record_page(
        request,
        certification,
        title=f"{certification.code} · {certification.name}",
        related=[
            {
                "title": "Holders",
                "headers": ["Worker", "Name", "Issued", "Expires", "Status"],
                "rows": [
                    (h.worker.code, h.worker.name, h.issued_on, h.expires_on, h.status_on(today))
                    for h in certification.holders.all()
                ],
            }
        ],
    )
