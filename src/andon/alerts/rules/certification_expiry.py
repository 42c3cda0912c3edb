"""Certification expiring: renewal takes weeks, and an expired certificate idles a worker.

A worker's certificate is in the condition when it expires within `days` (or already has) and
the worker holds no later certificate of the same certification that covers the day after.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from pydantic import Field

from andon.alerts.rules import Finding, Params, RuleKind, register
from andon.people.models import EXPIRY_WARNING_DAYS, WorkerCertification


class CertificationParams(Params):
    days: int = Field(
        EXPIRY_WARNING_DAYS, ge=0, le=365, description="Warn this many days before expiry."
    )
    include_expired: bool = Field(True, description="Keep alerting once it has expired.")


def evaluate(params: CertificationParams, now: dt.datetime) -> list[Finding]:
    today = timezone.localtime(now).date()
    horizon = today + dt.timedelta(days=params.days)
    held = list(
        WorkerCertification.objects.filter(worker__active=True)
        .select_related("worker", "certification")
        .order_by("worker_id", "certification_id", "issued_on")
    )
    latest: dict[tuple[int, int], WorkerCertification] = {}
    for cert in held:  # the last issued certificate of each worker and certification
        latest[(cert.worker_id, cert.certification_id)] = cert
    findings = []
    for cert in latest.values():
        if cert.expires_on is None or cert.expires_on > horizon:
            continue
        expired = cert.expires_on < today
        if expired and not params.include_expired:
            continue
        worker, what = cert.worker, cert.certification
        verb = "expired" if expired else "expires"
        findings.append(
            Finding(
                subject_key=f"certificate:{worker.pk}:{what.pk}",
                title=f"{worker.code} {what.code} {verb} {cert.expires_on:%Y-%m-%d}",
                detail=(
                    f"{worker.name}'s {what.name} certificate {verb} on "
                    f"{cert.expires_on:%Y-%m-%d} ({(cert.expires_on - today).days} days)."
                ),
                evidence_url=reverse("people:worker-detail", args=[worker.pk]),
            )
        )
    return findings


KIND = register(
    RuleKind(
        kind="certification_expiry",
        label="Certification expiring",
        description="A worker's certificate expires within the warning window.",
        params=CertificationParams,
        evaluate=evaluate,
    )
)
