"""Fixtures for the plant, people and partners tests: API helpers and role clients."""

import json

import pytest


@pytest.fixture
def supervisor_client(client, user_with_role):
    client.force_login(user_with_role("supervisor", username="supervisor"))
    return client


class Api:
    """Calls /api/v1 with JSON bodies, so tests read like the requests they make."""

    def __init__(self, client):
        self.client = client

    def _send(self, method, path, body=None):
        kwargs = {"content_type": "application/json"}
        if body is not None:
            kwargs["data"] = json.dumps(body, default=str)
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path):
        return self.client.get(f"/api/v1{path}")

    def post(self, path, body):
        return self._send("post", path, body)

    def put(self, path, body):
        return self._send("put", path, body)

    def patch(self, path, body):
        return self._send("patch", path, body)

    def delete(self, path):
        return self._send("delete", path)


@pytest.fixture
def api_as():
    """`api_as(planner_client).post("/shifts", {...})`."""
    return Api
