"""`andon bench events`: shop-floor events over HTTP against the production server, then checks.

Each run prepares a fresh database of its own (a demo plant, released work orders, ample stock,
an operator's token), starts `andon serve` on 127.0.0.1 as a separate process, drives it from
`--clients` load-generator processes for `--seconds` (batches of `--batch` events, a
`--replay-share` of them deliberate resends of ids already answered), stops the server and then
compares what the clients were told with what the database holds: nothing lost, nothing doubled,
each operation's good and scrap equal to the sums accepted, every replay answered `duplicate`.

`--trace` measures lot tracing instead: see `benchmarks.events_trace`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks import events_trace
from benchmarks.events_load import ClientPlan, Sent, check, drive, percentile

HELP = "Shop-floor events over HTTP (andon serve) with replays; checks none lost or doubled."
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgres://root@127.0.0.1:5432/bench_events"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_POSTGRES,
        help=f"PostgreSQL database to (re)create for the run (default {DEFAULT_POSTGRES}).",
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="Load duration (default 60).")
    parser.add_argument("--clients", type=int, default=4, help="Load processes (default 4).")
    parser.add_argument("--batch", type=int, default=10, help="Events per request (default 10).")
    parser.add_argument(
        "--replay-share", type=float, default=0.05, help="Share of resent ids (default 0.05)."
    )
    parser.add_argument("--threads", type=int, default=4, help="andon serve --threads (default 4).")
    parser.add_argument("--workers", type=int, default=1, help="andon serve --workers (default 1).")
    parser.add_argument("--orders", type=int, default=200, help="Released work orders (200).")
    parser.add_argument("--size", default="small", help="Demo plant size (default small).")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="Events per second in all, paced (open loop); default 0: as fast as answered.",
    )
    parser.add_argument("--runs", type=int, default=1, help="Repeat the whole run (default 1).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--trace", action="store_true", help="Time lot traces over a year of genealogy instead."
    )
    events_trace.add_arguments(parser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _say(progress: bool, text: str) -> None:
    if progress:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()


def recreate_postgres(url: str) -> str:
    """A fresh, empty benchmark database; returns its URL (never the one in the settings).

    `DROP DATABASE` waits for every backend of the server to acknowledge it, which a session
    stuck in a `COPY` elsewhere can delay indefinitely: after 15 s a new database with a unique
    name is used instead.
    """
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute("SET statement_timeout = '15s'")
        try:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.errors.QueryCanceled:
            name = f"{name}_{os.getpid()}_{int(time.time())}"
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def environment(options: dict[str, Any], home: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ANDON_HOME=home,
        ANDON_DEBUG="0",
        DJANGO_SETTINGS_MODULE="andon.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    if options["database"] == "postgres":
        env["ANDON_DATABASE_URL"] = options["database_url"]
    else:
        env.pop("ANDON_DATABASE_URL", None)
    return env


def fixture(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.events_fixture", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"events_fixture {args[0]} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def start_server(
    env: dict[str, str], port: int, threads: int, workers: int, log: Path
) -> subprocess.Popen[bytes]:
    """`andon serve` as documented for production, waiting until it answers."""
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "andon.cli",
                "serve",
                "--addr",
                "127.0.0.1",
                "--port",
                str(port),
                "--threads",
                str(threads),
                "--workers",
                str(workers),
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"andon serve exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("andon serve did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()  # SIGTERM: SIGINT may be ignored in a process started in background
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def plans(options: dict[str, Any], manifest: dict[str, Any], port: int) -> list[ClientPlan]:
    """Work orders dealt out to the clients, as a line's terminal or gateway reports its own."""
    clients = options["clients"]
    numbers = sorted({o["work_order"] for o in manifest["operations"]})
    owner = {number: n % clients for n, number in enumerate(numbers)}
    dealt: list[list[tuple[str, int]]] = [[] for _ in range(clients)]
    for o in manifest["operations"]:
        dealt[owner[o["work_order"]]].append((o["work_order"], int(o["operation"])))
    start_at = time.time() + 1.0
    # Paced: each client sends a batch every `interval`, the clients spread across it.
    interval = clients * options["batch"] / options["rate"] if options["rate"] > 0 else 0.0
    # Timestamps advance one second per event per client: start far enough back that the last
    # event of a fast run is still in the past.
    clock = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(
        seconds=options["seconds"] * 5000 + 3600
    )
    return [
        ClientPlan(
            index=i,
            host="127.0.0.1",
            port=port,
            token=manifest["token"],
            operations=dealt[i],
            batch=options["batch"],
            replay_share=options["replay_share"],
            seconds=options["seconds"],
            start_at=start_at,
            clock_start=clock,
            seed=options["seed"],
            interval=interval,
            offset=interval * i / clients,
        )
        for i in range(clients)
    ]


def figures(options: dict[str, Any], sent: Sent, checks: dict[str, int]) -> dict[str, Any]:
    elapsed = max(sent.finished - sent.started, 1e-9)
    return {
        "database": options["database"],
        "clients": options["clients"],
        "batch": options["batch"],
        "workers": options["workers"],
        "threads": options["threads"],
        "rate": options["rate"] or None,
        "seconds": round(elapsed, 1),
        "requests": sent.requests,
        "events": sent.events,
        "events_per_second": round(sent.events / elapsed, 1),
        "p50_ms": round(percentile(sent.latencies_ms, 0.50), 1),
        "p95_ms": round(percentile(sent.latencies_ms, 0.95), 1),
        "p99_ms": round(percentile(sent.latencies_ms, 0.99), 1),
        "max_ms": round(max(sent.latencies_ms, default=0.0), 1),
        "accepted": sum(1 for s in sent.answered.values() if s == "accepted"),
        "rejected": sum(sent.rejected.values()),
        "replays": sent.replays,
        "replays_not_duplicate": sent.replays_not_duplicate,
        "http_errors": sent.http_errors,
        **checks,
        "load_1m": round(os.getloadavg()[0], 2),
    }


def run_once(options: dict[str, Any], progress: bool) -> dict[str, Any]:
    home = tempfile.mkdtemp(prefix="andon-bench-events-")
    try:
        env = environment(options, home)
        if options["database"] == "postgres":
            options = {**options, "database_url": recreate_postgres(options["database_url"])}
            env = environment(options, home)
        _say(progress, f"Preparing the plant ({options['size']}, {options['orders']} orders)...")
        manifest = fixture(
            env,
            "prepare",
            "--size",
            options["size"],
            "--orders",
            str(options["orders"]),
            "--seed",
            str(options["seed"]),
        )
        port = _free_port()
        server = start_server(
            env, port, options["threads"], options["workers"], Path(home) / "serve.log"
        )
        try:
            _say(progress, f"Sending events for {options['seconds']:.0f} s...")
            context = multiprocessing.get_context("spawn")
            with context.Pool(options["clients"]) as pool:
                results = pool.map(drive, plans(options, manifest, port))
        finally:
            stop_server(server)
        sent = Sent()
        for result in results:
            sent.merge(result)
        _say(progress, "Checking the ledger...")
        checks = check(sent, fixture(env, "ledger"))
        row = figures(options, sent, checks)
        if sent.rejected:
            row["rejected_codes"] = dict(sent.rejected.most_common(5))
        return row
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run(options: dict[str, Any], progress: bool) -> Iterator[dict[str, Any]]:
    if options["trace"]:
        yield from events_trace.measure(options, progress)
        return
    for _ in range(options["runs"]):
        yield run_once(options, progress)
