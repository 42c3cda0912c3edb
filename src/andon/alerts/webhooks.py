"""Webhook deliveries: signed, sent in the background, retried with exponential back-off.

A delivery row is written with the event it reports (see `notify`); this module sends the rows
that are due. Claiming a row pushes its next attempt out by a lease, so several workers never
send the same row at once; the HTTP calls run in a small thread pool with a short timeout and
touch no database, and the whole batch returns within about one timeout however many endpoints
hang. The outcome of every attempt is appended to the row's log.

The body is signed with HMAC-SHA256 of the exact bytes sent, keyed with the endpoint's secret:
`X-Andon-Signature: sha256=<hex>`. `X-Andon-Timestamp` repeats `delivery.sent_at` from inside the
signed body, so a receiver can refuse replays of old bodies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from andon.alerts.models import WebhookDelivery

MAX_ATTEMPTS = 8
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=6)
BATCH = 50
POOL = 8
USER_AGENT = "Andon-Webhooks/1"


def timeout_seconds() -> float:
    """Per-request timeout (`ANDON_WEBHOOK_TIMEOUT`, default 5 s): short, so a hang costs little."""
    return float(getattr(settings, "ANDON_WEBHOOK_TIMEOUT", 5.0))


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), signature)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt after `attempts` failed ones: 30 s, 1 min, 2 min, ... 6 h."""
    wait_for: dt.timedelta = BACKOFF_BASE * (2 ** max(attempts - 1, 0))
    return min(wait_for, BACKOFF_CAP)


@dataclass(frozen=True)
class Request:
    delivery_id: int
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    code: int | None
    error: str
    seconds: float


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: the signed body goes only where configured."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(request: Request, timeout: float) -> Outcome:
    """One HTTP POST; never raises, whatever the endpoint does."""
    began = time.monotonic()
    http = urllib.request.Request(request.url, data=request.body, method="POST")
    for name, value in request.headers.items():
        http.add_header(name, value)
    try:
        with _opener.open(http, timeout=timeout) as response:
            return Outcome(response.status, "", time.monotonic() - began)
    except urllib.error.HTTPError as exc:
        return Outcome(exc.code, f"HTTP {exc.code}", time.monotonic() - began)
    except Exception as exc:
        reason = getattr(exc, "reason", exc)
        return Outcome(None, f"{type(exc).__name__}: {reason}"[:200], time.monotonic() - began)


def _claim(now: dt.datetime, lease: dt.timedelta) -> list[Request]:
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
            .select_related("endpoint")
            .order_by("next_attempt_at", "id")[:BATCH]
        )
        if not due:
            return []
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in due]).update(
            next_attempt_at=now + lease
        )
    requests = []
    for delivery in due:
        sent_at = timezone.now().replace(microsecond=0)
        stamp = str(int(sent_at.timestamp()))
        body = json.dumps(
            {
                **delivery.payload,
                "delivery": {
                    "id": delivery.pk,
                    "attempt": delivery.attempts + 1,
                    "sent_at": stamp,
                },
            },
            separators=(",", ":"),
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Andon-Event": delivery.event,
            "X-Andon-Delivery": str(delivery.pk),
            "X-Andon-Timestamp": stamp,
            "X-Andon-Signature": sign(delivery.endpoint.secret, body),
        }
        requests.append(Request(delivery.pk, delivery.endpoint.url, body, headers))
    return requests


def _record(delivery_id: int, outcome: Outcome) -> WebhookDelivery:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        now = timezone.now()
        delivery.attempts += 1
        delivery.response_code = outcome.code
        ok = outcome.code is not None and 200 <= outcome.code < 300
        line = f"{now:%Y-%m-%d %H:%M:%S} attempt {delivery.attempts}: "
        if ok:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            line += f"delivered, HTTP {outcome.code} in {outcome.seconds:.2f} s"
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
            line += f"{outcome.error}; gave up after {delivery.attempts} attempts"
        else:
            wait_for = backoff(delivery.attempts)
            delivery.next_attempt_at = now + wait_for
            line += f"{outcome.error}; retry in {int(wait_for.total_seconds())} s"
        delivery.log = (delivery.log + "\n" + line).strip()
        delivery.save()
        return delivery


def deliver_due(now: dt.datetime | None = None, timeout: float | None = None) -> int:
    """Send every due delivery once; returns how many were attempted.

    Returns within about `timeout` (plus a second) per batch even if endpoints hang: a call still
    running then is recorded as timed out and left to finish on its own.
    """
    timeout = timeout_seconds() if timeout is None else timeout
    now = now or timezone.now()
    requests = _claim(now, lease=dt.timedelta(seconds=timeout * 2 + 60))
    if not requests:
        return 0
    pool = ThreadPoolExecutor(max_workers=min(POOL, len(requests)), thread_name_prefix="webhook")
    futures = {pool.submit(post, r, timeout): r for r in requests}
    batches = -(-len(requests) // POOL)
    done, _ = wait(futures, timeout=(timeout + 1) * batches)
    pool.shutdown(wait=False, cancel_futures=True)
    for future, request in futures.items():
        outcome = (
            future.result()
            if future in done
            else Outcome(None, f"timed out after {timeout:g} s", timeout)
        )
        _record(request.delivery_id, outcome)
    return len(requests)


def dispatch_in_background() -> None:
    """After commit: with task workers, send now in a worker; else `andon alerts` sends them.

    The in-process (immediate) task backend would send inside the request that made the event,
    which is exactly what a hanging endpoint must never do, so it is not used for deliveries.
    """
    from django_tasks import task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    from andon.alerts.tasks import deliver_webhooks

    if isinstance(task_backends[deliver_webhooks.backend], ImmediateBackend):
        return

    deliver_webhooks.enqueue()


def retry_now(delivery: WebhookDelivery) -> None:
    """Make a failed or waiting delivery due again (a person fixed the endpoint)."""
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.next_attempt_at = timezone.now()
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.attempts = MAX_ATTEMPTS - 1
    delivery.save(update_fields=["status", "next_attempt_at", "attempts"])
