"""`andon notify-customers`: tell customers whose delivery dates moved, and whose orders shipped.

Publishing a schedule does this on its own (unless `ANDON_NOTIFY_CUSTOMERS_ON_PUBLISH=no`); run it
from cron as well to catch shipments. Running it again sends nothing new.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from andon.correspondence.services import notify_customers


class Command(BaseCommand):
    help = "Email customers whose promised delivery dates moved, and shipping notices."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--tolerance",
            type=int,
            default=None,
            metavar="DAYS",
            help="Tell only moves of more than this many days (default ANDON_CUSTOMER_DATE_"
            "TOLERANCE_DAYS, 1).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tolerance = options["tolerance"]
        if tolerance is not None and tolerance < 0:
            raise CommandError("--tolerance cannot be negative")
        done = notify_customers(None, tolerance)
        for letter in done.revised + done.shipped:
            self.stdout.write(f"{letter.order_number}: {letter.get_kind_display().lower()}")
        self.stdout.write(", ".join(f"{k} {v}" for k, v in done.counts().items()))
        if done.skipped:
            for number, why in done.skipped.items():
                self.stderr.write(f"{number}: {why}")
            raise CommandError(f"{len(done.skipped)} order(s) could not be told")
