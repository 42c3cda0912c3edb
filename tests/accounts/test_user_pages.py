"""The users pages: only the admin role manages users; every change goes through the services."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from andon.accounts import services
from andon.accounts.roles import roles_of
from andon.core.models import AuditEntry
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _pages(user):
    token = services.create_token(user, "t").token
    return [
        ("get", reverse("accounts:user-list")),
        ("get", reverse("accounts:user-create")),
        ("post", reverse("accounts:user-create")),
        ("get", reverse("accounts:user-detail", args=[user.pk])),
        ("get", reverse("accounts:user-edit", args=[user.pk])),
        ("post", reverse("accounts:user-roles", args=[user.pk])),
        ("post", reverse("accounts:user-deactivate", args=[user.pk])),
        ("post", reverse("accounts:user-reactivate", args=[user.pk])),
        ("post", reverse("accounts:user-password", args=[user.pk])),
        ("post", reverse("accounts:user-token-create", args=[user.pk])),
        ("post", reverse("accounts:user-token-revoke", args=[user.pk, token.pk])),
    ]


@pytest.mark.parametrize("role", ["planner", "supervisor", "viewer", "quality"])
def test_only_the_admin_role_may_open_the_users_pages(client, user_with_role, viewer, role):
    client.force_login(user_with_role(role))
    for method, url in _pages(viewer):
        response = getattr(client, method)(url, {"roles": ["admin"], "generate": "1"})
        assert response.status_code == 403, url
    assert roles_of(User.objects.get(pk=viewer.pk)) == {"viewer"}
    assert not AuditEntry.objects.filter(model="auth.user").exists()


def test_user_list_shows_roles_status_and_tokens(admin_client, planner, viewer):
    services.create_token(planner, "mes")
    services.create_token(planner, "erp")
    page = admin_client.get(reverse("accounts:user-list")).content.decode()
    assert "planner" in page
    assert "viewer" in page
    assert "boss" in page
    assert ">2<" in page.replace(" ", "")  # planner's two live tokens
    filtered = admin_client.get(reverse("accounts:user-list"), {"role": "viewer"}).content.decode()
    assert "viewer" in filtered
    assert f'href="/accounts/users/{planner.pk}/"' not in filtered


def test_user_list_queries_do_not_grow(admin_client, user_with_role, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("accounts:user-list")
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    for n in range(25):
        user = user_with_role("planner", "quality", username=f"u{n}")
        services.create_token(user, "t")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get(url).status_code == 200


def test_admin_creates_a_user_with_roles_on_the_page(admin_client, client):
    response = admin_client.post(
        reverse("accounts:user-create"),
        {
            "username": "ines",
            "first_name": "Inès",
            "last_name": "Moreau",
            "email": "ines@x.example",
            "roles": ["planner", "quality"],
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    ines = User.objects.get(username="ines")
    assert response.status_code == 302
    assert response.url == reverse("accounts:user-detail", args=[ines.pk])
    assert roles_of(ines) == {"planner", "quality"}
    entry = AuditEntry.objects.get(model="auth.user", object_id=str(ines.pk))
    assert entry.user.username == "boss"


def test_create_page_shows_the_role_descriptions(admin_client):
    page = admin_client.get(reverse("accounts:user-create")).content.decode()
    assert "Master data, orders, imports, MRP and schedules." in page
    assert 'type="checkbox" name="roles" value="planner"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": "planner"}, "already a user"),
        ({"password": "123", "confirm": "123"}, "too short"),
        ({"confirm": "Something-else-99"}, "differ"),
    ],
)
def test_create_page_explains_refusals_and_writes_nothing(admin_client, planner, changes, message):
    data = {"username": "ines", "password": PASSWORD, "confirm": PASSWORD, **changes}
    before = User.objects.count()
    response = admin_client.post(reverse("accounts:user-create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_roles_are_changed_with_checkboxes(admin_client, planner):
    url = reverse("accounts:user-roles", args=[planner.pk])
    response = admin_client.post(url, {"roles": ["supervisor", "viewer"]})
    assert response.status_code == 302
    assert roles_of(User.objects.get(pk=planner.pk)) == {"supervisor", "viewer"}
    detail = admin_client.get(reverse("accounts:user-detail", args=[planner.pk])).content.decode()
    assert 'value="supervisor" checked' in detail
    assert 'value="planner" checked' not in detail
    assert "roles: planner → supervisor, viewer" in detail  # the account's history, with who
    assert "<td>boss</td>" in detail


def test_last_admin_refusal_is_shown_on_the_page(admin_client, admin_user):
    response = admin_client.post(
        reverse("accounts:user-roles", args=[admin_user.pk]), {"roles": ["viewer"]}
    )
    assert response.status_code == 400
    assert "last active administrator" in response.content.decode()
    assert roles_of(User.objects.get(pk=admin_user.pk)) == {"admin"}


def test_deactivate_and_reactivate_from_the_page(admin_client, planner, admin_user):
    admin_client.post(reverse("accounts:user-deactivate", args=[planner.pk]))
    assert not User.objects.get(pk=planner.pk).is_active
    page = admin_client.get(reverse("accounts:user-detail", args=[planner.pk])).content.decode()
    assert "Reactivate" in page
    admin_client.post(reverse("accounts:user-reactivate", args=[planner.pk]))
    assert User.objects.get(pk=planner.pk).is_active
    response = admin_client.post(
        reverse("accounts:user-deactivate", args=[admin_user.pk]), follow=True
    )
    assert "cannot deactivate yourself" in response.content.decode()
    assert User.objects.get(pk=admin_user.pk).is_active


def test_generated_password_is_shown_once(admin_client, planner, client):
    url = reverse("accounts:user-password", args=[planner.pk])
    response = admin_client.post(url, {"generate": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "shown only once" in page
    password = page.split("shown only once: <code>")[1].split("</code>")[0]
    assert client.login(username="planner", password=password)
    again = admin_client.get(reverse("accounts:user-detail", args=[planner.pk])).content.decode()
    assert password not in again


def test_set_password_is_checked_against_the_rules(admin_client, planner):
    url = reverse("accounts:user-password", args=[planner.pk])
    response = admin_client.post(url, {"password": "planner", "confirm": "planner"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(model="auth.user").exists()
    response = admin_client.post(
        url, {"password": "Fresh-start-2031", "confirm": "Fresh-start-2031"}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=planner.pk).check_password("Fresh-start-2031")


def test_token_for_a_user_is_shown_once_then_revoked(admin_client, planner):
    from django.test import Client

    client = Client()  # no session: the token alone
    expiry = timezone.localdate() + dt.timedelta(days=10)
    response = admin_client.post(
        reverse("accounts:user-token-create", args=[planner.pk]),
        {"name": "MES gateway", "expires_on": expiry.isoformat()},
    )
    page = response.content.decode()
    assert "shown only once" in page
    key = page.split("shown only once:<br><code>")[1].split("</code>")[0]
    token = planner.api_tokens.get()
    assert token.expires_on == expiry
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    admin_client.post(reverse("accounts:user-token-revoke", args=[planner.pk, token.pk]))
    token.refresh_from_db()
    assert token.revoked
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_token_with_a_past_expiry_is_refused_on_the_page(admin_client, planner):
    response = admin_client.post(
        reverse("accounts:user-token-create", args=[planner.pk]),
        {"name": "late", "expires_on": "2020-01-01"},
    )
    assert response.status_code == 400
    assert "not in the future" in response.content.decode()
    assert not planner.api_tokens.exists()


def test_profile_token_gets_a_year_by_default_and_any_user_changes_their_password(viewer, client):
    client.force_login(viewer)
    client.post(reverse("accounts:profile"), {"name": "Dashboard TV"})
    assert viewer.api_tokens.get().expires_on == timezone.localdate() + dt.timedelta(days=365)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "pw-12345-test",
            "new_password1": "Fresh-start-2031",
            "new_password2": "Fresh-start-2031",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=viewer.pk).check_password("Fresh-start-2031")
    assert client.get(reverse("accounts:profile")).status_code == 200  # still logged in
    entry = AuditEntry.objects.get(model="auth.user", object_id=str(viewer.pk))
    assert entry.user == viewer
    assert entry.changes == {"password": "set"}


def test_revoking_a_token_that_is_not_yours_or_not_a_number_is_refused(viewer, planner, client):
    theirs = services.create_token(planner, "mes").token
    client.force_login(viewer)
    for value in (str(theirs.pk), "abc"):
        response = client.post(reverse("accounts:profile"), {"revoke": value}, follow=True)
        assert response.status_code == 200
        assert (
            "no live token" in response.content.decode()
            or "No such token" in response.content.decode()
        )
    theirs.refresh_from_db()
    assert not theirs.revoked
