"""Read-only: letters and confirmation requests are history; pages and API write them."""

from django.contrib import admin

from andon.core.admin import ReadOnlyAdmin, ReadOnlyInline
from andon.correspondence.models import ConfirmationRequest, Letter, LetterLine


class LetterLineInline(ReadOnlyInline):
    model = LetterLine


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "recipient", "state", "attempts", "sent_at")
    list_filter = ("kind", "state")
    search_fields = ("recipient", "subject", "purchase_order__number", "sales_order__number")
    inlines = [LetterLineInline]


@admin.register(ConfirmationRequest)
class ConfirmationRequestAdmin(ReadOnlyAdmin):
    list_display = ("purchase_order", "state", "issued_at", "expires_at", "answered_at")
    list_filter = ("state", "changed", "later")
    search_fields = ("purchase_order__number", "answered_by")
    # The hash is never shown: it is not a secret, but there is nothing to do with it.
    exclude = ("token_hash",)
