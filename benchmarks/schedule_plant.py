"""`andon bench schedule-plant`: schedule a whole plant from its database, then lose a machine.

The targets (docs/benchmarks.md, "Large demo plant"): on the `large` demo plant a first feasible
schedule in under 5 s, and a reschedule after one machine goes down in under 10 s. One row per
stage, each as a planner meets it:

- `build`: the engine's problem read from the database (`scheduling.inputs.build_problem`);
- `first_schedule`: building plus the engine's first checked schedule (the first dispatching
  rule; on a small plant the first CP-SAT solution), what the floor could run at once;
- `run`: a whole schedule run through the services, with its time limit, published;
- `reschedule`: the busiest work center of the schedule in force goes down from now for
  `--down-hours` (`scheduling.services.work_center_down`, what the page's form calls), and the
  reschedule is published; `moved` counts placed operations whose start or machine changed.

Every published schedule is read back from the database and put through the engine's checker
against a problem built afresh at the run's origin (`violations`, 0 means the floor can run it).
`peak_memory_mb` is the process's peak resident set so far (it only grows, so each row bounds the
stages before it); `load_average` is the machine's one-minute load when the stage ended, because
on a shared machine a figure means little without it.

Plants: `--plant current` measures the database as it is (`andon demo --size large --no-serve`
first, SQLite or PostgreSQL); `--plant demo` loads a fresh demo plant of `--size` into its own
temporary ANDON_HOME (SQLite) and measures it in a child process. Either way `--work-orders N`
first makes and releases work orders for up to N open sales order lines, through the production
services, so that the plant has planned work with crews and alternatives, not only the demo's
orders already on the floor. Loading and making orders are not timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HELP = "Schedule the plant in the database (or a fresh demo plant), then lose a busy machine."
DEMO_WORK_ORDERS = 1000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plant",
        choices=("demo", "current"),
        default="demo",
        help="demo: a fresh demo plant of --size in a temporary ANDON_HOME (default); "
        "current: the database as it is.",
    )
    parser.add_argument("--size", choices=("small", "medium", "large"), default="large")
    parser.add_argument("--seed", type=int, default=1, help="Demo plant seed (default 1).")
    parser.add_argument(
        "--work-orders",
        type=int,
        default=None,
        help=f"Make and release work orders for up to N open sales lines first "
        f"(default {DEMO_WORK_ORDERS} on a fresh demo plant, 0 on the current one).",
    )
    parser.add_argument(
        "--time-limit", type=float, default=None, help="Of the schedule run (default: the app's)."
    )
    parser.add_argument(
        "--reschedule-time-limit",
        type=float,
        default=None,
        help="Of the reschedule after the breakdown (default: the app's).",
    )
    parser.add_argument("--down-hours", type=float, default=4.0, help="Breakdown length (4 h).")


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _stage(name: str, seconds: float, **figures: Any) -> dict[str, Any]:
    return {
        "stage": name,
        "seconds": round(seconds, 2),
        **figures,
        "peak_memory_mb": _peak_mb(),
        "load_average": round(os.getloadavg()[0], 2),
    }


def violations(run: Any) -> int:
    """Rules the published schedule of `run` breaks, checked against a freshly built problem."""
    from andon.engines.scheduling import Assignment, Schedule, check
    from andon.scheduling.inputs import build_problem
    from andon.scheduling.models import ScheduledOperation

    built = build_problem(origin=run.origin, horizon_days=run.horizon_days)
    names = {(p.id, p.piece): name for name, p in built.operations.items()}
    codes = {pk: code for code, pk in built.work_centers.items()}
    assignments = []
    for op_id, piece, center_id, start, end, workers in ScheduledOperation.objects.filter(
        run=run
    ).values_list("operation_id", "piece", "work_center_id", "start", "end", "workers"):
        name = names.get((op_id, piece))
        if name is None:  # no longer open: nothing to check
            continue
        assignments.append(
            Assignment(
                name,
                codes[center_id],
                built.minutes(start),
                built.minutes(end),
                tuple(w for w in workers.split(",") if w),
            )
        )
    return len(check(built.problem, Schedule(tuple(assignments))))


def busiest_work_center(run: Any, hours: float) -> Any:
    """The work center with the most scheduled minutes in the next `hours`: its loss hurts."""
    from andon.plant.models import WorkCenter
    from andon.scheduling.models import ScheduledOperation

    begin = run.origin
    end = begin + dt.timedelta(hours=hours)
    load: dict[int, float] = {}
    for center_id, start, finish in ScheduledOperation.objects.filter(
        run=run, start__lt=end, end__gt=begin
    ).values_list("work_center_id", "start", "end"):
        minutes = (min(finish, end) - max(start, begin)).total_seconds() / 60
        load[center_id] = load.get(center_id, 0.0) + minutes
    if not load:
        raise RuntimeError("nothing is scheduled in the next hours: no machine to break")
    return WorkCenter.objects.get(pk=max(sorted(load), key=lambda pk: load[pk]))


def measure(options: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The four stages on the database as it is; one row each."""
    from django.db import connection
    from django.utils import timezone

    from andon.engines.scheduling import check, solve
    from andon.scheduling import services
    from andon.scheduling.inputs import build_problem, schedule_origin
    from andon.scheduling.models import ScheduleRun

    made = 0
    if options.get("work_orders"):
        from andon.scheduling.demo_orders import work_orders_for_open_lines

        made = work_orders_for_open_lines(None, limit=int(options["work_orders"]))
    time_limit = options.get("time_limit") or services.DEFAULT_TIME_LIMIT
    reschedule_limit = options.get("reschedule_time_limit") or services.RESCHEDULE_TIME_LIMIT
    common = {"plant": options.get("plant_label", "current"), "database": connection.vendor}

    began = time.perf_counter()
    origin = schedule_origin()
    built = build_problem(origin=origin, horizon_days=services.DEFAULT_HORIZON_DAYS)
    build = time.perf_counter() - began
    problem = built.problem
    counts = {
        "work_orders": len(problem.jobs),
        "operations": len(problem.operations),
        "work_centers": len(problem.resources),
        "workers": len(problem.workers),
    }
    yield {**common, **_stage("build", build, **counts, work_orders_made=made)}

    # The first checked schedule: the engine stops trying further rules once its limit is up.
    # On a plant booked beyond the horizon, as a run does: twice the days, then again.
    began = time.perf_counter()
    days = services.DEFAULT_HORIZON_DAYS
    first = solve(problem, time_limit=0.01, workers=services.SOLVER_WORKERS)
    while first.schedule is None and (longer := services.lengthened_horizon(days)) is not None:
        days = longer
        problem = build_problem(origin=origin, horizon_days=days).problem
        first = solve(problem, time_limit=0.01, workers=services.SOLVER_WORKERS)
    solved = time.perf_counter() - began
    found = 0 if first.schedule is None else len(check(problem, first.schedule))
    yield {
        **common,
        **_stage(
            "first_schedule",
            build + solved,
            solve_seconds=round(solved, 2),
            horizon_days=days,
            status=first.status.value,
            objective=first.objective,
            violations=found if first.schedule is not None else None,
        ),
    }
    del built, problem, first

    began = time.perf_counter()
    run = services.create_run(None, time_limit=time_limit, reason="bench schedule-plant")
    run = services.execute_run(run.pk)
    seconds = time.perf_counter() - began
    if run.status != ScheduleRun.Status.PUBLISHED:
        raise RuntimeError(f"the schedule run failed: {run.message}")
    yield {
        **common,
        **_stage(
            "run",
            seconds,
            time_limit_seconds=time_limit,
            first_solution_seconds=run.progress[0][0] if run.progress else None,
            status=run.solver_status,
            objective=run.objective,
            late_orders=run.late_orders,
            violations=violations(run),
        ),
    }

    hours = float(options.get("down_hours") or 4.0)
    center = busiest_work_center(run, hours)
    start = timezone.now()
    began = time.perf_counter()
    again = services.work_center_down(
        None,
        center,
        start,
        start + dt.timedelta(hours=hours),
        reason="bench schedule-plant",
        time_limit=reschedule_limit,
    )
    seconds = time.perf_counter() - began
    if again.status != ScheduleRun.Status.PUBLISHED:
        raise RuntimeError(f"the reschedule failed: {again.message}")
    yield {
        **common,
        **_stage(
            "reschedule",
            seconds,
            time_limit_seconds=reschedule_limit,
            first_solution_seconds=again.progress[0][0] if again.progress else None,
            down=f"{center.code} {hours:g} h",
            status=again.solver_status,
            objective=again.objective,
            late_orders=again.late_orders,
            moved=again.moved_count,
            violations=violations(again),
        ),
    }


