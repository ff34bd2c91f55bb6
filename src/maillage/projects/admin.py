from django.contrib import admin

from .models import Acronym, Level, Node, Period, Project, Theme, VocabularyLabel


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0


class AcronymInline(admin.TabularInline):
    model = Acronym
    extra = 0


class VocabularyLabelInline(admin.TabularInline):
    model = VocabularyLabel
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_select_related = ["parent"]
    list_display = ["title", "slug", "kind", "first_year", "last_year", "state", "parent", "published"]
    list_filter = ["kind", "state", "published"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["territory", "owner", "parent"]
    inlines = [LevelInline, PeriodInline, ThemeInline, AcronymInline, VocabularyLabelInline]
    fieldsets = [
        (
            None,
            {"fields": ["title", "subtitle", "slug", "kind", "territory", "owner", "parent", "description"]},
        ),
        (
            "Période et état",
            {"fields": [("first_year", "last_year"), "state", "version", "updated_on", "published"]},
        ),
        ("Délibération", {"fields": ["deliberation_date", "deliberation_reference", "deliberation_body"]}),
    ]


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "parent", "project", "position"]
    list_filter = ["project"]
    search_fields = ["title", "code", "key"]
    autocomplete_fields = ["project", "parent", "referent"]
    list_select_related = ["level", "parent", "project"]


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_select_related = ["project"]
    list_display = ["name", "depth", "project"]
    list_filter = ["project"]
    search_fields = ["name"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_select_related = ["project"]
    list_display = ["label", "first_year", "last_year", "project"]
    list_filter = ["project"]
    search_fields = ["label"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_select_related = ["project"]
    list_display = ["name", "project"]
    list_filter = ["project"]
    search_fields = ["name"]
