"""Domain events: how one bounded context tells the others what happened, without knowing them.

A lower context (production, inventory, scheduling, ...) publishes a typed event from the service
that made the change; a higher context reacts in its own `handlers.py`. The publisher never imports
its listeners, so the layers hold (see `docs/adr/0007-typed-domain-events.md`).

Delivery is in-process and after the publishing transaction commits: a change that rolls back
tells nobody anything, and a listener never sees a state its publisher could still lose. Each
handler runs on its own; one that raises is logged and the others still run, because the change
it reacts to is already committed and the publisher's caller must not see another context's bug.
A handler with heavy work enqueues a background task instead of doing it in the request.

Outside a transaction (autocommit), handlers run at once, which is what "after commit" means there.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened in one context that others may react to.

    Subclasses are frozen dataclasses of plain values (numbers, codes, ids, datetimes), never model
    instances: a handler reads what it needs itself, in its own transaction, after the commit.
    """


E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[Any], None]

_handlers: dict[type[DomainEvent], list[Handler]] = defaultdict(list)
_recorders: list[list[DomainEvent]] = []


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Call `handler` with every `event_type` (or subclass) published from now on; once only."""
    if not (isinstance(event_type, type) and issubclass(event_type, DomainEvent)):
        raise TypeError(f"{event_type!r} is not a DomainEvent class")
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def handles(
    *event_types: type[DomainEvent],
) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Decorator for a function in an app's `handlers.py`: subscribe it to `event_types`."""

    def register(handler: Callable[[E], None]) -> Callable[[E], None]:
        for event_type in event_types:
            subscribe(event_type, handler)  # type: ignore[arg-type]
        return handler

    return register


def handlers_for(event_type: type[DomainEvent]) -> list[Handler]:
    """The handlers an event of `event_type` reaches, most specific type first."""
    found: list[Handler] = []
    for klass in event_type.__mro__:
        if isinstance(klass, type) and issubclass(klass, DomainEvent):
            found.extend(h for h in _handlers.get(klass, ()) if h not in found)
    return found


def publish(event: DomainEvent, using: str | None = None) -> None:
    """Deliver `event` to its handlers once the current transaction on `using` commits."""
    if not isinstance(event, DomainEvent):
        raise TypeError(f"{event!r} is not a DomainEvent")
    for recorder in _recorders:
        recorder.append(event)
    for handler in handlers_for(type(event)):
        transaction.on_commit(_delivery(handler, event), using=using)


def _delivery(handler: Handler, event: DomainEvent) -> Callable[[], None]:
    def deliver() -> None:
        try:
            handler(event)
        except Exception:
            log.exception("handler %s failed on %r", _name(handler), event)

    return deliver


def _name(handler: Handler) -> str:
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', handler)}"


@contextmanager
def recording() -> Iterator[list[DomainEvent]]:
    """Collect every event published inside the block, committed or not (for tests and tools)."""
    events: list[DomainEvent] = []
    _recorders.append(events)
    try:
        yield events
    finally:
        _recorders.remove(events)


def autodiscover() -> None:
    """Import every installed app's `handlers` module, so its `@handles` functions subscribe."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("handlers")
