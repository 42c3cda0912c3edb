"""Fixtures for the demo plant: generated once per session in memory, for a pinned "today"."""

import datetime as dt

import pytest

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="session")
def today():
    return TODAY


@pytest.fixture(scope="session")
def small_plant():
    """The default demo plant (small, seed 1); plain data, shared: do not mutate it."""
    from andon.demo.generator import generate

    return generate("small", seed=1, today=TODAY)


@pytest.fixture
def loaded_plant(db, small_plant):
    """The small demo plant written to the test database."""
    from andon.demo import services

    services.load(small_plant)
    return small_plant
