"""`andon serve` settles the heap before serving (the long-lived objects of a loaded project are
frozen out of garbage collection, whose walks over them stalled requests) and shares connections
evenly between its worker processes."""

import gc
import http.client
import multiprocessing
import os
import socket
from collections import Counter

import pytest

from andon.core.management.commands.serve import serve_shared, settle_heap


def test_the_loaded_project_is_frozen_out_of_collections():
    thresholds = gc.get_threshold()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 50_000  # views, schemas and modules are all loaded
        assert gc.get_threshold() == (50_000, 20, 50)  # collections far less often
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def _pid_app(environ, start_response):
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _served_by(conn: http.client.HTTPConnection) -> str:
    conn.request("GET", "/")
    return conn.getresponse().read().decode()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="--workers needs fork")
def test_workers_share_kept_alive_connections_evenly():
    """Terminals keep their connection open, so where each one lands decides which worker serves
    all its requests: four of them on two workers must be two and two, not three and one."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=64)
    port = listener.getsockname()[1]
    parent = multiprocessing.get_context("fork").Process(
        target=serve_shared, args=(_pid_app, listener, 2, 1, {})
    )
    parent.start()
    connections = []
    try:
        served = []
        for _ in range(4):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connections.append(conn)
            served.append(_served_by(conn))  # answered before the next one connects
        # Each connection stays with its worker, and the two workers hold two each.
        assert [_served_by(conn) for conn in connections] == served
        assert sorted(Counter(served).values()) == [2, 2]
    finally:
        for conn in connections:
            conn.close()
        parent.terminate()
        parent.join(10)
        listener.close()
