"""The background task that solves and publishes a recorded schedule run.

With the default immediate backend it runs in the requesting process; with `django-tasks-db` any
`andon worker` picks it up. Either way the run's row is the only shared state: progress, result
and failure are written there.
"""

from django_tasks import task


@task()
def run_schedule(run_id: int) -> str:
    """Solve and publish run `run_id`; returns its final status."""
    from andon.scheduling.services import execute_run

    return str(execute_run(run_id).status)
