"""The load generator of `andon bench events` and the bookkeeping that checks the ledger after.

A client is one process with one keep-alive HTTP connection, sending batches of events one after
the other (a closed loop, like a gateway that waits for its answer), or, given a pace, one batch
every `interval` seconds whatever the answers (an open loop, like machines that report as they
run). Paced latency counts from when the batch was due, not when it went out, so a server that
falls behind shows it in the figures instead of slowing the load down. It owns its operations, so
the events it makes are valid in sequence: each operation walks start -> report good/scrap ->
pause/resume -> downtime -> report ..., with timestamps that only move forward. A share of each
batch is *deliberate replays*: events already answered in an earlier batch, sent again unchanged,
which must come back `duplicate` and change nothing.

No Django here: the clients must stay light, and the counting is plain data that the tests check.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

PENDING, RUNNING, PAUSED, DOWN = "pending", "running", "paused", "down"
PAUSE_REASONS = ("BREAK", "MATERIAL", "QUALITY-CHECK")
DOWN_REASONS = ("JAM", "TOOL", "E-STOP")
SCRAP_REASONS = ("CHATTER", "DIMENSION", "SURFACE")
RETRIES = 5
# The API tries session authentication (which checks CSRF) before the bearer token, so a POST
# with only a token is refused with 403 "CSRF check Failed". Until the token is tried first, a
# non-browser client has to pass the double-submit check: the same secret as cookie and header.
CSRF_SECRET = "benchmarkbenchmarkbenchmarkbench"
TIMEOUT_SECONDS = 30.0
ID_PREFIX = "bench-"  # the benchmark's events, apart from the demo plant's own history


@dataclass
class OperationWalk:
    """One operation's state as the client drives it, and what it was told was accepted."""

    work_order: str
    operation: int
    state: str = PENDING
    good: int = 0
    scrap: int = 0

    @property
    def key(self) -> str:
        return f"{self.work_order}/{self.operation}"


