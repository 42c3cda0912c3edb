"""Shared fixtures of the accounts tests: an administrator to act, and audit entries to read."""

import pytest

PASSWORD = "Assembly-line-42"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def entries():
    """The audit entries of one user, oldest first: `entries(user)`."""
    from andon.core.models import AuditEntry

    def of(user):
        return list(
            AuditEntry.objects.filter(model="auth.user", object_id=str(user.pk)).order_by("pk")
        )

    return of
