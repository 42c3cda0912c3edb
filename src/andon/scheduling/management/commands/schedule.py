"""`andon schedule`: run (or reschedule) the finite-capacity schedule from the command line.

Prints one line and exits non-zero when the run fails; the schedule in force is then unchanged.
`--create-work-orders` makes and releases work orders for open sales order lines (for a demo
plant), `--down CODE FROM TO` records a machine down and reschedules around it, `--stats` prints
the run's figures.
"""

import datetime as dt
import json
import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from andon.core.errors import DomainError
from andon.plant.models import WorkCenter
from andon.scheduling import services
from andon.scheduling.demo_orders import work_orders_for_open_lines
from andon.scheduling.downtime import record_downtime
from andon.scheduling.models import ScheduleRun


def _moment(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not an ISO date and time (2030-01-07T06:00)") from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class Command(BaseCommand):
    help = "Schedule the open work orders on the plant's machines and crews, and publish it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--time-limit", type=float, default=services.DEFAULT_TIME_LIMIT)
        parser.add_argument("--horizon", type=int, default=services.DEFAULT_HORIZON_DAYS)
        parser.add_argument("--reschedule", action="store_true", help="Move as little as possible.")
        parser.add_argument(
            "--down", nargs=3, metavar=("WORK_CENTER", "FROM", "TO"),
            help="Record a work center down and reschedule around it.",
        )  # fmt: skip
        parser.add_argument(
            "--create-work-orders", type=int, metavar="N", default=0,
            help="First create and release work orders for up to N open sales order lines.",
        )  # fmt: skip
        parser.add_argument("--stats", action="store_true", help="Print the run's figures as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["create_work_orders"]:
            made = work_orders_for_open_lines(None, limit=options["create_work_orders"])
            self.stdout.write(f"{made} work orders created and released")
        kind = ScheduleRun.Kind.SCHEDULE
        reason = ""
        if options["down"]:
            code, start, end = options["down"]
            center = WorkCenter.objects.filter(code=code).first()
            if center is None:
                raise CommandError(f"there is no work center {code!r}")
            begin, finish = _moment(start), _moment(end)
            if finish <= begin:
                raise CommandError("the downtime must end after it starts")
            try:
                record_downtime(None, center, begin, finish, reason="CLI")
            except DomainError as exc:
                raise CommandError(exc.detail) from None
            kind, reason = ScheduleRun.Kind.RESCHEDULE, f"{code} down {start}-{end}"
        elif options["reschedule"]:
            kind, reason = ScheduleRun.Kind.RESCHEDULE, "from the command line"
        try:
            run = services.create_run(
                None, time_limit=options["time_limit"], horizon_days=options["horizon"],
                kind=kind, reason=reason,
            )  # fmt: skip
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        began = time.perf_counter()
        bar = tqdm(total=100, desc="schedule", unit="%", file=sys.stderr, disable=None)

        def progress(percent: int, objective: int | None) -> None:
            bar.update(max(0, percent - bar.n))
            bar.set_postfix(objective=objective)

        run = services.execute_run(run.pk, on_progress=progress)
        bar.close()
        if options["stats"]:
            first = run.progress[0][0] if run.progress else None
            self.stdout.write(
                json.dumps(
                    {
                        "run": run.pk, "status": run.status, "solver_status": run.solver_status,
                        "operations": run.operation_count, "objective": run.objective,
                        "lower_bound": run.lower_bound, "late_orders": run.late_orders,
                        "moved": run.moved_count, "first_schedule_solve_seconds": first,
                        "seconds": round(time.perf_counter() - began, 2), "log": run.log,
                    }
                )
            )  # fmt: skip
        if run.status == ScheduleRun.Status.FAILED:
            raise CommandError(f"run {run.pk} failed, schedule in force unchanged: {run.message}")
        self.stdout.write(f"run {run.pk} published: {run.message} ({run.seconds} s)")
