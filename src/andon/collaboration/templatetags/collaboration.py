"""`{% comments_for obj %}`: the comment thread of a record, on the record's own page."""

from typing import Any

from django import template
from django.db import models

from andon.collaboration import records, threads

register = template.Library()


@register.inclusion_tag("collaboration/_comments.html", takes_context=True)
def comments_for(context: dict[str, Any], record: models.Model) -> dict[str, Any]:
    """The thread and the add form; nothing for a record that takes no comments."""
    if record is None or records.of(record) is None:
        return {"record": None}
    request = context.get("request")
    user = getattr(request, "user", None)
    data = threads.context(user, record)
    data["request"] = request
    data["csrf_token"] = context.get("csrf_token")
    data["usernames"] = threads.usernames() if data["may_comment"] else []
    return data
