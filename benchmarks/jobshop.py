"""Schedule job-shop benchmark instances with the engine and check every result.

`andon bench jobshop PATH... --time-limit S` solves OR-Library files; `--suite taillard` runs
the Taillard instances side by side with the plain CP-SAT model (same process, time and cores),
with each instance's best-known makespan, the gaps, and the median over `--seeds` seeds.
"""

from __future__ import annotations

import statistics
import time
from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from andon.engines.scheduling import check, solve, tabu
from benchmarks.jobshop_instances import JobShop, load_suite, parse_orlib, to_problem
from benchmarks.jobshop_plain import solve_plain

HELP = "Job-shop makespan: OR-Library files, or the Taillard suite against plain CP-SAT."
DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SECTION = "## Scheduling"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", help="Instance files in OR-Library format.")
    parser.add_argument("--time-limit", type=float, default=10.0, help="Seconds per instance.")
    parser.add_argument("--workers", type=int, default=2, help="Solver threads.")
    parser.add_argument("--suite", choices=["taillard"], help="Run a public suite instead.")
    parser.add_argument("--instances", default="ta01-ta10", help="Range or list, e.g. ta41,ta51.")
    parser.add_argument("--seeds", type=int, default=3, help="Seeds per instance (median kept).")
    parser.add_argument("--write-docs", action="store_true", help="Write the table into docs.")


def _select(spec: str) -> list[str]:
    names: list[str] = []
    for part in spec.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            names += [f"ta{i:02d}" for i in range(int(lo[2:]), int(hi[2:]) + 1)]
        else:
            names.append(part.strip())
    return names


def _engine(
    shop: JobShop, time_limit: float, workers: int, seed: int
) -> tuple[int, int, str, float]:
    problem = to_problem(shop)
    began = time.perf_counter()
    result = solve(problem, time_limit=time_limit, workers=workers, seed=seed)
    seconds = time.perf_counter() - began
    if result.schedule is None or result.objective is None:
        raise SystemExit(f"{shop.name}: no schedule ({result.status.value})")
    violations = check(problem, result.schedule)
    if violations:
        raise SystemExit(f"{shop.name}: checker rejects the schedule: {violations[0]}")
    return result.objective, result.lower_bound or 0, result.status.value, seconds


def _plain(
    shop: JobShop, time_limit: float, workers: int, seed: int
) -> tuple[int, int, str, float]:
    began = time.perf_counter()
    plain = solve_plain(shop, time_limit, workers, seed)
    seconds = time.perf_counter() - began
    if plain.makespan is None:
        raise SystemExit(f"{shop.name}: plain model found nothing ({plain.status})")
    # The plain model's schedule goes through the same checker as the engine's.
    problem = to_problem(shop)
    from andon.engines.scheduling import Assignment, Schedule

    schedule = Schedule(
        tuple(
            Assignment(f"{j}.{k}", f"m{m}", s, s + d)
            for j, (job, starts) in enumerate(zip(shop.jobs, plain.starts, strict=True))
            for k, ((m, d), s) in enumerate(zip(job, starts, strict=True))
        )
    )
    if check(problem, schedule):
        raise SystemExit(f"{shop.name}: plain model schedule fails the checker")
    return plain.makespan, plain.lower_bound or 0, plain.status, seconds


def _gap(value: float, best: int | None) -> float | None:
    return None if not best else round(100.0 * (value - best) / best, 2)


def _suite_rows(options: dict[str, Any]) -> Iterator[dict[str, Any]]:
    wanted = set(_select(options["instances"]))
    shops = [s for s in load_suite("ta") if s.name in wanted]
    limit, workers, seeds = options["time_limit"], options["workers"], options["seeds"]
    for shop in shops:
        engine = [_engine(shop, limit, workers, seed) for seed in range(seeds)]
        plain = [_plain(shop, limit, workers, seed) for seed in range(seeds)]
        e = statistics.median(r[0] for r in engine)
        p = statistics.median(r[0] for r in plain)
        yield {
            "instance": shop.name,
            "size": f"{len(shop.jobs)}x{shop.machines}",
            "best_known": shop.best_known,
            "makespan": e,
            "gap_percent": _gap(e, shop.best_known),
            "plain_makespan": p,
            "plain_gap_percent": _gap(p, shop.best_known),
            "lower_bound": max(max(r[1] for r in engine), max(r[1] for r in plain)),
            "seeds": seeds,
            "time_limit_seconds": limit,
            "seconds": round(statistics.median(r[3] for r in engine), 2),
            "plain_seconds": round(statistics.median(r[3] for r in plain), 2),
        }


def _file_rows(options: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for path in options["paths"]:
        file = Path(path)
        shop = parse_orlib(file.stem, file.read_text())
        makespan, bound, status, seconds = _engine(
            shop, options["time_limit"], options["workers"], 0
        )
        yield {
            "instance": shop.name,
            "makespan": makespan,
            "lower_bound": bound,
            "status": status,
            "seconds": round(seconds, 2),
        }


def write_docs(rows: list[dict[str, Any]], options: dict[str, Any], path: Path = DOCS) -> None:
    """Replace the Scheduling section's generated table, keeping everything else in the file."""
    gaps = [r["gap_percent"] for r in rows if r["gap_percent"] is not None]
    plain = [r["plain_gap_percent"] for r in rows if r["plain_gap_percent"] is not None]
    lines = [
        f"<!-- jobshop:{options['instances']}:{options['time_limit']:g}s -->",
        f"Taillard {options['instances']}, {options['time_limit']:g} s per instance, "
        f"{options['workers']} workers, median of {options['seeds']} seed(s):",
        "",
        "| instance | size | best known | engine | gap % | plain CP-SAT | gap % |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['instance']} | {r['size']} | {r['best_known']} | {r['makespan']:g} | "
        f"{r['gap_percent']} | {r['plain_makespan']:g} | {r['plain_gap_percent']} |"
        for r in rows
    ]
    if gaps:
        lines.append(
            f"| **mean** | | | | **{statistics.mean(gaps):.2f}** | | "
            f"**{statistics.mean(plain):.2f}** |"
        )
    table = "\n".join(lines) + "\n<!-- /jobshop -->\n"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    marker = lines[0]
    if marker in text:
        head, rest = text.split(marker, 1)
        tail = rest.split("<!-- /jobshop -->\n", 1)[1] if "<!-- /jobshop -->\n" in rest else ""
        text = head + table + tail
    elif SECTION in text:
        head, rest = text.split(SECTION, 1)
        body, sep, after = rest.partition("\n## ")
        text = head + SECTION + body.rstrip("\n") + "\n\n" + table + (sep + after if sep else "")
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n" + table
    path.write_text(text)


def run(options: dict[str, Any], progress: bool) -> Iterator[dict[str, Any]]:
    # Compiling the tabu search's kernel is a one-time cost of an installation, not of a solve.
    tabu.warm_up()
    if options["suite"] is None:
        if not options["paths"]:
            raise SystemExit("give instance files, or --suite taillard")
        yield from _file_rows(options)
        return
    rows = []
    for row in _suite_rows(options):
        rows.append(row)
        yield row
    if options["write_docs"] and rows:
        write_docs(rows, options)
