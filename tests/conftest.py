"""Shared test fixtures: users per role, and the master-data factories."""

import socket

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django's SMTP backend is pointed at it."""
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()
