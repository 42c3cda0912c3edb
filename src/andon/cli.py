"""The one console script: every `andon` subcommand is a Django management command."""

import os
import sys


def main() -> None:
    """Run `andon <command>` as `django-admin <command>` with Andon's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "andon.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["andon", *sys.argv[1:]])
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"andon: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
