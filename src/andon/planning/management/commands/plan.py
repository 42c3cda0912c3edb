"""`andon plan`: run MRP on the database and publish the plan, printing each step."""

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from andon.planning.models import PlanRun
from andon.planning.services import HORIZON_DAYS, run_plan


class Command(BaseCommand):
    help = "Run MRP and publish the plan; a failed run leaves the current plan in force."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Plan as of this date.")
        parser.add_argument("--horizon-days", type=int, default=HORIZON_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(text: str) -> None:
            self.stderr.write(f"... {text}")

        run = run_plan(
            progress=progress, today=options["today"], horizon_days=options["horizon_days"]
        )
        if run.status != PlanRun.Status.PUBLISHED:
            reasons = [line for line in run.log.splitlines() if not line.endswith(":")]
            first = reasons[0] if reasons else "see the run's log"
            raise CommandError(f"plan v{run.version} failed: {first}")
        self.stdout.write(
            f"plan v{run.version} published: {run.order_count:,} planned orders, "
            f"{run.exception_count:,} exceptions"
        )
