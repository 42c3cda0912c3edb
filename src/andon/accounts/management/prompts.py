"""Asking a person at the terminal for a username and a password, for the accounts commands.

The answers go to accounts' services, which check and audit them; these helpers only ask, and ask
again when the service refuses, the way Django's own commands do.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Any, Protocol, TextIO, TypeVar

from django.core.management.base import CommandError

from andon.core.errors import ValidationFailed

T = TypeVar("T")


class Writer(Protocol):
    def write(self, msg: str, /) -> Any: ...


TRIES = 3


def need_terminal(stdin: TextIO | None, what: str) -> None:
    """Refuse to prompt when nobody can answer (a script, a pipe): say how to run it instead."""
    if stdin is None or not stdin.isatty():
        raise CommandError(f"Not running in a terminal: {what}")


def ask(prompt: str, default: str = "") -> str:
    shown = f"{prompt} (leave blank to use {default!r}): " if default else f"{prompt}: "
    return input(shown).strip() or default


def new_password(out: Writer) -> str:
    """A password typed twice the same; it is checked by the service that sets it."""
    while True:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            out.write("Error: Your passwords didn't match.")
            continue
        if not first.strip():
            out.write("Error: Blank passwords aren't allowed.")
            continue
        return first


def until_accepted(out: Writer, attempt: Callable[[], T], tries: int = TRIES) -> T:
    """Run `attempt` (which prompts and calls a service) until the service accepts its answers."""
    for left in range(tries, 0, -1):
        try:
            return attempt()
        except ValidationFailed as exc:
            if left == 1:
                raise CommandError(exc.detail) from None
            out.write(f"Error: {exc.detail}")
    raise AssertionError("unreachable")


def refused(exc: Any) -> CommandError:
    """The service's one-line reason as the command's error (printed, exit status 1)."""
    return CommandError(getattr(exc, "detail", str(exc)))
