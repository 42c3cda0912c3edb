from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "andon.scheduling"
    label = "scheduling"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from andon.core.models import AuditEntry
        from andon.scheduling.changes import on_audit

        # Work-order changes are audited in their own transaction; reading that record keeps
        # the order services unaware of scheduling (see scheduling/changes.py).
        post_save.connect(on_audit, sender=AuditEntry, dispatch_uid="scheduling-order-changes")
