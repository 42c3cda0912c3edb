"""Deliver a queued letter through Django's mail (SMTP as configured by `ANDON_EMAIL_*`).

Three steps, so no transaction is open while the mail server is talked to: prepare (issue the
supplier's link, write the final text, mark the letter sending), send, and record the outcome. A
server that is down or refuses the letter leaves it `failed` with the reason; nothing raises.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from andon.core import audit
from andon.core import services as core
from andon.correspondence import compose, config
from andon.correspondence.models import ConfirmationRequest, Letter
from andon.correspondence.pdf import purchase_order_pdf
from andon.correspondence.tokens import new_token, token_hash
from andon.orders import supplier as orders

log = logging.getLogger("andon.correspondence")
SMTP_TIMEOUT = 10


def supplier_link(token: str) -> str:
    return config.base_url() + reverse("correspondence:supplier-answer", args=[token])


def _issue_link(letter: Letter, now: dt.datetime) -> tuple[str, dt.datetime]:
    """A fresh token for the letter's request; every other link of the order stops working."""
    request = ConfirmationRequest.objects.select_for_update().get(letter=letter)
    live = (ConfirmationRequest.State.OPEN, ConfirmationRequest.State.PENDING)
    for older in (
        ConfirmationRequest.objects.select_for_update()
        .filter(purchase_order_id=letter.purchase_order_id, state__in=live)
        .exclude(pk=request.pk)
    ):
        older.state = ConfirmationRequest.State.SUPERSEDED
        older.save(update_fields=["state"])
        audit.record(None, "update", older, {"state": ["open", "superseded"]})
    token = new_token()
    expires = now + dt.timedelta(days=config.link_days())
    request.token_hash = token_hash(token)
    request.issued_at = now
    request.expires_at = expires
    request.state = ConfirmationRequest.State.OPEN
    request.save(update_fields=["token_hash", "issued_at", "expires_at", "state"])
    return token, expires


def _purchase_order_message(letter: Letter, now: dt.datetime) -> EmailMessage:
    lines = list(letter.lines.all())
    token, expires = _issue_link(letter, now)
    link = supplier_link(token)
    until = f"{timezone.localtime(expires):%d %b %Y}"
    letter.body = compose.purchase_order_body(letter, lines, compose.WITHHELD, until)
    message = _message(letter, compose.purchase_order_body(letter, lines, link, until))
    message.attach(letter.attachment_name, purchase_order_pdf(letter, link), "application/pdf")
    return message


def _message(letter: Letter, body: str) -> EmailMessage:
    reply_to = [letter.created_by.email] if letter.created_by and letter.created_by.email else []
    return EmailMessage(
        subject=letter.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[letter.recipient],
        reply_to=reply_to,
    )


@transaction.atomic
def _prepare(letter_id: int) -> EmailMessage | None:
    letter = (
        Letter.objects.select_for_update(of=("self",))
        .select_related("created_by", "purchase_order__supplier", "sales_order__customer")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None or letter.state != Letter.State.QUEUED:
        return None
    now = timezone.now()
    if letter.purchase_order is not None:
        message = _purchase_order_message(letter, now)
    else:
        letter.body = compose.sales_order_body(letter, list(letter.lines.all()))
        message = _message(letter, letter.body)
    letter.state = Letter.State.SENDING
    letter.attempts += 1
    letter.save(update_fields=["body", "state", "attempts"])
    return message


def _send(message: EmailMessage) -> str:
    """Hand the message to the mail server; the reason it failed, or "" when it was accepted."""
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT
    try:
        accepted = get_connection(timeout=timeout).send_messages([message])
    except Exception as exc:  # any failure of the server or the network is the letter's state
        return f"{type(exc).__name__}: {exc}"[:300] or "mail server error"
    return "" if accepted else "The mail server accepted no message."


@transaction.atomic
def _record(letter_id: int, error: str) -> str:
    letter = Letter.objects.select_for_update().get(pk=letter_id)
    if error:
        log.warning("letter %s to %s failed: %s", letter_id, letter.recipient, error)
        ConfirmationRequest.objects.filter(
            letter=letter, state=ConfirmationRequest.State.OPEN
        ).update(state=ConfirmationRequest.State.PENDING)
        core.update(None, letter, {"state": Letter.State.FAILED, "last_error": error})
        return str(letter.state)
    core.update(
        None, letter, {"state": Letter.State.SENT, "sent_at": timezone.now(), "last_error": ""}
    )
    if letter.purchase_order is not None:
        orders.mark_sent(None, letter.purchase_order)
    return str(letter.state)


def deliver(letter_id: int) -> str:
    """Send one queued letter; returns its state afterwards ("" when it was not queued)."""
    message = _prepare(letter_id)
    if message is None:
        return ""
    return _record(letter_id, _send(message))
