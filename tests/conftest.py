"""Shared test fixtures: users per role, and the master-data factories."""

import pytest

from tests.factories import *  # noqa: F403


@pytest.fixture
def user_with_role(db):
    """Make a logged-in-able user holding the given roles: `user_with_role("planner")`."""
    from django.contrib.auth.models import Group, User

    counter = {"n": 0}

    def make(*roles: str, username: str | None = None) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            username=username or f"{'-'.join(roles) or 'norole'}{counter['n']}",
            password="pw-12345-test",
        )
        user.groups.set(Group.objects.filter(name__in=roles))
        return user

    return make


@pytest.fixture
def planner(user_with_role):
    return user_with_role("planner", username="planner")


@pytest.fixture
def viewer(user_with_role):
    return user_with_role("viewer", username="viewer")


@pytest.fixture
def admin_user(user_with_role):
    return user_with_role("admin", username="boss")


@pytest.fixture
def planner_client(client, planner):
    client.force_login(planner)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client
