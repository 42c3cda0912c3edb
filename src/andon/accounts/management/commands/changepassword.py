"""`andon changepassword [USERNAME]`: set a user's password at the terminal, through accounts'
services, so the change is checked against the password rules, ends the user's sessions and is
in the audit history. Takes the place of Django's command of the same name, which writes the
password with no audit entry.
"""

from __future__ import annotations

import getpass
import sys
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from andon.accounts import services
from andon.accounts.management import prompts


class Command(BaseCommand):
    help = "Change a user's password (the user running it when no username is given); audited."
    requires_migrations_checks = True
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "username",
            nargs="?",
            help="Whose password; the login of the user running it if left out.",
        )

    def execute(self, *args: Any, **options: Any) -> Any:
        self.stdin = options.get("stdin", sys.stdin)
        return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"] or getpass.getuser()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        prompts.need_terminal(self.stdin, "set passwords on the user's page in Andon instead.")
        self.stdout.write(f"Changing password for user {user.get_username()!r}")
        prompts.until_accepted(
            self.stderr,
            lambda: services.reset_password(None, user, prompts.new_password(self.stderr)),
        )
        self.stdout.write(f"Password changed successfully for user {user.get_username()!r}")
