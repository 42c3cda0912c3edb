"""Users are managed through services: one transaction each, audited, refusing what would harm.

Every refusal is checked twice: the error is clear (a stable code), and nothing was written.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from andon.accounts import services
from andon.accounts.roles import roles_of
from andon.core.errors import Conflict, ValidationFailed
from andon.core.models import AuditEntry
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _new(admin_user, username="ines", roles=("planner",), **extra):
    return services.create_user(
        admin_user, username=username, password=PASSWORD, roles=list(roles), **extra
    )


def test_created_user_logs_in_with_their_roles_and_the_audit_says_who(admin_user, entries, client):
    user = _new(admin_user, roles=["planner", "quality"], first_name="Inès", email="ines@x.example")
    assert roles_of(User.objects.get(pk=user.pk)) == {"planner", "quality"}
    assert client.login(username="ines", password=PASSWORD)
    [entry] = entries(user)
    assert entry.user == admin_user
    assert entry.action == "create"
    assert entry.changes["roles"] == ["planner", "quality"]
    assert entry.changes["email"] == "ines@x.example"
    assert not any("password" in key for key in entry.changes)


@pytest.mark.parametrize(
    ("username", "roles", "password", "code"),
    [
        ("planner", ["viewer"], PASSWORD, "duplicate_username"),
        ("PLANNER", ["viewer"], PASSWORD, "duplicate_username"),
        ("newbie", ["viewer", "wizard"], PASSWORD, "unknown_role"),
        ("newbie", ["viewer"], "123", "weak_password"),
        ("newbie", ["viewer"], "password", "weak_password"),
        ("bad name!", ["viewer"], PASSWORD, "invalid"),
        ("", ["viewer"], PASSWORD, "invalid"),
    ],
)
def test_refused_user_is_not_written(admin_user, planner, username, roles, password, code):
    users_before = User.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(admin_user, username=username, password=password, roles=roles)
    assert refused.value.code == code
    assert refused.value.detail
    assert User.objects.count() == users_before
    assert not AuditEntry.objects.filter(model="auth.user").exists()


def test_role_change_is_audited_with_the_roles_before_and_after(admin_user, planner, entries):
    services.set_roles(admin_user, planner, ["supervisor", "planner"])
    [entry] = entries(planner)
    assert entry.user == admin_user
    assert entry.changes == {"roles": [["planner"], ["planner", "supervisor"]]}
    assert roles_of(User.objects.get(pk=planner.pk)) == {"planner", "supervisor"}


def test_setting_the_same_roles_writes_no_entry(admin_user, planner, entries):
    services.set_roles(admin_user, planner, ["planner"])
    assert entries(planner) == []


def test_unknown_role_changes_nothing(admin_user, planner, entries):
    with pytest.raises(ValidationFailed, match="Unknown role") as refused:
        services.set_roles(admin_user, planner, ["viewer", "wizard"])
    assert refused.value.code == "unknown_role"
    assert list(planner.groups.values_list("name", flat=True)) == ["planner"]
    assert entries(planner) == []


def test_the_last_admin_keeps_the_admin_role(admin_user, entries):
    with pytest.raises(Conflict) as refused:
        services.set_roles(admin_user, admin_user, ["planner"])
    assert refused.value.code == "last_admin"
    assert roles_of(User.objects.get(pk=admin_user.pk)) == {"admin"}
    assert entries(admin_user) == []


def test_an_admin_may_step_down_when_another_remains(admin_user, user_with_role, entries):
    user_with_role("admin", username="deputy")
    services.set_roles(admin_user, admin_user, ["planner"])
    assert entries(admin_user)[0].changes == {"roles": [["admin"], ["planner"]]}


def test_taking_admin_from_a_superuser_takes_it_for_real(admin_user):
    root = User.objects.create_superuser("root", password=PASSWORD)
    services.set_roles(admin_user, root, ["viewer"])
    root = User.objects.get(pk=root.pk)
    assert not root.is_superuser
    assert roles_of(root) == {"viewer"}


def test_deactivated_user_cannot_log_in_nor_use_a_token(admin_user, planner, entries, client):
    issued = services.create_token(planner, "script")
    services.deactivate_user(admin_user, planner)
    assert entries(planner)[-1].changes == {"is_active": [True, False]}
    assert entries(planner)[-1].user == admin_user
    assert not client.login(username="planner", password="pw-12345-test")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued.raw_key}"})
    assert response.status_code == 401
    assert User.objects.filter(pk=planner.pk).exists()  # kept, for the history


def test_reactivated_user_logs_in_again(admin_user, planner, entries, client):
    services.deactivate_user(admin_user, planner)
    services.reactivate_user(admin_user, User.objects.get(pk=planner.pk))
    assert entries(planner)[-1].changes == {"is_active": [False, True]}
    assert client.login(username="planner", password="pw-12345-test")


def test_nobody_deactivates_themselves(admin_user, user_with_role, entries):
    user_with_role("admin", username="deputy")
    with pytest.raises(Conflict) as refused:
        services.deactivate_user(admin_user, admin_user)
    assert refused.value.code == "deactivate_self"
    assert User.objects.get(pk=admin_user.pk).is_active
    assert entries(admin_user) == []


def test_the_last_active_admin_is_not_deactivated(admin_user, user_with_role, entries):
    deputy = user_with_role("admin", username="deputy")
    services.deactivate_user(deputy, admin_user)  # another admin remains: allowed
    services.reactivate_user(deputy, User.objects.get(pk=admin_user.pk))
    services.deactivate_user(admin_user, deputy)
    # deputy is gone; a superuser system job tries to deactivate the last admin
    with pytest.raises(Conflict) as refused:
        services.deactivate_user(None, User.objects.get(pk=admin_user.pk))
    assert refused.value.code == "last_admin"
    assert User.objects.get(pk=admin_user.pk).is_active


def test_password_reset_is_validated_and_audited_without_the_password(
    admin_user, planner, entries, client
):
    with pytest.raises(ValidationFailed) as refused:
        services.reset_password(admin_user, planner, "planner")
    assert refused.value.code == "weak_password"
    assert entries(planner) == []
    services.reset_password(admin_user, planner, "Fresh-start-2031")
    assert client.login(username="planner", password="Fresh-start-2031")
    [entry] = entries(planner)
    assert entry.changes == {"password": "set"}
    assert entry.user == admin_user


def test_generated_password_is_returned_once_and_works(admin_user, planner, entries, client):
    new = services.reset_password(admin_user, planner)
    assert new.generated
    assert len(new.password) >= 12
    assert client.login(username="planner", password=new.password)
    assert new.password not in str(entries(planner)[0].changes)


def test_profile_changes_are_audited_but_not_the_username(admin_user, planner, entries):
    services.update_user(admin_user, planner, {"first_name": "Paula", "email": "p@x.example"})
    assert entries(planner)[0].changes == {
        "first_name": ["", "Paula"],
        "email": ["", "p@x.example"],
    }
    with pytest.raises(ValidationFailed):
        services.update_user(admin_user, planner, {"username": "boss"})
    assert User.objects.get(pk=planner.pk).username == "planner"


def test_change_user_is_all_or_nothing(admin_user, planner, entries):
    with pytest.raises(ValidationFailed):
        services.change_user(admin_user, planner, profile={"first_name": "Paula"}, roles=["wizard"])
    assert User.objects.get(pk=planner.pk).first_name == ""
    assert entries(planner) == []


# --- tokens -------------------------------------------------------------------------------------


def test_admin_issues_a_token_for_a_user_with_an_expiry(admin_user, planner, client):
    expiry = timezone.localdate() + dt.timedelta(days=30)
    issued = services.create_token(planner, "ERP", expires_on=expiry, actor=admin_user)
    entry = AuditEntry.objects.get(model="accounts.apitoken")
    assert entry.user == admin_user
    assert entry.changes == {"name": "ERP", "user": "planner", "expires_on": expiry.isoformat()}
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued.raw_key}"})
    assert response.json()["username"] == "planner"


@pytest.mark.parametrize("days", [0, -1, -400])
def test_token_expiring_today_or_earlier_is_refused(planner, days):
    with pytest.raises(ValidationFailed) as refused:
        services.create_token(
            planner, "late", expires_on=timezone.localdate() + dt.timedelta(days=days)
        )
    assert refused.value.code == "expiry_in_past"
    assert not planner.api_tokens.exists()
    assert not AuditEntry.objects.exists()


def test_expired_token_no_longer_authenticates(planner, client):
    issued = services.create_token(
        planner, "pilot", expires_on=timezone.localdate() + dt.timedelta(days=1)
    )
    headers = {"Authorization": f"Bearer {issued.raw_key}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    # The calendar moves on: the token's day has come.
    type(issued.token).objects.filter(pk=issued.token.pk).update(expires_on=timezone.localdate())
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert services.authenticate_token(issued.raw_key) is None


def test_no_token_for_a_deactivated_user(admin_user, planner):
    services.deactivate_user(admin_user, planner)
    with pytest.raises(ValidationFailed) as refused:
        services.create_token(User.objects.get(pk=planner.pk), "ghost", actor=admin_user)
    assert refused.value.code == "inactive_user"


def test_admin_revokes_a_users_token_and_only_that_users(admin_user, planner, viewer):
    mine = services.create_token(viewer, "tv")
    theirs = services.create_token(planner, "mes")
    with pytest.raises(Exception, match="no live token"):
        services.revoke_token(admin_user, mine.token.pk, owner=planner)
    services.revoke_token(admin_user, theirs.token.pk, owner=planner)
    theirs.token.refresh_from_db()
    mine.token.refresh_from_db()
    assert theirs.token.revoked
    assert not mine.token.revoked
    entry = AuditEntry.objects.filter(model="accounts.apitoken", action="update").get()
    assert entry.user == admin_user
