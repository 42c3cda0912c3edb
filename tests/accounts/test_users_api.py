"""The users API: admins manage users, roles, passwords and tokens; errors keep the contract."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from andon.accounts import services
from andon.accounts.roles import roles_of
from andon.core.models import AuditEntry
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize("role", ["planner", "supervisor", "viewer"])
def test_only_admins_reach_the_users_endpoints(client, user_with_role, viewer, role):
    issued = services.create_token(user_with_role(role), "script")
    headers = {"Authorization": f"Bearer {issued.raw_key}"}
    calls = [
        ("get", "/api/v1/users", None),
        ("get", "/api/v1/users/viewer", None),
        ("post", "/api/v1/users", {"username": "x", "password": PASSWORD}),
        ("patch", "/api/v1/users/viewer", {"roles": ["admin"]}),
        ("post", "/api/v1/users/viewer/password", {}),
        ("get", "/api/v1/users/viewer/tokens", None),
        ("post", "/api/v1/users/viewer/tokens", {"name": "t", "expires_on": _tomorrow()}),
        ("delete", "/api/v1/users/viewer/tokens/1", None),
    ]
    for method, url, body in calls:
        kwargs = {"data": body, "content_type": JSON} if body is not None else {}
        response = getattr(client, method)(url, headers=headers, **kwargs)
        assert response.status_code == 403, (method, url)
        assert response.json()["code"] == "forbidden"
    assert roles_of(User.objects.get(pk=viewer.pk)) == {"viewer"}
    assert not AuditEntry.objects.filter(model="auth.user").exists()


@pytest.fixture
def api(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_creates_lists_and_reads_users(api, planner):
    response = api.post(
        "/api/v1/users",
        {"username": "ines", "password": PASSWORD, "roles": ["quality"], "email": "i@x.example"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["roles"] == ["quality"]
    assert body["is_active"]
    assert body["live_tokens"] == 0
    assert "password" not in body
    listed = api.get("/api/v1/users", {"role": "quality"}).json()
    assert [u["username"] for u in listed["items"]] == ["ines"]
    assert api.get("/api/v1/users", {"q": "plan"}).json()["count"] == 1
    assert api.get("/api/v1/users/planner").json()["roles"] == ["planner"]
    missing = api.get("/api/v1/users/nobody")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"username": "planner", "password": PASSWORD}, 400, "duplicate_username"),
        ({"username": "ines", "password": PASSWORD, "roles": ["wizard"]}, 400, "unknown_role"),
        ({"username": "ines", "password": "123"}, 400, "weak_password"),
        ({"username": "ines"}, 422, "invalid_request"),
    ],
)
def test_refused_creations_answer_the_error_contract(api, planner, body, status, code):
    before = User.objects.count()
    response = api.post("/api/v1/users", body, content_type=JSON)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert User.objects.count() == before


def test_patch_changes_roles_and_active_state_audited(api, planner, admin_user):
    response = api.patch(
        "/api/v1/users/planner",
        {"roles": ["planner", "supervisor"], "first_name": "Paula"},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert response.json()["roles"] == ["planner", "supervisor"]
    assert response.json()["first_name"] == "Paula"
    response = api.patch("/api/v1/users/planner", {"is_active": False}, content_type=JSON)
    assert response.json()["is_active"] is False
    changes = [
        e.changes
        for e in AuditEntry.objects.filter(model="auth.user", object_id=str(planner.pk)).order_by(
            "pk"
        )
    ]
    assert {"roles": [["planner"], ["planner", "supervisor"]]} in changes
    assert {"is_active": [True, False]} in changes


def test_patch_refusals_write_nothing(api, admin_user, planner):
    response = api.patch(
        "/api/v1/users/boss", {"first_name": "B", "is_active": False}, content_type=JSON
    )
    assert response.status_code == 409
    assert response.json()["code"] == "deactivate_self"
    assert User.objects.get(pk=admin_user.pk).first_name == ""
    response = api.patch("/api/v1/users/boss", {"roles": ["viewer"]}, content_type=JSON)
    assert response.status_code == 409
    assert response.json()["code"] == "last_admin"
    assert not AuditEntry.objects.filter(model="auth.user").exists()


def test_password_reset_set_or_generated(api, planner, client):
    response = api.post("/api/v1/users/planner/password", {}, content_type=JSON)
    generated = response.json()
    assert generated["generated"] is True
    assert generated["password"]
    assert User.objects.get(pk=planner.pk).check_password(generated["password"])
    response = api.post(
        "/api/v1/users/planner/password", {"password": "Fresh-start-2031"}, content_type=JSON
    )
    assert response.json() == {"username": "planner", "generated": False, "password": None}
    weak = api.post("/api/v1/users/planner/password", {"password": "abc"}, content_type=JSON)
    assert weak.status_code == 400
    assert weak.json()["code"] == "weak_password"
    assert User.objects.get(pk=planner.pk).check_password("Fresh-start-2031")


def test_tokens_created_with_expiry_listed_and_revoked(api, planner):
    from django.test import Client

    response = api.post(
        "/api/v1/users/planner/tokens",
        {"name": "MES", "expires_on": _tomorrow()},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    issued = response.json()
    assert issued["key"].startswith(issued["prefix"])
    assert issued["expires_on"] == _tomorrow()
    listed = api.get("/api/v1/users/planner/tokens").json()["items"]
    assert [t["name"] for t in listed] == ["MES"]
    assert "key" not in listed[0]
    as_token = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {issued['key']}"})
    assert as_token.json()["username"] == "planner"
    assert api.delete(f"/api/v1/users/planner/tokens/{issued['id']}").status_code == 204
    assert api.get("/api/v1/users/planner/tokens").json()["items"][0]["revoked"] is True
    again = api.delete(f"/api/v1/users/planner/tokens/{issued['id']}")
    assert again.status_code == 404
    assert again.json()["code"] == "not_found"


def test_token_expiry_is_required_and_in_the_future(api, planner):
    for body, status, code in [
        ({"name": "x"}, 422, "invalid_request"),
        ({"name": "x", "expires_on": "2020-01-01"}, 400, "expiry_in_past"),
    ]:
        response = api.post("/api/v1/users/planner/tokens", body, content_type=JSON)
        assert response.status_code == status
        assert response.json()["code"] == code
    assert not planner.api_tokens.exists()


def test_user_list_queries_do_not_grow(api, user_with_role, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/v1/users").status_code == 200
    for n in range(20):
        services.create_token(user_with_role("viewer", "quality", username=f"u{n}"), "t")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/api/v1/users").json()["count"] == 21
