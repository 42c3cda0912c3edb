from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from andon.core.detail import render_detail
from andon.core.listing import Column, ListPage, render_list
from andon.people.models import Skill, Worker

WORKERS = ListPage(
    title="Workers",
    queryset=lambda: Worker.objects.select_related("shift").prefetch_related("skill_levels__skill"),
    columns=[
        Column("Code", "code", sort="code", link=True),
        Column("Name", "name", sort="name"),
        Column("Shift", "shift.name", sort="shift__code"),
        Column("Skills", lambda w: ", ".join(str(s) for s in w.skill_levels.all())),
    ],
    search_fields=["code", "name", "skill_levels__skill__code"],
    default_sort="code",
    detail_url=lambda w: reverse("people:worker-detail", args=[w.pk]),
)


def worker_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, WORKERS)


def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    worker = get_object_or_404(Worker, pk=pk)
    return render_detail(request, worker, title=str(worker), back_url=reverse("people:worker-list"))


SKILLS = ListPage(
    title="Skills",
    queryset=lambda: Skill.objects.all(),
    columns=[Column("Code", "code", sort="code"), Column("Name", "name", sort="name")],
    search_fields=["code", "name"],
    default_sort="code",
)


def skill_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, SKILLS)
