"""The platform operators' view of the webhooks (superusers only): which addresses receive what, and why
a subscription was disabled. The secret is never listed; deliveries are read-only."""

from django.contrib import admin
from django.db import models

from .models import Attempt, Delivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_select_related = ["project"]
    list_display = ["url", "label", "project", "active", "consecutive_failures", "disabled_at"]
    list_filter = ["active"]
    search_fields = ["url", "label", "project__slug"]
    autocomplete_fields = ["project"]
    exclude = ["secret", "created_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "at", "status_code", "error", "duration_ms"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_select_related = ["subscription__project"]
    list_display = ["event", "subscription", "status", "attempts", "created_at"]
    list_filter = ["status", "event"]
    readonly_fields = ["id", "subscription", "event", "body", "status", "attempts", "next_attempt_at", "created_at"]
    inlines = [AttemptInline]

    def has_add_permission(self, request):
        return False
