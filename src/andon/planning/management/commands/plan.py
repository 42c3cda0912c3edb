"""`andon plan`: run MRP on the database and publish the plan, with a progress bar."""

import datetime as dt
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from andon.planning.models import PlanRun
from andon.planning.services import HORIZON_DAYS, run_plan


class Command(BaseCommand):
    help = "Run MRP and publish the plan; a failed run leaves the current plan in force."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Plan as of this date.")
        parser.add_argument("--horizon-days", type=int, default=HORIZON_DAYS)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        show = not options["no_progress"] and sys.stderr.isatty()
        with tqdm(
            total=100, unit="%", disable=not show, file=sys.stderr, leave=False, ncols=90
        ) as bar:

            def progress(percent: int, phase: str) -> None:
                bar.set_description(phase[:40])
                bar.update(max(percent - bar.n, 0))

            run = run_plan(
                progress=progress, today=options["today"], horizon_days=options["horizon_days"]
            )
        if run.status != PlanRun.Status.PUBLISHED:
            reasons = [
                line
                for line in run.log.splitlines()
                if not line.endswith(":") and " s  " not in line
            ]
            first = reasons[0] if reasons else "see the run's log"
            first = first.removeprefix("planning stopped: ")
            raise CommandError(f"plan v{run.version} failed: {first}")
        self.stdout.write(
            f"plan v{run.version} published: {run.order_count:,} planned orders, "
            f"{run.exception_count:,} exceptions in {run.seconds or 0:.1f} s"
        )
