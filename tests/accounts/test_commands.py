"""`andon createsuperuser` and `andon changepassword` are Andon's: checked and audited like the
users pages, with the options scripts use (`--noinput` and `DJANGO_SUPERUSER_PASSWORD`)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from andon.accounts.roles import ADMIN, roles_of
from andon.core.models import AuditEntry

pytestmark = pytest.mark.django_db
User = get_user_model()
GOOD = "harbour-crane-77"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def typed(monkeypatch):
    """What the person at the terminal types, in order: answers to `input` and to `getpass`."""

    def type_in(answers=(), passwords=()):
        answers, passwords = list(answers), list(passwords)
        monkeypatch.setattr("builtins.input", lambda prompt="": answers.pop(0))
        monkeypatch.setattr("getpass.getpass", lambda prompt="": passwords.pop(0))

    return type_in


def test_the_commands_are_andons_not_djangos():
    commands = get_commands()
    assert commands["createsuperuser"] == "andon.accounts"
    assert commands["changepassword"] == "andon.accounts"


def test_noinput_makes_an_audited_administrator(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD)
    out = io.StringIO()
    call_command(
        "createsuperuser", "--noinput", "--username", "ada", "--email", "ada@plant.test", stdout=out
    )
    ada = User.objects.get(username="ada")
    assert (ada.is_superuser, ada.is_staff, ada.is_active, ada.email) == (
        True,
        True,
        True,
        "ada@plant.test",
    )
    assert ada.check_password(GOOD)
    assert ADMIN in roles_of(ada)
    entry = AuditEntry.objects.get(model="auth.user", action="create")
    assert entry.changes["username"] == "ada"
    assert entry.changes["roles"] == [ADMIN]
    assert entry.changes["is_superuser"] is True
    assert GOOD not in str(entry.changes)
    assert "Administrator ada created." in out.getvalue()


def test_noinput_takes_the_username_and_email_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD)
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "bea")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "bea@plant.test")
    call_command("createsuperuser", "--no-input", stdout=io.StringIO())
    assert User.objects.get(username="bea").email == "bea@plant.test"


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--username", "ada"], "", "Set DJANGO_SUPERUSER_PASSWORD"),
        ([], GOOD, "Give --username"),
        (["--username", "ada"], "password", "The password is not accepted"),
        (["--username", "ada", "--email", "not-an-address"], GOOD, "email"),
        (["--username", "bad name!"], GOOD, "username"),
    ],
)
def test_noinput_refuses_bad_input_in_one_line_and_writes_nothing(
    monkeypatch, args, password, message
):
    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    with pytest.raises(CommandError, match=message) as exc:
        call_command("createsuperuser", "--noinput", *args, stdout=io.StringIO())
    assert "\n" not in str(exc.value)
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_taken_username_is_refused(monkeypatch, user_with_role):
    user_with_role("viewer", username="ada")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD)
    with pytest.raises(CommandError, match="already a user 'ADA'"):
        call_command("createsuperuser", "--noinput", "--username", "ADA", stdout=io.StringIO())
    assert not User.objects.filter(is_superuser=True).exists()


def test_at_the_terminal_it_asks_again_for_what_was_refused(typed):
    typed(
        answers=["cleo", "cleo@plant.test"],
        passwords=["short", "short", GOOD, "typo", GOOD, GOOD],
    )
    err = io.StringIO()
    call_command("createsuperuser", stdin=Terminal(), stdout=io.StringIO(), stderr=err)
    cleo = User.objects.get(username="cleo")
    assert cleo.is_superuser
    assert cleo.check_password(GOOD)
    assert "The password is not accepted" in err.getvalue()
    assert "didn't match" in err.getvalue()
    assert AuditEntry.objects.filter(model="auth.user", action="create").count() == 1


def test_without_a_terminal_it_asks_nothing_and_says_how(typed):
    typed()
    with pytest.raises(CommandError, match="--noinput"):
        call_command("createsuperuser", stdin=io.StringIO(), stdout=io.StringIO())
    assert not User.objects.exists()


def test_changepassword_checks_the_rules_and_is_audited(typed, user_with_role):
    dan = user_with_role("operator", username="dan")
    typed(passwords=["12345678", "12345678", GOOD, GOOD])
    err = io.StringIO()
    call_command("changepassword", "dan", stdin=Terminal(), stdout=io.StringIO(), stderr=err)
    dan.refresh_from_db()
    assert dan.check_password(GOOD)
    assert "The password is not accepted" in err.getvalue()
    entry = AuditEntry.objects.get(model="auth.user", action="update")
    assert entry.changes == {"password": "set"}


def test_changepassword_gives_up_after_three_refusals_and_keeps_the_old_one(typed, user_with_role):
    dan = user_with_role("operator", username="dan")
    typed(passwords=["password"] * 6)
    with pytest.raises(CommandError, match="not accepted"):
        call_command(
            "changepassword", "dan", stdin=Terminal(), stdout=io.StringIO(), stderr=io.StringIO()
        )
    dan.refresh_from_db()
    assert dan.check_password("pw-12345-test")
    assert not AuditEntry.objects.exists()


def test_changepassword_of_nobody_is_refused():
    with pytest.raises(CommandError, match="no user 'ghost'"):
        call_command("changepassword", "ghost", stdin=Terminal(), stdout=io.StringIO())
