"""The counting of `andon bench events`: what clients were told against what the ledger holds.

No database: the booking of answers and the checks are plain data; the pacing is checked against
a small local HTTP server slower than the pace.
"""

import datetime as dt
import http.server
import json
import random
import statistics
import threading
import time

import pytest

from benchmarks.events_load import (
    DOWN,
    PAUSED,
    PENDING,
    RUNNING,
    ClientPlan,
    OperationWalk,
    Sent,
    book,
    check,
    drive,
    next_event,
    percentile,
)


def _answer(status: str, code: str = "") -> dict[str, str]:
    return {"status": status, "code": code}


def _report(client_id: str, good: int, scrap: int = 0) -> dict[str, object]:
    event: dict[str, object] = {"client_id": client_id, "kind": "report", "quantity": str(good)}
    if scrap:
        event["scrap"] = str(scrap)
    return event


def test_walks_only_make_events_valid_in_the_state_reached():
    rng = random.Random(3)
    walk = OperationWalk("WO-1", 10)
    allowed = {
        PENDING: {"start"},
        RUNNING: {"report", "pause", "downtime_start"},
        PAUSED: {"resume"},
        DOWN: {"downtime_end"},
    }
    kinds = set()
    for _ in range(2000):
        before = walk.state
        kind, extra = next_event(walk, rng)
        assert kind in allowed[before]
        if kind in ("pause", "downtime_start") or extra.get("scrap"):
            assert extra["reason"]
        kinds.add(kind)
    assert kinds == {"start", "report", "pause", "resume", "downtime_start", "downtime_end"}


def test_book_counts_accepted_quantities_once_and_checks_replays():
    walk = OperationWalk("WO-1", 10)
    sent = Sent()
    first = [_report("a", 3), _report("b", 2, scrap=1), _report("c", 5)]
    book(
        sent,
        first,
        [False, False, False],
        [walk, walk, walk],
        [_answer("accepted"), _answer("accepted"), _answer("rejected", "invalid_transition")],
    )
    # The same batch resent after a lost answer: the accepted ones come back duplicate.
    book(sent, first[:2], [False, False], [walk, walk], [_answer("duplicate")] * 2)
    # Deliberate replays: one answered duplicate as it must, one wrongly accepted.
    book(
        sent,
        first[:2],
        [True, True],
        [None, None],
        [_answer("duplicate"), _answer("accepted")],
    )
    assert sent.good == {"WO-1/10": 5}
    assert sent.scrap == {"WO-1/10": 1}
    assert sent.rejected == {"invalid_transition": 1}
    assert (sent.replays, sent.replays_not_duplicate) == (2, 1)


def test_check_finds_lost_doubled_unconfirmed_and_wrong_totals():
    sent = Sent(
        answered={"a": "accepted", "b": "duplicate", "c": "rejected", "d": "accepted"},
        good={"WO-1/10": 5},
        scrap={"WO-1/10": 1},
    )
    ledger = {
        "rows": 4,
        "client_ids": ["a", "b", "x", "x"],
        "doubled_ids": 1,
        "operations": {"WO-1/10": ["5.0000", "1.0000"], "WO-1/20": ["1", "0"]},
    }
    assert check(sent, ledger) == {
        "lost": 1,  # d was accepted but is not in the ledger
        "doubled": 2,  # x is there twice: counted by the query and by the row count
        "unconfirmed": 1,  # x was never answered accepted
        "mismatched_operations": 1,  # WO-1/20 has good nobody sent
    }
    clean = {
        "rows": 3,
        "client_ids": ["a", "b", "d"],
        "doubled_ids": 0,
        "operations": {"WO-1/10": ["5", "1"]},
    }
    assert check(sent, clean) == {
        "lost": 0,
        "doubled": 0,
        "unconfirmed": 0,
        "mismatched_operations": 0,
    }


def test_merge_and_percentiles():
    one = Sent(requests=2, events=20, latencies_ms=[1.0, 2.0], good={"k": 1}, started=10.0)
    two = Sent(requests=1, events=10, latencies_ms=[30.0], good={"k": 2}, started=5.0)
    one.merge(two)
    assert (one.requests, one.events, one.good, one.started) == (3, 30, {"k": 3}, 5.0)
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([], 0.99) == 0.0


class _SlowEvents(http.server.BaseHTTPRequestHandler):
    """Answers every batch after 40 ms, accepting each event: a server slower than the pace."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        events = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["events"]
        time.sleep(0.04)
        body = json.dumps({"results": [{"status": "accepted"} for _ in events]}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _drive_against_slow_server(interval: float) -> Sent:
    server = http.server.HTTPServer(("127.0.0.1", 0), _SlowEvents)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        plan = ClientPlan(
            index=0,
            host="127.0.0.1",
            port=server.server_address[1],
            token="t",
            operations=[("WO-1", 10)],
            batch=5,
            replay_share=0.0,
            seconds=0.6,
            start_at=time.time(),
            clock_start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            seed=1,
            interval=interval,
        )
        return drive(plan)
    finally:
        server.shutdown()
        server.server_close()


def test_paced_latency_counts_the_wait_of_a_server_that_falls_behind():
    """Sending every 20 ms to a server that needs 40 ms builds a queue: the paced figures must
    show it growing, where the closed loop, which waits for each answer, sees only 40 ms."""
    closed = _drive_against_slow_server(0.0)
    paced = _drive_against_slow_server(0.02)
    # The closed loop's typical answer is the server's 40 ms, and its last carries no queue; the
    # median, not the maximum, so one answer slowed by a busy machine does not decide the test.
    assert statistics.median(closed.latencies_ms) < 120
    assert closed.latencies_ms[-1] < paced.latencies_ms[-1] - 100
    assert max(paced.latencies_ms) > 200
    assert paced.latencies_ms[-1] > paced.latencies_ms[0] + 150
    assert paced.requests == pytest.approx(closed.requests, abs=2)  # the server set the pace
