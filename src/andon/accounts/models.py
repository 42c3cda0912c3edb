"""API tokens for integrations (MES, PLC gateways, ERPs, scripts)."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token acting as its user; only its hash is stored, so a leaked database leaks none.

    The raw token is shown once when it is created. The prefix lets a person tell tokens apart.
    A token stops working on its expiry date, so a forgotten integration does not keep a way in
    for ever; revoking keeps the row, so the audit history can still name the token.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    expires_on = models.DateField(
        null=True,
        blank=True,
        help_text="The token works until the start of this day, plant time; empty: no expiry.",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def expired(self, today: dt.date) -> bool:
        return self.expires_on is not None and self.expires_on <= today

    @staticmethod
    def new_raw_key() -> str:
        return "andon_" + secrets.token_urlsafe(32)
