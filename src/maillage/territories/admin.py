from django.contrib import admin

from .models import Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_select_related = ["project"]
    list_display = ["name", "kind", "code", "project"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["members", "project"]
