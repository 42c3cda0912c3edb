"""The background task that plans and publishes a recorded MRP run.

With the default immediate backend it runs in the requesting process; with `django-tasks-db`
any `andon db_worker` picks it up. Either way the run's row is the only shared state: progress,
log, result and failure are written there, and the run page polls it.
"""

from django_tasks import task


@task()
def plan_run(run_id: int) -> str:
    """Plan and publish run `run_id`; returns its final status."""
    from andon.planning.services import execute_plan

    return str(execute_plan(run_id).status)
