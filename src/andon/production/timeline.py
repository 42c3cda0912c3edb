"""Fold an operation's shop-floor events, in timestamp order, into its state and time elements.

Pure: plain dataclasses in and out, no database. The same fold serves two purposes:

* **Derivation.** After any event is added, the operation's status, quantities and time elements
  are recomputed from all its events sorted by (`at`, arrival order). The fold is *tolerant*: a
  transition that does not apply in the state reached (a pause while already paused, a start while
  running) changes nothing. So a late event inserted in the past never breaks the derivation.
* **Admission.** A new event is checked *strictly* against the state folded from the events at or
  before its own timestamp (`admit`). That is where a resume without a pause, a completion before
  any start, or a report after the completion are refused.

Rules worth knowing (also in docs/events-api.md): a report on an operation that has not started
starts it at the report's timestamp (the machine evidently ran); a start on a running operation is
accepted and changes nothing; time in setup, running, paused and down states accumulates as setup,
processing, delay and down time; labour time is clocked per worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

ZERO = Decimal("0")

PENDING, SETUP, RUNNING, PAUSED, DOWN, COMPLETED = (
    "pending",
    "setup",
    "running",
    "paused",
    "down",
    "completed",
)
# Which time element each state's time counts as (ISO 22400: AUST, AUPT, ADET, ADOT).
BUCKET = {SETUP: "setup", RUNNING: "processing", PAUSED: "delay", DOWN: "down"}
# Kinds that may still arrive after the operation completed (people clock off, repairs end).
AFTER_COMPLETION = frozenset({"clock_off", "downtime_end"})


@dataclass(frozen=True)
class Fact:
    """One event as the fold needs it; `seq` breaks ties between equal timestamps."""

    kind: str
    at: datetime
    seq: int
    good: Decimal = ZERO
    scrap: Decimal = ZERO
    rework: Decimal = ZERO
    reason: str = ""
    worker: int | None = None


@dataclass
class State:
    """An operation's derived progress; seconds are whole seconds of each time element."""

    status: str = PENDING
    good: Decimal = ZERO
    scrap: Decimal = ZERO
    rework: Decimal = ZERO
    actual_start: datetime | None = None
    actual_end: datetime | None = None
    since: datetime | None = None
    reason: str = ""
    seconds: dict[str, float] = field(
        default_factory=lambda: {"setup": 0.0, "processing": 0.0, "delay": 0.0, "down": 0.0}
    )
    labour: float = 0.0
    clocked_on: dict[int, datetime] = field(default_factory=dict)
    before_down: str = PENDING

    def _enter(self, status: str, at: datetime, reason: str = "") -> None:
        bucket = BUCKET.get(self.status)
        if bucket and self.since is not None:
            self.seconds[bucket] += max((at - self.since).total_seconds(), 0.0)
        self.status = status
        self.since = at
        self.reason = reason

    def _started(self, at: datetime) -> None:
        if self.actual_start is None or at < self.actual_start:
            self.actual_start = at

    def copy(self) -> State:
        return replace(self, seconds=dict(self.seconds), clocked_on=dict(self.clocked_on))

    def to_json(self) -> dict[str, Any]:
        """Plain JSON, so the state reached can be kept with the operation and resumed."""
        return {
            "status": self.status,
            "good": str(self.good),
            "scrap": str(self.scrap),
            "rework": str(self.rework),
            "actual_start": _iso(self.actual_start),
            "actual_end": _iso(self.actual_end),
            "since": _iso(self.since),
            "reason": self.reason,
            "seconds": self.seconds,
            "labour": self.labour,
            "clocked_on": {str(w): at.isoformat() for w, at in self.clocked_on.items()},
            "before_down": self.before_down,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        return cls(
            status=data["status"],
            good=Decimal(data["good"]),
            scrap=Decimal(data["scrap"]),
            rework=Decimal(data["rework"]),
            actual_start=_parse(data["actual_start"]),
            actual_end=_parse(data["actual_end"]),
            since=_parse(data["since"]),
            reason=data["reason"],
            seconds={k: float(v) for k, v in data["seconds"].items()},
            labour=float(data["labour"]),
            clocked_on={int(w): datetime.fromisoformat(at) for w, at in data["clocked_on"].items()},
            before_down=data["before_down"],
        )


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def apply(state: State, fact: Fact) -> State:
    """Apply one event tolerantly: what does not fit the state reached changes nothing."""
    kind, at, status = fact.kind, fact.at, state.status
    if kind == "report":
        state.good += fact.good
        state.scrap += fact.scrap
        state.rework += fact.rework
        if status in (PENDING, SETUP):
            state._started(at)
            state._enter(RUNNING, at)
    elif kind == "clock_on":
        if fact.worker is not None and fact.worker not in state.clocked_on:
            state.clocked_on[fact.worker] = at
    elif kind == "clock_off":
        if fact.worker is not None and fact.worker in state.clocked_on:
            on = state.clocked_on.pop(fact.worker)
            state.labour += max((at - on).total_seconds(), 0.0)
    elif status == COMPLETED:
        return state
    elif kind == "setup_start" and status in (PENDING, PAUSED, RUNNING):
        state._enter(SETUP, at, fact.reason)
    elif kind == "setup_end" and status == SETUP:
        state._enter(PAUSED if state.actual_start else PENDING, at)
    elif kind == "start" and status in (PENDING, PAUSED, SETUP):
        state._started(at)
        state._enter(RUNNING, at)
    elif kind == "pause" and status in (RUNNING, SETUP):
        state._enter(PAUSED, at, fact.reason)
    elif kind == "resume" and status == PAUSED:
        state._enter(RUNNING, at)
    elif kind == "downtime_start" and status != DOWN:
        state.before_down = status
        state._enter(DOWN, at, fact.reason)
    elif kind == "downtime_end" and status == DOWN:
        state._enter(state.before_down, at)
    elif kind == "complete":
        state._started(at)
        state.actual_end = at
        state._enter(COMPLETED, at)
    return state


def fold(facts: list[Fact]) -> State:
    """The state after every fact, applied in (timestamp, arrival) order."""
    state = State()
    for fact in sorted(facts, key=lambda f: (f.at, f.seq)):
        apply(state, fact)
    return state


@dataclass(frozen=True)
class Refusal:
    code: str
    detail: str


def admit(earlier: list[Fact], new: Fact) -> Refusal | None:
    """Whether `new` may happen in the state folded from the events at or before its timestamp.

    `earlier` may hold every event of the operation; those after `new.at` are ignored here.
    """
    return admit_after(fold([f for f in earlier if f.at <= new.at]), new)


def admit_after(state: State, new: Fact) -> Refusal | None:
    """Whether `new` may happen in `state`, the state folded from every event up to its time."""
    status, kind = state.status, new.kind
    if status == COMPLETED and kind not in AFTER_COMPLETION:
        return Refusal("operation_completed", "The operation was already completed by then.")
    wrong = Refusal(
        "invalid_transition", f"Cannot {kind.replace('_', ' ')} an operation that is {status}."
    )
    if kind == "setup_start" and status in (SETUP, DOWN):
        return wrong
    if kind == "setup_end" and status != SETUP:
        return wrong
    if kind == "start" and status == DOWN:
        return wrong
    if kind == "pause" and status not in (RUNNING, SETUP):
        return wrong
    if kind == "resume" and status != PAUSED:
        return wrong
    if kind == "downtime_start" and status == DOWN:
        return wrong
    if kind == "downtime_end" and status != DOWN:
        return wrong
    if kind == "complete":
        if status == PENDING:
            return Refusal("not_started", "The operation has not started by then.")
        if state.good <= 0:
            return Refusal("nothing_reported", "Report good quantity before completing.")
    if kind == "clock_on" and new.worker in state.clocked_on:
        return Refusal("already_clocked_on", "The worker is already clocked on here.")
    if kind == "clock_off" and new.worker not in state.clocked_on:
        return Refusal("not_clocked_on", "The worker is not clocked on here.")
    return None


def work_center_down(facts: list[Fact]) -> tuple[bool, str, datetime | None]:
    """Machine-level downtime (events not tied to an operation): (down, reason, since)."""
    down, reason, since = False, "", None
    for fact in sorted(facts, key=lambda f: (f.at, f.seq)):
        if fact.kind == "downtime_start" and not down:
            down, reason, since = True, fact.reason, fact.at
        elif fact.kind == "downtime_end" and down:
            down, reason, since = False, "", fact.at
    return down, reason, since
