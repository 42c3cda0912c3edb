"""Background tasks of team communication: the mention email, sent after the comment commits."""

from django_tasks import task


@task()
def send_mention_email(comment_id: int, user_ids: list[int]) -> int:
    from andon.collaboration.mail import send_mention_email as send

    return send(comment_id, user_ids)
