from django.contrib import admin

from maillage.interchange.exporting import export_project

from .models import Version

DERIVED = ["digest", "size", "summary", "taken_by", "taken_by_name", "taken_at", "adopted_by", "adopted_at"]


@admin.register(Version)
class VersionAdmin(admin.ModelAdmin):
    """A version records what the plan was: added here, it snapshots the live plan; once saved, only its
    label and note change (the versions screens run the update of the plan)."""

    list_select_related = ["project"]
    list_display = ["label", "project", "kind", "state", "date", "deliberation_reference", "size"]
    list_filter = ["state", "kind", "project"]
    search_fields = ["label", "project__title", "deliberation_reference"]
    autocomplete_fields = ["project"]
    exclude = ["document"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return [*DERIVED, "based_on"]
        return [field.name for field in Version._meta.fields if field.name not in ("id", "label", "note", "document")]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.taken_by = request.user
            obj.taken_by_name = request.user.get_full_name() or request.user.get_username()
            if not obj.is_open_update:
                obj.store(export_project(obj.project))
        super().save_model(request, obj, form, change)
