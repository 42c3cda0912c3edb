"""`andon serve`: run Andon with a production WSGI server, static files included.

Waitress is pure Python and runs the same on Linux, macOS and Windows, which is what a plant's
spare server tends to be; WhiteNoise serves the static files straight from the installed packages
(`WHITENOISE_USE_FINDERS`), so there is no `collectstatic` step and no separate web server needed.

Threads of one process share one interpreter lock: they overlap waiting on the database but run
Python one at a time. `--workers N` forks N serving processes on one listening socket (POSIX
only), so a PostgreSQL deployment can use every core; SQLite has one writer at a time and is
best served by one process.
"""

import contextlib
import gc
import multiprocessing
import os
import signal
import socket
from argparse import ArgumentParser
from collections.abc import Callable, MutableSequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from waitress.server import TcpWSGIServer, create_server

PROXY_HEADERS = "x-forwarded-for x-forwarded-host x-forwarded-proto x-forwarded-port"


def url_for(addr: str, port: int) -> str:
    """The address people type into a browser for a listening address."""
    host = addr
    if addr in {"0.0.0.0", "::", ""}:
        host = socket.gethostname()
    elif ":" in addr:
        host = f"[{addr}]"
    return f"http://{host}:{port}/"


def settle_heap() -> None:
    """Load every view now and take what lives for the whole process out of the garbage
    collector's way.

    A collection of the oldest generation walks every tracked object, and a loaded Django project
    holds hundreds of thousands of them (modules, classes, URL patterns, schemas): each such walk
    stalled a request for tens of milliseconds, which made the slowest requests of the events
    API twice as slow as the rest. Frozen objects are never walked; collections run less often
    because requests make few reference cycles (reference counting frees the rest).
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the views and builds the API schemas
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 50)


def pending_migrations() -> int:
    """Migrations not yet applied: serving an old schema would fail on the first page."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = "Serve Andon on a production-grade WSGI server (waitress) with its static files."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--addr",
            default="127.0.0.1",
            help="Address to listen on (default 127.0.0.1; 0.0.0.0 for all).",
        )
        parser.add_argument("--port", type=int, default=8000, help="Port (default 8000).")
        parser.add_argument(
            "--threads", type=int, default=8, help="Requests served at the same time (default 8)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Serving processes sharing the port (default 1; POSIX only). "
            "With PostgreSQL, one per core.",
        )
        parser.add_argument(
            "--trusted-proxy",
            default="",
            help="Address of a reverse proxy whose X-Forwarded-* headers are believed "
            "(e.g. 127.0.0.1); without it those headers are removed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import waitress

        from andon.wsgi import application

        if options["threads"] < 1:
            raise CommandError("--threads must be at least 1")
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        if options["workers"] > 1 and not hasattr(os, "fork"):
            raise CommandError("--workers above 1 needs a POSIX system (Linux, macOS)")
        if not 0 < options["port"] < 65536:
            raise CommandError("--port must be between 1 and 65535")
        pending = pending_migrations()
        if pending:
            raise CommandError(
                f"The database needs {pending} migration(s) first: run `andon migrate`."
            )
        proxy: dict[str, Any] = {"clear_untrusted_proxy_headers": True}
        if options["trusted_proxy"]:
            proxy.update(
                trusted_proxy=options["trusted_proxy"], trusted_proxy_headers=PROXY_HEADERS
            )
        settle_heap()
        workers = options["workers"]
        processes = f"{workers} processes x " if workers > 1 else ""
        self.stdout.write(
            f"Andon is serving on {url_for(options['addr'], options['port'])} "
            f"({processes}{options['threads']} threads). Press Ctrl+C to stop."
        )
        self.stdout.flush()
        if workers == 1:
            waitress.serve(
                application,
                host=options["addr"],
                port=options["port"],
                threads=options["threads"],
                ident="Andon",
                **proxy,
            )
            return
        family = socket.AF_INET6 if ":" in options["addr"] else socket.AF_INET
        listener = socket.create_server(
            (options["addr"], options["port"]), family=family, backlog=1024
        )
        serve_shared(application, listener, workers, options["threads"], proxy)


def serve_shared(
    application: Any, listener: socket.socket, workers: int, threads: int, proxy: dict[str, Any]
) -> None:
    """Serve `application` from `workers` forked processes on one listening socket, each
    worker taking new connections only while it holds no more of them than any other."""
    held = multiprocessing.Array("i", workers, lock=False)  # shared memory, inherited by fork

    def serve(slot: int) -> None:
        server = create_server(
            application, sockets=[listener], threads=threads, ident="Andon", **proxy
        )
        # create_server builds waitress's own class for a socket it is given; the subclass only
        # adds a method and overrides one, so the built object can take it on.
        server.__class__ = FairShareServer
        server.share(held, slot)
        server.run()

    serve_forked(serve, workers)


class FairShareServer(TcpWSGIServer):  # type: ignore[misc]
    """Waitress's TCP server that takes a new connection only while it holds no more than the
    worker holding fewest.

    The workers share one listening socket, and whichever wakes first accepts. A terminal or a
    machine gateway keeps its connection open, so every later request is served by the worker
    that accepted it: two busy connections on one single-threaded worker wait for each other
    while the other worker idles (the same benchmark gave 1,544 and 743 events/s depending on
    where the connections landed, and the waiting made the slowest requests 2-3 times slower).
    Each worker publishes how many connections it holds in memory shared across the fork.
    """

    held: MutableSequence[int]
    slot: int

    def share(self, held: MutableSequence[int], slot: int) -> None:
        self.held = held
        self.slot = slot

    def readable(self) -> bool:
        willing: bool = super().readable()
        mine = len(self.active_channels)
        self.held[self.slot] = mine
        return willing and mine <= min(self.held)


def serve_forked(serve: Callable[[int], None], workers: int) -> None:
    """Run `serve(slot)` in `workers` forked processes until one exits or we are told to stop.

    Database connections are closed before forking: a connection must never be shared between
    processes. Ctrl+C or SIGTERM stops every worker.
    """
    connections.close_all()
    children: list[int] = []
    for slot in range(workers):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                serve(slot)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        children.append(pid)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    # Set both explicitly: a process started in the background inherits SIGINT ignored.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        os.wait()  # returns when the first worker ends
    except KeyboardInterrupt:
        pass
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
