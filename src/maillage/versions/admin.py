from django.contrib import admin

from .models import Version


@admin.register(Version)
class VersionAdmin(admin.ModelAdmin):
    """Read-only: a version is a record of what the plan was; it changes through the versions screens."""

    list_select_related = ["project"]
    list_display = ["label", "project", "kind", "state", "date", "deliberation_reference", "size"]
    list_filter = ["state", "kind", "project"]
    search_fields = ["label", "project__title", "deliberation_reference"]
    exclude = ["document"]
    readonly_fields = [
        "project",
        "label",
        "kind",
        "state",
        "date",
        "deliberation_date",
        "deliberation_reference",
        "deliberation_body",
        "note",
        "based_on",
        "digest",
        "size",
        "summary",
        "taken_by",
        "taken_by_name",
        "taken_at",
        "adopted_by",
        "adopted_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
