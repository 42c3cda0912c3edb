"""Fixtures of the alerts tests: rules and a real local HTTP server (SMTP is in tests/conftest.py).

The server listens on 127.0.0.1 on a free port and records what it receives; it
can answer 200, fail with 500, or hang, so retries and timeouts are exercised for real.
"""

import datetime as dt
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

NOW = dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC)  # a Tuesday


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def make_rule(db):
    from andon.alerts import services

    def make(kind: str, name: str = "", **fields):
        data = {"name": name or kind, "kind": kind, "owner_role": "supervisor", **fields}
        return services.create_rule(None, data)

    return make


@pytest.fixture
def supervisor(user_with_role):
    user = user_with_role("supervisor", username="sup")
    user.email = "sup@plant.test"
    user.save()
    return user


@pytest.fixture
def downtime(work_center):
    from andon.production.models import ProductionEvent

    def record(kind: str, at: dt.datetime, reason: str = "JAM"):
        return ProductionEvent.objects.create(
            client_id=str(uuid.uuid4()), kind=kind, at=at, work_center=work_center, reason=reason
        )

    return record


class Receiver:
    """What the local HTTP server got, and how it should answer next (200, 500 or hang)."""

    def __init__(self):
        self.requests = []
        self.mode = "ok"
        self.release = threading.Event()


@pytest.fixture
def http_server():
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.requests.append((dict(self.headers), body))
            if receiver.mode == "hang":
                receiver.release.wait(10)
            code = 500 if receiver.mode == "fail" else 200
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield receiver
    receiver.release.set()
    server.shutdown()
    server.server_close()


def wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


__all__ = ["NOW", "timezone", "wait_for"]
