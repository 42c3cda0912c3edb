"""The collaboration and inbox endpoints answer odd requests without a server error, in schema."""

from hypothesis import HealthCheck, given, settings

from tests.test_api_schema import CHECKS, api_schema, token_headers  # noqa: F401 (fixtures)

PATHS = tuple(
    f"/api/v1{p}" for p in ("/comments", "/mentions", "/handover-notes", "/notifications")
)


def test_collaboration_endpoints_never_fail(api_schema, token_headers, work_center, day_shift):  # noqa: F811
    operations = [result.ok() for result in api_schema.get_all_operations()]
    mine = [op for op in operations if op.path.startswith(PATHS) or op.full_path.startswith(PATHS)]
    assert len(mine) >= 10
    for operation in mine:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def exercise(case):
            case.call_and_validate(headers=token_headers, checks=CHECKS)

        exercise()
