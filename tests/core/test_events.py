"""The domain-event publisher: after commit, each handler on its own, nothing on rollback."""

from dataclasses import dataclass

import pytest
from django.db import transaction

from andon.core import events


@dataclass(frozen=True)
class ThingHappened(events.DomainEvent):
    code: str


@dataclass(frozen=True)
class SpecialThingHappened(ThingHappened):
    pass


@pytest.fixture
def heard():
    got: list[events.DomainEvent] = []

    def listener(event):
        got.append(event)

    events.subscribe(ThingHappened, listener)
    yield got
    events._handlers[ThingHappened].remove(listener)


@pytest.mark.django_db(transaction=True)
def test_handlers_run_only_after_the_transaction_commits(heard):
    with transaction.atomic():
        events.publish(ThingHappened("A"))
        assert heard == []
    assert heard == [ThingHappened("A")]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_tells_nobody(heard):
    def failing_service():
        with transaction.atomic():
            events.publish(ThingHappened("B"))
            raise RuntimeError("the service failed")

    with pytest.raises(RuntimeError):
        failing_service()
    assert heard == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_handler_does_not_stop_the_others_nor_the_publisher(heard, caplog):
    def broken(event):
        raise ValueError("bug in a listener")

    events.subscribe(ThingHappened, broken)
    try:
        with transaction.atomic():
            events.publish(ThingHappened("C"))
    finally:
        events._handlers[ThingHappened].remove(broken)
    assert heard == [ThingHappened("C")]
    assert "bug in a listener" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_subclass_reaches_the_handlers_of_its_base(heard):
    events.publish(SpecialThingHappened("D"))
    assert heard == [SpecialThingHappened("D")]


def test_subscribing_twice_delivers_once_and_only_events_are_accepted(heard):
    events.subscribe(ThingHappened, events._handlers[ThingHappened][0])
    assert len(events.handlers_for(ThingHappened)) == 1
    with pytest.raises(TypeError):
        events.publish("ThingHappened")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        events.subscribe(str, print)  # type: ignore[arg-type]


def test_recording_sees_what_was_published_even_without_a_commit():
    with events.recording() as published:
        events.publish(ThingHappened("E"))
    assert published == [ThingHappened("E")]
