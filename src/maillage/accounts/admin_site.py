"""The Django admin, for superusers only.

The admin reads every project's people, comments and history without any filter by project, so a
staff flag plus ``view_`` permissions would open every private project to its holder. Project work
happens in the project screens, behind ``accounts.access``; the admin is the platform operator's tool.
"""

from django.contrib import admin

from .access import may_use_admin


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return may_use_admin(request.user)
