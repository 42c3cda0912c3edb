"""`andon alerts`: evaluate the alert rules, escalate, and send due webhooks, once or in a loop.

Alerts need this running (or `andon alerts --once` from cron): rules are evaluated here, and
webhook retries that have come due are sent here whichever task backend is configured.
"""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from andon.alerts.services import run_cycle


class Command(BaseCommand):
    help = "Evaluate alert rules, escalate unacknowledged alerts and send due webhooks."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument(
            "--every", type=int, default=60, metavar="SECONDS", help="Seconds between passes."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        if every < 1:
            raise CommandError("--every must be at least 1 second")
        while True:
            counts = run_cycle()
            self.stdout.write(", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items()))
            if options["once"]:
                if counts["errors"]:
                    raise CommandError(f"{counts['errors']} rule(s) failed; see their pages")
                return
            try:
                time.sleep(every)
            except KeyboardInterrupt:
                return