def next_event(walk: OperationWalk, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The next valid kind of event for this operation and its fields; advances the walk.

    Mix while running: about 70% reports (one in eight with scrap), 12% pauses, 8% downtime.
    """
    extra: dict[str, Any] = {}
    if walk.state == PENDING:
        walk.state = RUNNING
        return "start", extra
    if walk.state == PAUSED:
        walk.state = RUNNING
        return "resume", extra
    if walk.state == DOWN:
        walk.state = RUNNING
        return "downtime_end", extra
    draw = rng.random()
    if draw < 0.12:
        walk.state = PAUSED
        return "pause", {"reason": rng.choice(PAUSE_REASONS)}
    if draw < 0.20:
        walk.state = DOWN
        return "downtime_start", {"reason": rng.choice(DOWN_REASONS)}
    extra["quantity"] = str(rng.randint(1, 5))
    if rng.random() < 0.125:
        extra["scrap"] = "1"
        extra["reason"] = rng.choice(SCRAP_REASONS)
    return "report", extra


@dataclass
class Sent:
    """What one client sent and was answered; merged over clients for the checks."""

    new_ids: int = 0
    answered: dict[str, str] = field(default_factory=dict)  # new id -> last status answered
    rejected: Counter[str] = field(default_factory=Counter)  # rejection code -> count
    replays: int = 0
    replays_not_duplicate: int = 0
    good: dict[str, int] = field(default_factory=dict)  # operation key -> accepted good
    scrap: dict[str, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    requests: int = 0
    events: int = 0
    http_errors: int = 0
    started: float = 0.0
    finished: float = 0.0

    def merge(self, other: Sent) -> None:
        self.new_ids += other.new_ids
        self.answered.update(other.answered)
        self.rejected.update(other.rejected)
        self.replays += other.replays
        self.replays_not_duplicate += other.replays_not_duplicate
        for mine, theirs in ((self.good, other.good), (self.scrap, other.scrap)):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value
        self.latencies_ms.extend(other.latencies_ms)
        self.requests += other.requests
        self.events += other.events
        self.http_errors += other.http_errors
        self.started = min(self.started, other.started) if self.started else other.started
        self.finished = max(self.finished, other.finished)


def book(
    sent: Sent,
    batch: list[dict[str, Any]],
    replay: list[bool],
    owner: list[OperationWalk | None],
    results: list[dict[str, Any]],
) -> None:
    """Account for one answered batch: statuses, replays, and accepted good and scrap."""
    for event, is_replay, walk, result in zip(batch, replay, owner, results, strict=True):
        status = result["status"]
        if is_replay:
            sent.replays += 1
            if status != "duplicate":
                sent.replays_not_duplicate += 1
            continue
        first = event["client_id"] not in sent.answered
        sent.answered[event["client_id"]] = status
        if status == "rejected":
            sent.rejected[result.get("code") or "?"] += 1
            continue
        # `duplicate` for a new id means an earlier try of this batch was recorded but its answer
        # was lost: the event is in the ledger once, counted once here.
        if first and walk is not None and event["kind"] == "report":
            sent.good[walk.key] = sent.good.get(walk.key, 0) + int(event.get("quantity", 0))
            sent.scrap[walk.key] = sent.scrap.get(walk.key, 0) + int(event.get("scrap", 0))


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def check(sent: Sent, ledger: dict[str, Any]) -> dict[str, int]:
    """Compare what clients were told with what the database holds.

    `lost`: answered accepted (or duplicate) but not in the ledger. `doubled`: ids stored twice.
    `unconfirmed`: in the ledger though no answer said so. `mismatched_operations`: operations
    whose derived good or scrap differ from the sums accepted.
    """
    recorded = {i for i, status in sent.answered.items() if status in ("accepted", "duplicate")}
    in_ledger = set(ledger["client_ids"])
    doubled = int(ledger["doubled_ids"]) + (int(ledger["rows"]) - len(in_ledger))
    mismatched = 0
    for key, (good, scrap) in ledger["operations"].items():
        if float(good) != sent.good.get(key, 0) or float(scrap) != sent.scrap.get(key, 0):
            mismatched += 1
    return {
        "lost": len(recorded - in_ledger),
        "doubled": doubled,
        "unconfirmed": len(in_ledger - recorded),
        "mismatched_operations": mismatched,
    }


@dataclass(frozen=True)
class ClientPlan:
    """Everything one client process needs; picklable."""

    index: int
    host: str
    port: int
    token: str
    operations: list[tuple[str, int]]
    batch: int
    replay_share: float
    seconds: float
    start_at: float  # wall clock (time.time()) when to begin, shared by all clients
    clock_start: dt.datetime  # the first event's timestamp
    seed: int
    interval: float = 0.0  # seconds between batches when paced; 0 sends as fast as answered
    offset: float = 0.0  # when paced, this client's first batch is due this late (out of step)


def _post(conn: http.client.HTTPConnection, token: str, body: bytes) -> dict[str, Any] | None:
    """One request; the parsed answer, or None unless it is a 200."""
    conn.request(
        "POST",
        "/api/v1/events",
        body=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Cookie": f"csrftoken={CSRF_SECRET}",
            "X-CSRFToken": CSRF_SECRET,
        },
    )
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        return None
    answer: dict[str, Any] = json.loads(data)
    return answer


def drive(plan: ClientPlan) -> Sent:
    """Send batches until the time is up; the answer to every request is booked."""
    rng = random.Random(plan.seed * 1000 + plan.index)
    walks = [OperationWalk(order, seq) for order, seq in plan.operations]
    sent = Sent()
    history: list[dict[str, Any]] = []
    clock = plan.clock_start
    serial = 0
    conn = http.client.HTTPConnection(plan.host, plan.port, timeout=TIMEOUT_SECONDS)
    time.sleep(max(0.0, plan.start_at - time.time()))
    sent.started = time.time()
    deadline = sent.started + plan.seconds
    paced_from = time.perf_counter() + plan.offset
    due = 0.0
    while time.time() < deadline:
        if plan.interval:
            due = paced_from + sent.requests * plan.interval
            time.sleep(max(0.0, due - time.perf_counter()))
        batch: list[dict[str, Any]] = []
        replay: list[bool] = []
        owner: list[OperationWalk | None] = []
        for _ in range(plan.batch):
            if history and rng.random() < plan.replay_share:
                batch.append(history[rng.randrange(len(history))])
                replay.append(True)
                owner.append(None)
                continue
            walk = walks[rng.randrange(len(walks))]
            kind, extra = next_event(walk, rng)
            serial += 1
            clock += dt.timedelta(seconds=1)
            event = {
                "client_id": f"{ID_PREFIX}{plan.seed}-c{plan.index}-{serial}",
                "kind": kind,
                "at": clock.isoformat(),
                "work_order": walk.work_order,
                "operation": walk.operation,
                **extra,
            }
            batch.append(event)
            replay.append(False)
            owner.append(walk)
        body = json.dumps({"events": batch}).encode()
        sent.new_ids += sum(1 for r in replay if not r)
        for _attempt in range(RETRIES):
            begun = time.perf_counter()
            try:
                answer = _post(conn, plan.token, body)
            except (OSError, http.client.HTTPException):
                answer = None
            if answer is not None:
                sent.latencies_ms.append((time.perf_counter() - (due or begun)) * 1000)
                break
            sent.http_errors += 1
            conn.close()
            conn = http.client.HTTPConnection(plan.host, plan.port, timeout=TIMEOUT_SECONDS)
            time.sleep(0.05)
        else:
            break  # the server is gone: stop and let the checks say what happened
        sent.requests += 1
        sent.events += len(batch)
        book(sent, batch, replay, owner, answer["results"])
        for event, is_replay in zip(batch, replay, strict=True):
            if not is_replay and sent.answered[event["client_id"]] != "rejected":
                history.append(event)
    sent.finished = time.time()
    conn.close()
    return sent
