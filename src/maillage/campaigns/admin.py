from django.contrib import admin

from .models import Answer, AnswerEvent, AnswerIndicator, Campaign, Question, Reminder


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "kind", "label", "required", "removed_at"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "first_year", "last_year", "due_date", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "key", "project__title"]
    raw_id_fields = ["project", "node", "programme", "created_by", "opened_by"]
    inlines = [QuestionInline]


class AnswerIndicatorInline(admin.TabularInline):
    model = AnswerIndicator
    extra = 0
    raw_id_fields = ["indicator", "recorded"]


class AnswerEventInline(admin.TabularInline):
    model = AnswerEvent
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["campaign", "action", "state", "submitted_at", "reviewed_at"]
    list_filter = ["state"]
    search_fields = ["action__ref", "action__title", "campaign__title"]
    raw_id_fields = ["campaign", "action", "respondents", "saved_by", "submitted_by", "reviewed_by"]
    inlines = [AnswerIndicatorInline, AnswerEventInline]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["campaign", "sent_at", "author", "recipients"]
    raw_id_fields = ["campaign", "sent_by"]
