"""`andon demo` and `andon serve` as a user runs them."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from andon.accounts.roles import ROLES
from andon.catalog.models import Item
from andon.core.management.commands.serve import url_for


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_demo_prints_a_login_and_creates_a_user_per_role():
    output = run_demo()
    assert "URL:       http://127.0.0.1:8000/" in output
    assert "Username:  admin" in output
    password = re.search(r"Password:  (\S+)", output).group(1)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password(password)
    for role in ROLES:
        user = User.objects.get(username=role)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password(password)
    assert Item.objects.count() > 100


@pytest.mark.django_db
def test_demo_refuses_a_database_with_data_and_changes_nothing():
    first = run_demo()
    items, users = Item.objects.count(), list(User.objects.values_list("username", "password"))
    with pytest.raises(CommandError, match=r"already holds data .*andon demo --reset"):
        run_demo()
    assert Item.objects.count() == items
    assert list(User.objects.values_list("username", "password")) == users
    assert "Password" in first


@pytest.mark.django_db
def test_demo_refusal_exits_non_zero(capsys):
    from andon.demo.management.commands.demo import Command

    run_demo()
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["andon", "demo", "--no-serve", "--skip-checks"])
    assert exited.value.code != 0
    assert "already holds data" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_demo_reset_replaces_the_data():
    first = re.search(r"Password:  (\S+)", run_demo()).group(1)
    second_output = run_demo("--reset", "--seed", "2")
    second = re.search(r"Password:  (\S+)", second_output).group(1)
    assert first != second
    assert User.objects.filter(username="admin").count() == 1
    assert User.objects.get(username="planner").groups.filter(name="planner").exists()
    assert "seed 2" in second_output


@pytest.mark.django_db
def test_serve_runs_waitress_with_the_options(monkeypatch):
    import waitress

    calls = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kwargs: calls.append((app, kwargs)))
    out = io.StringIO()
    call_command(
        "serve", "--port", "8123", "--threads", "3", "--trusted-proxy", "127.0.0.1", stdout=out
    )
    ((app, kwargs),) = calls
    from andon.wsgi import application

    assert app is application
    assert kwargs["port"] == 8123
    assert kwargs["threads"] == 3
    assert kwargs["host"] == "127.0.0.1"
    assert kwargs["trusted_proxy"] == "127.0.0.1"
    assert "x-forwarded-proto" in kwargs["trusted_proxy_headers"]
    assert "http://127.0.0.1:8123/" in out.getvalue()


def test_serve_refuses_bad_options():
    with pytest.raises(CommandError, match="threads"):
        call_command("serve", "--threads", "0")


def test_urls_for_addresses():
    assert url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert url_for("::1", 80) == "http://[::1]:80/"
    assert url_for("0.0.0.0", 8000).startswith("http://")
