"""Background tasks of partner correspondence.

With the default in-process backend they run where they are enqueued (after the commit that
wrote the letter); with `django-tasks-db` any `andon db_worker` runs them.
"""

from django_tasks import task


@task()
def deliver_letter(letter_id: int) -> str:
    """Send one queued letter and record how it went."""
    from andon.correspondence.mail import deliver

    return deliver(letter_id)


@task()
def notify_customers() -> dict[str, int]:
    """Tell customers whose delivery dates moved, and those whose orders shipped."""
    from andon.correspondence.services import notify_customers as run

    return run().counts()
