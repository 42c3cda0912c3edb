"""Roles decide what a user may do; tokens let integrations in; every change is audited."""

import pytest

from andon.accounts import services
from andon.accounts.roles import CAPABILITIES, can
from andon.core.errors import ValidationFailed
from andon.core.models import AuditEntry


@pytest.mark.django_db
def test_role_groups_exist_after_migrate():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {
        "admin",
        "planner",
        "supervisor",
        "operator",
        "quality",
        "maintenance",
        "viewer",
    }


@pytest.mark.django_db
def test_capabilities_follow_roles(user_with_role):
    planner, viewer, admin = (
        user_with_role("planner"),
        user_with_role("viewer"),
        user_with_role("admin"),
    )
    assert can(planner, "catalog.change")
    assert not can(planner, "accounts.manage")
    assert can(viewer, "view")
    assert not can(viewer, "catalog.change")
    assert all(can(admin, cap) for cap in CAPABILITIES)
    with pytest.raises(KeyError):
        can(admin, "no.such.capability")


@pytest.mark.django_db
def test_user_without_role_can_do_nothing(user_with_role, client):
    nobody = user_with_role()
    assert not can(nobody, "view")
    client.force_login(nobody)
    assert client.get("/transfer/").status_code == 403


@pytest.mark.django_db
def test_token_authenticates_api_calls_and_is_stored_hashed(client, planner):
    issued = services.create_token(planner, "MES gateway")
    assert issued.raw_key not in issued.token.key_hash
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued.raw_key}"})
    assert response.status_code == 200
    assert response.json() == {"username": "planner", "full_name": "", "roles": ["planner"]}
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


@pytest.mark.django_db
def test_revoked_or_wrong_token_is_refused(client, planner):
    issued = services.create_token(planner, "script")
    services.revoke_token(planner, issued.token.pk)
    for key in (issued.raw_key, "andon_made-up"):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_token_needs_a_name_and_nothing_is_written(planner):
    with pytest.raises(ValidationFailed):
        services.create_token(planner, "   ")
    assert not planner.api_tokens.exists()


@pytest.mark.django_db
def test_token_creation_is_audited(planner):
    services.create_token(planner, "ERP")
    entry = AuditEntry.objects.get(model="accounts.apitoken")
    assert entry.user == planner
    assert entry.action == "create"


@pytest.mark.django_db
def test_set_roles_rejects_unknown_role(admin_user, planner):
    with pytest.raises(ValidationFailed, match="Unknown role"):
        services.set_roles(admin_user, planner, ["planner", "wizard"])
    assert list(planner.groups.values_list("name", flat=True)) == ["planner"]


@pytest.mark.django_db
def test_admin_site_is_for_the_admin_role_only(client, planner, admin_user):
    client.force_login(planner)
    assert client.get("/admin/auth/user/").status_code == 302  # sent to the admin login
    client.force_login(admin_user)
    assert client.get("/admin/auth/user/").status_code == 200


@pytest.mark.django_db
def test_profile_page_creates_a_token_shown_once(client, viewer):
    client.force_login(viewer)
    response = client.post("/accounts/profile/", {"name": "Dashboard TV"})
    assert response.status_code == 200
    token = viewer.api_tokens.get()
    assert token.prefix in response.content.decode()
    assert "shown only once" in response.content.decode()


@pytest.mark.django_db
def test_token_post_needs_no_csrf_cookie(planner):
    """PLC gateways and MES clients post with a token alone, as a real client does (CSRF on)."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    issued = services.create_token(planner, "gateway")
    response = client.post(
        "/api/v1/units",
        {"code": "box", "name": "Box", "dimension": "count"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {issued.raw_key}"},
    )
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_session_post_without_csrf_is_still_refused(planner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(planner)
    response = client.post(
        "/api/v1/units",
        {"code": "box", "name": "Box", "dimension": "count"},
        content_type="application/json",
    )
    assert response.status_code == 403
