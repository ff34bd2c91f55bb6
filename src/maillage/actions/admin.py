from django.contrib import admin

from maillage.evaluation.models import FollowUpNote, Indicator

from .models import (
    Action,
    ActionNode,
    ActionPartner,
    BudgetLine,
    Comment,
    Programme,
    ProgrammeAction,
    ProgrammeObjective,
    ProgrammeObjectiveAction,
)


class ActionNodeInline(admin.TabularInline):
    model = ActionNode
    autocomplete_fields = ["node"]
    extra = 0


class ActionPartnerInline(admin.TabularInline):
    model = ActionPartner
    autocomplete_fields = ["organisation"]
    extra = 0


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    autocomplete_fields = ["funder"]
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ["kind", "title", "unit", "baseline", "baseline_year", "position"]
    show_change_link = True
    extra = 0


class FollowUpNoteInline(admin.TabularInline):
    model = FollowUpNote
    fields = ["date", "author", "text"]
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["ref", "title", "status", "origin", "scale", "project"]
    list_filter = ["status", "origin", "priority", "scale", "project"]
    search_fields = ["ref", "code", "title", "description"]
    autocomplete_fields = [
        "project",
        "parent",
        "territory",
        "periods",
        "leads",
        "lead_organisation",
        "elected_referent",
        "themes",
    ]
    list_select_related = ["project"]
    readonly_fields = ["version", "created_at", "modified_at"]
    inlines = [ActionNodeInline, ActionPartnerInline, BudgetLineInline, IndicatorInline, FollowUpNoteInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "project",
                    "ref",
                    "code",
                    "title",
                    "parent",
                    "status",
                    "origin",
                    "priority",
                    "participation",
                ]
            },
        ),
        (
            "Échelon et calendrier",
            {"fields": ["scale", "territory", "periods", ("start_date", "end_date"), "schedule"]},
        ),
        (
            "Fiche",
            {
                "fields": [
                    "context",
                    "general_objective",
                    "operational_objectives",
                    "target_public",
                    "description",
                    "human_means",
                    "material_means",
                    "financial_means",
                    "partnership",
                    "expected_results",
                    "obstacles",
                ]
            },
        ),
        ("Pilotage", {"fields": ["leads", "lead_organisation", "elected_referent", "themes"]}),
        ("Suivi", {"fields": ["version", "created_at", "modified_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        # An admin save is a change too: an edit form opened before it must see a conflict.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["action", "author", "created_at"]
    list_select_related = ["action"]
    search_fields = ["action__ref", "author", "text"]
    raw_id_fields = ["action", "user"]


class ProgrammeActionInline(admin.TabularInline):
    model = ProgrammeAction
    autocomplete_fields = ["action"]
    extra = 0


class ProgrammeObjectiveInline(admin.TabularInline):
    model = ProgrammeObjective
    fields = ["title", "parent", "position"]
    show_change_link = True
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_select_related = ["project"]
    list_display = ["title", "project"]
    list_filter = ["project"]
    search_fields = ["title"]
    inlines = [ProgrammeActionInline, ProgrammeObjectiveInline]


class ProgrammeObjectiveActionInline(admin.TabularInline):
    model = ProgrammeObjectiveAction
    autocomplete_fields = ["action"]
    extra = 0


@admin.register(ProgrammeObjective)
class ProgrammeObjectiveAdmin(admin.ModelAdmin):
    list_select_related = ["programme", "parent"]
    list_display = ["title", "programme", "parent"]
    search_fields = ["title"]
    inlines = [ProgrammeObjectiveActionInline]
