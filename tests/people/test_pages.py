"""People pages: the worker page with skills and certificate status, forms, permissions."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from andon.people.models import Certification, Skill, Worker, WorkerCertification

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(day_shift):
    worker = Worker.objects.create(code="W1", name="Ada Smith", shift=day_shift)
    weld = Skill.objects.create(code="WELD", name="Welding")
    worker.skill_levels.create(skill=weld, level=4)
    today = timezone.localdate()
    for code, expires in [("FORK", 200), ("CRANE", 10), ("ATEX", -5)]:
        cert = Certification.objects.create(code=code, name=code.title())
        WorkerCertification.objects.create(
            worker=worker,
            certification=cert,
            issued_on=today - dt.timedelta(days=400),
            expires_on=today + dt.timedelta(days=expires),
        )
    return worker


def test_worker_page_shows_skills_shift_and_certificate_status(supervisor_client, worker):
    response = supervisor_client.get(reverse("people:worker-detail", args=[worker.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "WELD" in html
    assert "Day" in html
    assert '<span class="badge valid"' in html
    assert '<span class="badge expiring"' in html
    assert '<span class="badge expired"' in html
    assert "Set skill levels" in html


def test_viewer_gets_no_forms_and_403_on_edit(viewer_client, worker):
    html = viewer_client.get(reverse("people:worker-detail", args=[worker.pk])).content.decode()
    assert "Set skill levels" not in html
    assert viewer_client.get(reverse("people:worker-edit", args=[worker.pk])).status_code == 403
    assert viewer_client.post(reverse("people:worker-skills", args=[worker.pk])).status_code == 403


def test_set_skill_levels_through_the_page(supervisor_client, worker):
    weld = Skill.objects.get(code="WELD")
    paint = Skill.objects.create(code="PAINT", name="Painting")
    response = supervisor_client.post(
        reverse("people:worker-skills", args=[worker.pk]),
        {f"skill_{weld.pk}": "0", f"skill_{paint.pk}": "2"},
    )
    assert response.status_code == 302
    assert {ws.skill.code: ws.level for ws in worker.skill_levels.all()} == {"PAINT": 2}


def test_add_certificate_with_bad_dates_shows_the_problem(supervisor_client, worker):
    cert = Certification.objects.get(code="FORK")
    response = supervisor_client.post(
        reverse("people:worker-certificate-add", args=[worker.pk]),
        {"certification": cert.pk, "issued_on": "2025-05-01", "expires_on": "2025-04-01"},
    )
    assert response.status_code == 200
    assert "cannot expire before" in response.content.decode()
    assert worker.certifications.count() == 3


def test_create_worker_through_the_form(supervisor_client, day_shift):
    response = supervisor_client.post(
        reverse("people:worker-create"),
        {"code": "W9", "name": "New Person", "shift": day_shift.pk, "active": "on"},
    )
    assert response.status_code == 302
    assert Worker.objects.get(code="W9").shift == day_shift


def test_duplicate_worker_code_shows_on_the_form(supervisor_client, worker):
    response = supervisor_client.post(
        reverse("people:worker-create"), {"code": "W1", "name": "Again"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_skill_in_use_delete_page(supervisor_client, worker):
    weld = Skill.objects.get(code="WELD")
    html = supervisor_client.get(reverse("people:skill-delete", args=[weld.pk])).content.decode()
    assert "still used by" in html
    assert "W1" in html


@pytest.mark.parametrize(
    "url_name", ["people:worker-list", "people:skill-list", "people:certification-list"]
)
def test_list_pages_render_with_few_queries(
    supervisor_client, worker, url_name, django_assert_max_num_queries
):
    for n in range(20):
        w = Worker.objects.create(code=f"X{n}", name="X")
        w.skill_levels.create(skill=Skill.objects.get(code="WELD"), level=1)
    with django_assert_max_num_queries(12):
        response = supervisor_client.get(reverse(url_name))
    assert response.status_code == 200


def test_certification_pages(supervisor_client, worker):
    response = supervisor_client.post(
        reverse("people:certification-create"),
        {"code": "WELD-EN", "name": "EN welding", "validity_months": 24},
    )
    assert response.status_code == 302
    cert = Certification.objects.get(code="FORK")
    html = supervisor_client.get(
        reverse("people:certification-detail", args=[cert.pk])
    ).content.decode()
    assert "Ada Smith" in html