def _andon() -> list[str]:
    script = Path(sys.executable).with_name("andon")
    if script.exists():
        return [str(script)]
    found = shutil.which("andon")
    return [found] if found else [sys.executable, "-m", "andon.cli"]


def fresh_demo(options: dict[str, Any], progress: bool) -> Iterator[dict[str, Any]]:
    """Load a demo plant into a temporary ANDON_HOME and measure it in a child process."""
    home = tempfile.mkdtemp(prefix="andon-schedule-bench-")
    env = {**os.environ, "ANDON_HOME": home}
    env.pop("ANDON_DATABASE_URL", None)  # its own SQLite file, never a shared database
    try:
        if progress:
            print(f"loading the {options['size']} demo plant into {home} ...", flush=True)
        subprocess.run(
            [*_andon(), "demo", "--size", options["size"], "--seed", str(options["seed"]),
             "--no-serve"],
            env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        command = [*_andon(), "bench", "schedule-plant", "--plant", "current", "--json"]
        command += ["--work-orders", str(options["work_orders"] if options["work_orders"]
                                         is not None else DEMO_WORK_ORDERS)]  # fmt: skip
        command += ["--down-hours", str(options["down_hours"])]
        for name in ("time_limit", "reschedule_time_limit"):
            if options.get(name):
                command += ["--" + name.replace("_", "-"), str(options[name])]
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        for line in child.stdout:
            row = json.loads(line)
            row["plant"] = f"demo {options['size']}"
            yield row
        if child.wait() != 0:
            raise RuntimeError(f"the measuring process failed (exit {child.returncode})")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run(options: dict[str, Any], progress: bool = False) -> Iterator[dict[str, Any]]:
    if options.get("plant", "demo") == "current":
        yield from measure(options)
        return
    yield from fresh_demo(options, progress)
