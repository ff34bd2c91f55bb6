from django.contrib import admin

from .models import FollowUpNote, Indicator, IndicatorTarget, IndicatorValue


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_select_related = ["action"]
    list_display = ["title", "kind", "unit", "action"]
    list_filter = ["kind", "action__project"]
    search_fields = ["title", "action__title", "action__ref"]
    autocomplete_fields = ["action"]
    inlines = [IndicatorTargetInline, IndicatorValueInline]


@admin.register(FollowUpNote)
class FollowUpNoteAdmin(admin.ModelAdmin):
    list_select_related = ["action"]
    list_display = ["date", "action", "author"]
    list_filter = ["action__project"]
    search_fields = ["text", "action__title"]
    autocomplete_fields = ["action"]
