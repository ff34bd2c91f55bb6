from django.contrib import admin

from .models import Provenance, SharedAction


@admin.register(SharedAction)
class SharedActionAdmin(admin.ModelAdmin):
    list_display = ["action", "shared_at"]
    raw_id_fields = ["action"]
    list_select_related = ["action"]


@admin.register(Provenance)
class ProvenanceAdmin(admin.ModelAdmin):
    list_display = ["action", "source_project_title", "source_ref", "copied_at"]
    raw_id_fields = ["action", "source"]
    list_select_related = ["action"]
