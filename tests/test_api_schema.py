"""The API keeps its own promises: no request, however odd, gets a 500, and every answer matches
the OpenAPI schema it publishes. Cases are generated from the schema itself."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance


@pytest.fixture
def api_schema(db):
    """The schema, with requests served in-process inside the test's transaction.

    Like Django's test client, keep the request signals from closing the test's database
    connection (PostgreSQL would otherwise lose the transaction the fixtures wrote in).
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from andon.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token_headers(db, user_with_role):
    from andon.accounts.services import create_token

    admin = user_with_role("admin", username="api-fuzzer")
    return {"Authorization": f"Bearer {create_token(admin, 'fuzz').raw_key}"}


CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


def test_api_answers_every_request_without_server_error(api_schema, token_headers):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert operations, "the schema lists no operation"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            case.call_and_validate(headers=token_headers, checks=CHECKS)

        exercise()


def test_openapi_schema_is_served_without_login(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Andon API"
