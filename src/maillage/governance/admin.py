from django.contrib import admin

from .models import Attendance, Body, BodyMember, Decision, Meeting


class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    autocomplete_fields = ["person", "organisation"]
    extra = 0


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_select_related = ["chair", "project"]
    list_display = ["name", "kind", "chair", "project"]
    list_filter = ["kind", "project"]
    search_fields = ["name"]
    autocomplete_fields = ["project", "chair", "node"]
    inlines = [BodyMemberInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    autocomplete_fields = ["person", "organisation"]
    extra = 0


class DecisionInline(admin.StackedInline):
    model = Decision
    autocomplete_fields = ["actions"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_select_related = ["body", "project"]
    list_display = ["title", "date", "body", "project"]
    list_filter = ["project"]
    date_hierarchy = "date"
    search_fields = ["title", "agenda", "minutes"]
    autocomplete_fields = ["project", "body"]
    inlines = [AttendanceInline, DecisionInline]
