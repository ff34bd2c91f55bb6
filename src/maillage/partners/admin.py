from django.contrib import admin

from .models import Domain, Organisation, Person


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class PersonInline(admin.TabularInline):
    model = Person
    fields = ["key", "name", "function", "elected", "email", "phone"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_select_related = ["project"]
    list_display = ["name", "acronym", "kind", "project"]
    list_filter = ["kind", "project"]
    search_fields = ["name", "acronym", "key"]
    autocomplete_fields = ["project", "domains"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_select_related = ["organisation", "project"]
    list_display = ["name", "function", "organisation", "elected", "project"]
    list_filter = ["elected", "project"]
    search_fields = ["name", "function", "key"]
    autocomplete_fields = ["project", "organisation"]
