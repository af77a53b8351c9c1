"""The reports the monthly run stored, read-only: a stored file and its SHA-256 are what a
dispute points to, so nothing here changes or deletes them."""

from django.contrib import admin
from django.http import HttpRequest

from supportdesk.reports.models import StoredReport


@admin.register(StoredReport)
class StoredReportAdmin(admin.ModelAdmin[StoredReport]):
    list_display = ("contract", "period_start", "format", "language", "sha256", "size")
    list_filter = ("format", "language", "period_start")
    search_fields = ("contract__number", "sha256")
    list_select_related = ("contract__organization",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StoredReport | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StoredReport | None = None) -> bool:
        return False
