"""Reuse the API helper and role clients of the plant tests."""

from tests.plant.conftest import api_as, supervisor_client  # noqa: F401
