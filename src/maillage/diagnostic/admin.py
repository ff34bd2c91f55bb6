from django.contrib import admin

from .models import (
    Consultation,
    Enjeu,
    Finding,
    KeyFigureColumn,
    KeyFigureRow,
    KeyFigureTable,
    KeyFigureValue,
)


class KeyFigureColumnInline(admin.TabularInline):
    model = KeyFigureColumn
    autocomplete_fields = ["territory"]
    extra = 0


class KeyFigureRowInline(admin.TabularInline):
    model = KeyFigureRow
    show_change_link = True
    extra = 0


@admin.register(KeyFigureTable)
class KeyFigureTableAdmin(admin.ModelAdmin):
    list_select_related = ["project"]
    list_display = ["title", "source", "year", "project"]
    list_filter = ["project"]
    search_fields = ["title"]
    inlines = [KeyFigureColumnInline, KeyFigureRowInline]


class KeyFigureValueInline(admin.TabularInline):
    model = KeyFigureValue
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the columns of the row's own table.
        if db_field.name == "column" and request.resolver_match and request.resolver_match.kwargs.get("object_id"):
            row = KeyFigureRow.objects.filter(pk=request.resolver_match.kwargs["object_id"]).first()
            if row:
                kwargs["queryset"] = KeyFigureColumn.objects.filter(table=row.table_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(KeyFigureRow)
class KeyFigureRowAdmin(admin.ModelAdmin):
    list_select_related = ["table"]
    list_display = ["indicator", "table"]
    search_fields = ["indicator"]
    inlines = [KeyFigureValueInline]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_select_related = ["project"]
    list_display = ["__str__", "theme", "project"]
    list_filter = ["project"]
    search_fields = ["title", "text", "theme"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_select_related = ["project"]
    list_display = ["title", "residents", "partners", "project"]
    list_filter = ["project"]


@admin.register(Enjeu)
class EnjeuAdmin(admin.ModelAdmin):
    list_select_related = ["project"]
    list_display = ["__str__", "theme", "validated_on", "project"]
    list_filter = ["project"]
    search_fields = ["title", "code"]
    autocomplete_fields = ["nodes"]
