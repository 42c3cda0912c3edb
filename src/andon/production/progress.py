"""An operation's progress during a batch: its events as the fold sees them, and where the fold
stands, kept with the operation between batches so a batch need not read its whole history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from andon.production import timeline
from andon.production.models import ProductionEvent, WorkOrderOperation

Kind = ProductionEvent.Kind
ZERO = Decimal("0")
# Provisional tie-breakers for events not yet inserted: above every stored id, in arrival order.
PROVISIONAL_SEQ = 2**62

OPERATION_FIELDS = (
    "status",
    "good_quantity",
    "scrap_quantity",
    "rework_quantity",
    "actual_start",
    "actual_end",
    "state_since",
    "state_reason",
    "setup_seconds",
    "processing_seconds",
    "delay_seconds",
    "down_seconds",
    "labour_seconds",
)


def facts_of(events: Iterable[ProductionEvent]) -> list[timeline.Fact]:
    return [
        timeline.Fact(
            kind=e.kind,
            at=e.at,
            seq=e.pk if e.pk is not None else PROVISIONAL_SEQ,
            good=e.quantity if e.kind == Kind.REPORT else ZERO,
            scrap=e.scrap_quantity,
            rework=e.rework_quantity,
            reason=e.reason,
            worker=e.worker_id,
        )
        for e in events
    ]


def store_state(operation: WorkOrderOperation, state: timeline.State) -> None:
    """Put a folded state onto the operation's derived fields (in memory)."""
    operation.status = state.status
    operation.good_quantity = state.good
    operation.scrap_quantity = state.scrap
    operation.rework_quantity = state.rework
    operation.actual_start = state.actual_start
    operation.actual_end = state.actual_end
    operation.state_since = state.since
    operation.state_reason = state.reason[:40]
    operation.setup_seconds = round(state.seconds["setup"])
    operation.processing_seconds = round(state.seconds["processing"])
    operation.delay_seconds = round(state.seconds["delay"])
    operation.down_seconds = round(state.seconds["down"])
    operation.labour_seconds = round(state.labour)


@dataclass
class Track:
    """Where one operation's fold stands during the batch.

    Events nearly always arrive in time order: each is then checked against the state reached and
    applied to it, whatever the operation's history (a PLC reporting every piece makes thousands
    of events). The state is kept with the operation between batches (`fold_state`). An event
    earlier than the latest one folded needs every event of the operation (`facts`), read once,
    and the fold starts over.
    """

    state: timeline.State
    key: tuple[dt.datetime, int] | None  # (at, seq) of the latest event in time order
    last_id: int  # highest stored event id folded
    facts: list[timeline.Fact] | None  # every event, when read
    pending: list[timeline.Fact] = field(default_factory=list)  # this batch's new facts

    @classmethod
    def resumed(cls, kept: dict[str, Any], last_id: int) -> Track | None:
        """The kept state, if it folded exactly the events stored (`last_id` is the highest)."""
        if not kept or kept.get("last_id") != last_id:
            return None
        at = kept.get("at")
        key = (dt.datetime.fromisoformat(at), int(kept["seq"])) if at else None
        return cls(timeline.State.from_json(kept["state"]), key, last_id, None)

    @classmethod
    def folded(cls, facts: list[timeline.Fact]) -> Track:
        ordered = sorted(facts, key=lambda f: (f.at, f.seq))
        state = timeline.State()
        for fact in ordered:
            timeline.apply(state, fact)
        key = (ordered[-1].at, ordered[-1].seq) if ordered else None
        last_id = max((f.seq for f in ordered), default=0)
        return cls(state, key, last_id, ordered)

    def in_order(self, fact: timeline.Fact) -> bool:
        return self.key is None or (fact.at, fact.seq) > self.key

    def admit(self, new: timeline.Fact) -> timeline.Refusal | None:
        assert self.in_order(new) or self.facts is not None
        if self.in_order(new):
            return timeline.admit_after(self.state, new)
        return timeline.admit(self.facts or [], new)

    def add(self, fact: timeline.Fact) -> None:
        self.pending.append(fact)
        if self.facts is not None:
            self.facts.append(fact)
        if self.in_order(fact):
            timeline.apply(self.state, fact)
            self.key = (fact.at, fact.seq)
        else:
            assert self.facts is not None
            self.state = timeline.fold(self.facts)

    def kept(self, real_id: Any) -> dict[str, Any]:
        """What to keep with the operation after the batch, with provisional ids made real."""
        seq = self.key[1] if self.key else 0
        ids = [real_id(f.seq) for f in self.pending]
        return {
            "state": self.state.to_json(),
            "at": self.key[0].isoformat() if self.key else None,
            "seq": real_id(seq) if seq >= PROVISIONAL_SEQ else seq,
            "last_id": max([self.last_id, *ids]),
        }
