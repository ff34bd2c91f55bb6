from django.contrib import admin

from .models import DigestLog, FollowUpNote, Indicator, IndicatorTarget, IndicatorValue


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


@admin.register(DigestLog)
class DigestLogAdmin(admin.ModelAdmin):
    """Who got which digest. Deleting a row sends that digest again at the next run; adding one for a
    period keeps that person's digest from going out."""

    list_select_related = ["user"]
    list_display = ["period", "user", "items", "claimed_at", "sent_at"]
    list_filter = ["period"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
