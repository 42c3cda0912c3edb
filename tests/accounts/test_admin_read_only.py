"""The Django admin shows records to administrators and writes none: the services do."""

import pytest
from django.contrib.auth.models import Group, User

from andon.accounts import services
from andon.accounts.models import ApiToken
from andon.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(planner):
    return {
        "user": planner,
        "group": Group.objects.get(name="planner"),
        "token": services.create_token(planner, "mes").token,
    }


def _snapshot():
    return (
        list(User.objects.order_by("pk").values()),
        list(Group.objects.order_by("pk").values_list("name", flat=True)),
        list(ApiToken.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


def test_admin_posting_to_add_and_change_pages_is_refused(client, admin_user, records):
    client.force_login(admin_user)
    before = _snapshot()
    posts = [
        ("/admin/auth/user/add/", {"username": "intruder", "password1": "X-y-z-12345", "password2": "X-y-z-12345"}),
        (f"/admin/auth/user/{records['user'].pk}/change/", {"username": "planner", "is_superuser": "on", "is_active": "on"}),
        (f"/admin/auth/user/{records['user'].pk}/password/", {"password1": "X-y-z-12345", "password2": "X-y-z-12345"}),
        (f"/admin/auth/user/{records['user'].pk}/delete/", {"post": "yes"}),
        ("/admin/auth/group/add/", {"name": "wizards"}),
        (f"/admin/auth/group/{records['group'].pk}/change/", {"name": "planners"}),
        ("/admin/accounts/apitoken/add/", {"name": "x", "user": records["user"].pk}),
        (f"/admin/accounts/apitoken/{records['token'].pk}/change/", {"name": "y", "revoked": "on"}),
        (f"/admin/accounts/apitoken/{records['token'].pk}/delete/", {"post": "yes"}),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert _snapshot() == before


def test_admin_may_still_look(client, admin_user, records):
    client.force_login(admin_user)
    for url in (
        "/admin/auth/user/",
        f"/admin/auth/user/{records['user'].pk}/change/",
        "/admin/auth/group/",
        "/admin/accounts/apitoken/",
        f"/admin/accounts/apitoken/{records['token'].pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert records["token"].key_hash not in response.content.decode()
        assert "pbkdf2" not in response.content.decode()


def test_every_registered_model_is_read_only(rf, admin_user):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), (model, inline)
