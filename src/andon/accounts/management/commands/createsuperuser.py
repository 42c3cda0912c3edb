"""`andon createsuperuser`: the first administrator, made through accounts' services and audited.

Takes the place of Django's command of the same name (accounts comes before `django.contrib.auth`
in INSTALLED_APPS for that), because Django's writes the user with no audit entry. The options
that matter are kept: `--username`, `--email`, and `--noinput` with the password from
`DJANGO_SUPERUSER_PASSWORD` (and `DJANGO_SUPERUSER_USERNAME` / `DJANGO_SUPERUSER_EMAIL` when the
options are not given), for scripts and containers. Unlike Django's, a user without a password
is not made: nobody could log in as them.
"""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from andon.accounts import services
from andon.accounts.management import prompts
from andon.core.errors import DomainError, ValidationFailed


class Command(BaseCommand):
    help = "Create an administrator (a superuser holding the admin role); audited."
    requires_migrations_checks = True
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--username", help="The administrator's login.")
        parser.add_argument("--email", help="The administrator's email address.")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="Ask nothing: the password comes from DJANGO_SUPERUSER_PASSWORD.",
        )  # fmt: skip

    def execute(self, *args: Any, **options: Any) -> Any:
        self.stdin = options.get("stdin", sys.stdin)
        return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"] or os.environ.get("DJANGO_SUPERUSER_USERNAME", "")
        email = options["email"] or os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
        if options["interactive"]:
            prompts.need_terminal(
                self.stdin, "run `andon createsuperuser --noinput --username NAME` with the "
                "password in DJANGO_SUPERUSER_PASSWORD.",
            )  # fmt: skip
            user = self._ask(options["username"] or "", options["email"] or "")
        else:
            user = self._without_asking(username, email)
        self.stdout.write(f"Administrator {user.get_username()} created.")

    def _without_asking(self, username: str, email: str) -> Any:
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        if not username.strip():
            raise CommandError("Give --username (or DJANGO_SUPERUSER_USERNAME) with --noinput.")
        if not password:
            raise CommandError("Set DJANGO_SUPERUSER_PASSWORD: an administrator needs a password.")
        return self._create(username, email, password)

    def _ask(self, username: str, email: str) -> Any:
        """Ask for what is missing, and again for what the service refused, at most three times."""

        def attempt() -> Any:
            nonlocal username, email
            while not _free(username):
                if username:
                    self.stderr.write(f"Error: there is already a user {username!r}.")
                username = prompts.ask("Username", default="" if username else _default_name())
            email = email or prompts.ask("Email address")
            try:
                return services.create_user(
                    None,
                    username=username,
                    email=email,
                    password=prompts.new_password(self.stderr),
                    superuser=True,
                )
            except ValidationFailed as exc:
                refused = {p.column for p in exc.problems}
                username = "" if "username" in refused else username
                email = "" if "email" in refused else email
                raise

        return prompts.until_accepted(self.stderr, attempt)

    def _create(self, username: str, email: str, password: str) -> Any:
        try:
            return services.create_user(
                None, username=username, email=email, password=password, superuser=True
            )
        except DomainError as exc:
            raise prompts.refused(exc) from None


def _free(username: str) -> bool:
    return (
        bool(username) and not get_user_model().objects.filter(username__iexact=username).exists()
    )


def _default_name() -> str:
    """The login of the person at the terminal, as Django's command offers it."""
    try:
        name = os.getlogin()
    except OSError:
        name = os.environ.get("USER", "")
    return "" if not name or not _free(name) else name
