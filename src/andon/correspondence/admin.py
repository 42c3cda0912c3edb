from django.contrib import admin

from andon.correspondence.models import ConfirmationRequest, Letter, LetterLine


class LetterLineInline(admin.TabularInline[LetterLine, Letter]):
    model = LetterLine
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in LetterLine._meta.fields]


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin[Letter]):
    """Read-only: letters are history; they are written and retried through the pages and API."""

    list_display = ("created_at", "kind", "recipient", "state", "attempts", "sent_at")
    list_filter = ("kind", "state")
    search_fields = ("recipient", "subject", "purchase_order__number", "sales_order__number")
    readonly_fields = [f.name for f in Letter._meta.fields]
    inlines = [LetterLineInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ConfirmationRequest)
class ConfirmationRequestAdmin(admin.ModelAdmin[ConfirmationRequest]):
    list_display = ("purchase_order", "state", "issued_at", "expires_at", "answered_at")
    list_filter = ("state", "changed", "later")
    search_fields = ("purchase_order__number", "answered_by")
    # The hash is never shown: it is not a secret, but there is nothing to do with it.
    exclude = ("token_hash",)
    readonly_fields = [f.name for f in ConfirmationRequest._meta.fields if f.name != "token_hash"]

    def has_add_permission(self, request: object) -> bool:
        return False
