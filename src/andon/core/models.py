"""Cross-cutting records: the audit history every master-data change writes."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Who changed what, and when: one row per create, update, delete or import.

    Written by services inside the same transaction as the change itself, so an entry exists if and
    only if the change it describes was committed.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        IMPORT = "import", "Imported"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    model = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=60, db_index=True)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.model} {self.object_repr}"
