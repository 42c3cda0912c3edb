"""Mention emails through Django's mail (SMTP as configured by `ANDON_EMAIL_*`).

One message per mentioned person, since each is told "you" were mentioned. A mail server that is
down is logged and does not fail the comment: the inbox entry exists regardless.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from andon.alerts.mail import addresses, send_quietly
from andon.alerts.notify import base_url
from andon.collaboration import records
from andon.collaboration.models import Comment


def compose(comment: Comment, record: object, recipient: str) -> EmailMessage:
    author = comment.author.get_full_name() or comment.author.get_username()
    about = records.describe(record)  # type: ignore[arg-type]
    link = base_url() + records.url(record) + f"#comment-{comment.pk}"  # type: ignore[arg-type]
    body = "\n".join(
        [
            f"{author} mentioned you on {about}:",
            "",
            comment.text,
            "",
            f"Open it: {link}",
        ]
    )
    return EmailMessage(
        subject=f"[Andon] {author} mentioned you on {about}"[:250],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
    )


def send_mention_email(comment_id: int, user_ids: list[int]) -> int:
    """Send each person their mention email; returns how many were sent."""
    comment = Comment.objects.select_related("author").filter(pk=comment_id).first()
    if comment is None or comment.record is None:
        return 0
    messages = [compose(comment, comment.record, a) for a in addresses(user_ids)]
    return send_quietly(messages, f"comment {comment_id}: mention")
