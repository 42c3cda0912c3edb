"""People API: a supervisor manages the crew; others read; errors carry a code."""

import pytest

from andon.people.models import Certification, Skill, Worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(day_shift):
    weld = Skill.objects.create(code="WELD", name="Welding")
    Certification.objects.create(code="FORK", name="Forklift", validity_months=24)
    for n in range(4):
        w = Worker.objects.create(code=f"W{n}", name=f"Worker {n}", shift=day_shift)
        w.skill_levels.create(skill=weld, level=n + 1)
    return weld


def test_planner_cannot_change_the_crew(planner_client, api_as, crew):
    response = api_as(planner_client).patch("/workers/W1", {"name": "New"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_filter_workers_by_skill_level(viewer_client, api_as, crew):
    body = api_as(viewer_client).get("/workers?skill=WELD&min_level=3").json()
    assert [w["code"] for w in body["items"]] == ["W2", "W3"]
    assert body["items"][0]["skills"] == {"WELD": 3}
    assert body["items"][0]["shift"] == "DAY"


def test_worker_lifecycle(supervisor_client, api_as, crew):
    api = api_as(supervisor_client)
    response = api.post("/workers", {"code": "NEW", "name": "New One", "skills": {"WELD": 2}})
    assert response.status_code == 201, response.content
    assert response.json()["skills"] == {"WELD": 2}
    response = api.put("/workers/NEW/skills", {"skills": {"WELD": 5}})
    assert response.json()["skills"] == {"WELD": 5}
    response = api.put("/workers/NEW/skills", {"skills": {"PAINT": 2}})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_skill"
    response = api.post(
        "/workers/NEW/certifications", {"certification": "FORK", "issued_on": "2025-01-01"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["expires_on"] == "2026-12-31"
    certificate_id = response.json()["id"]
    assert api.get("/workers/NEW").json()["certifications"][0]["certification"] == "FORK"
    assert api.delete(f"/workers/NEW/certifications/{certificate_id}").status_code == 204
    assert api.delete("/workers/NEW").status_code == 204
    assert api.get("/workers/NEW").status_code == 404


def test_skill_and_certification_crud(supervisor_client, api_as):
    api = api_as(supervisor_client)
    assert api.post("/skills", {"code": "PAINT", "name": "Painting"}).status_code == 201
    assert api.post("/skills", {"code": "PAINT", "name": "Again"}).status_code == 400
    assert api.patch("/skills/PAINT", {"name": "Spray painting"}).json()["name"] == "Spray painting"
    assert api.post("/certifications", {"code": "ATEX", "name": "ATEX"}).status_code == 201
    assert api.get("/certifications?q=atex").json()["count"] == 1
    assert api.delete("/skills/PAINT").status_code == 204


def test_skill_in_use_cannot_be_deleted(supervisor_client, api_as, crew):
    response = api_as(supervisor_client).delete("/skills/WELD")
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"


def test_worker_list_pagination_and_query_count(
    viewer_client, api_as, crew, django_assert_max_num_queries
):
    api = api_as(viewer_client)
    with django_assert_max_num_queries(10):
        body = api.get("/workers?limit=2&offset=2").json()
    assert body["count"] == 4
    assert [w["code"] for w in body["items"]] == ["W2", "W3"]
